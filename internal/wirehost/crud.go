package wirehost

import (
	"errors"

	"github.com/torque-go/torque/bson"
)

// crud is the built-in handler of insert, find, update, delete, count and
// findAndModify over the host's Store. Writes on a host that is not
// writable fail with NotWritablePrimary, reads there without a
// secondary-allowing read preference with NotPrimaryNoSecondaryOk, as a
// real member answers.
func (s *Server) crud(req *Request) Reply {
	coll, _ := req.Lookup(req.Name).StringValue()
	ns := req.DB + "." + coll
	h := s.Hello()
	write := req.Name != "find" && req.Name != "count"
	if write && !h.writable() {
		var labels []string
		if !req.Lookup("txnNumber").IsZero() {
			labels = []string{"RetryableWriteError"}
		}
		return Error(10107, "NotWritablePrimary", "not primary", labels...)
	}
	if !write && !h.writable() && !secondaryOK(req) {
		return Error(13435, "NotPrimaryNoSecondaryOk", "not primary and secondaryOk=false")
	}
	if write {
		s.tick()
	}
	switch req.Name {
	case "insert":
		return s.insert(req, ns)
	case "find":
		filter, _ := req.Lookup("filter").Document()
		docs := s.store.Find(ns, filter)
		if limit, ok := req.Lookup("limit").AsInt64(); ok && limit > 0 && int64(len(docs)) > limit {
			docs = docs[:limit]
		}
		return CursorReply(ns, 0, docs...)
	case "count":
		q, _ := req.Lookup("query").Document()
		return OK(bson.KV("n", int32(len(s.store.Find(ns, q)))))
	case "update":
		return s.updateCmd(req, ns)
	case "delete":
		n := 0
		for _, d := range req.Documents("deletes") {
			q, _ := d.Lookup("q").Document()
			limit, _ := d.Lookup("limit").AsInt64()
			n += s.store.remove(ns, q, limit)
		}
		return OK(bson.KV("n", int32(n)))
	}
	return Error(115, "CommandNotSupported", "mockserver store: "+req.Name+" is not supported")
}

// secondaryOK reports whether req's read preference allows a secondary.
func secondaryOK(req *Request) bool {
	mode, _ := req.Lookup("$readPreference", "mode").StringValue()
	return mode != "" && mode != "primary"
}

func (s *Server) insert(req *Request, ns string) Reply {
	ordered := true
	if v, ok := req.Lookup("ordered").Boolean(); ok {
		ordered = v
	}
	var n int32
	var errs []WriteError
	for i, d := range req.Documents("documents") {
		if d.Lookup("_id").IsZero() {
			d = withFields(d, bson.KV("_id", bson.NewObjectID()))
		}
		if err := s.store.Insert(ns, d); err != nil {
			code := int32(2)
			if errors.Is(err, errDuplicateKey) {
				code = 11000
			}
			errs = append(errs, WriteError{Index: int32(i), Code: code, ErrMsg: err.Error()})
			if ordered {
				break
			}
			continue
		}
		n++
	}
	if len(errs) > 0 {
		return WriteErrors(n, errs...)
	}
	return OK(bson.KV("n", n))
}

func (s *Server) updateCmd(req *Request, ns string) Reply {
	var n int32
	for i, d := range req.Documents("updates") {
		q, _ := d.Lookup("q").Document()
		u, ok := d.Lookup("u").Document()
		if !ok {
			return WriteErrors(n, WriteError{Index: int32(i), Code: 9, ErrMsg: "mockserver store: u must be a document"})
		}
		multi, _ := d.Lookup("multi").Boolean()
		got, err := s.store.update(ns, q, u, multi)
		if err != nil {
			return WriteErrors(n, WriteError{Index: int32(i), Code: 9, ErrMsg: err.Error()})
		}
		n += int32(got)
	}
	return OK(bson.KV("n", n), bson.KV("nModified", n))
}
