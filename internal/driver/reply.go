package driver

import (
	"bytes"
	"fmt"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/topology"
)

// replyFields are the fields of a command reply the executor reads, found
// in one pass over the top level.
type replyFields struct {
	ok          bool
	okSeen      bool
	clusterTime bson.Raw
	writeErrors bson.RawArray
	wce         bson.Raw
	labels      bson.RawArray
	// topologyVersion is the top-level one a server adds to a reply whose
	// writeConcernError is a state-change error.
	topologyVersion bson.RawValue
}

// validateReply checks a reply body on arrival, before anything reads it:
// that it is one BSON document whose structure the executor and the
// handlers can walk (ValidateStructure). String contents (UTF-8) are not
// checked here: a reply that frames correctly is a good reply, and a
// string that is not UTF-8 is the business of whoever decodes it (package
// bson passes its bytes through by default).
//
// The reply of a cursor command (lazyBatch: Operation.LazyBatch) is
// checked the same way but for the documents of its batch, which are
// framed only (validateCursorReply): their insides are checked where they
// are read, by a handler that reads them with errors (package client's
// cursors, change streams, FindOne). A malformed reply is the operation's
// error (replyInvalid): the stream is in step, the connection and the
// server are fine.
func validateReply(body bson.Raw, lazyBatch bool) error {
	if lazyBatch {
		return validateCursorReply(body)
	}
	return body.ValidateStructure()
}

// scanReply reads the top-level fields the executor needs.
func scanReply(doc bson.Raw) (replyFields, error) {
	var f replyFields
	for key, v := range doc.All() {
		switch key {
		case "ok":
			n, ok := v.AsFloat64()
			if !ok {
				if b, isBool := v.Boolean(); isBool {
					n, ok = boolFloat(b), true
				}
			}
			if !ok {
				return f, fmt.Errorf("reply field \"ok\" is a %s", v.Type)
			}
			f.ok, f.okSeen = n == 1, true
		case "$clusterTime":
			f.clusterTime, _ = v.Document()
		case "writeErrors":
			f.writeErrors, _ = v.Array()
		case "writeConcernError":
			f.wce, _ = v.Document()
		case "errorLabels":
			f.labels, _ = v.Array()
		case "topologyVersion":
			f.topologyVersion = v
		}
	}
	if !f.okSeen {
		return f, fmt.Errorf("reply has no \"ok\" field")
	}
	return f, nil
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// commandError builds the Error of an {ok: 0} reply, copying the reply.
func commandError(doc bson.Raw, f *replyFields) *Error {
	raw := bson.Raw(bytes.Clone(doc))
	e := &Error{Raw: raw, Labels: stringsOf(f.labels)}
	e.Message, _ = raw.Lookup("errmsg").StringValue()
	if c, ok := raw.Lookup("code").AsInt64(); ok {
		e.Code = int32(c)
	}
	e.CodeName, _ = raw.Lookup("codeName").StringValue()
	if v := raw.Lookup("topologyVersion"); !v.IsZero() {
		e.TopologyVersion, _ = topology.ParseTopologyVersion(v)
	}
	return e
}

// writeException builds the WriteException of an {ok: 1} write reply that
// has writeErrors or a writeConcernError, or returns nil. offset is the
// index in the whole operation of the batch's first document.
func writeException(f *replyFields, offset int) *WriteException {
	if len(f.writeErrors) == 0 && f.wce == nil {
		return nil
	}
	e := &WriteException{Labels: stringsOf(f.labels)}
	for _, v := range f.writeErrors.All() {
		d, ok := v.Document()
		if !ok {
			continue
		}
		we := WriteError{}
		if i, ok := d.Lookup("index").AsInt64(); ok {
			we.Index = int(i) + offset
		}
		if c, ok := d.Lookup("code").AsInt64(); ok {
			we.Code = int32(c)
		}
		we.CodeName, _ = d.Lookup("codeName").StringValue()
		we.Message, _ = d.Lookup("errmsg").StringValue()
		we.Details = cloneDoc(d.Lookup("errInfo"))
		we.KeyPattern = cloneDoc(d.Lookup("keyPattern"))
		we.KeyValue = cloneDoc(d.Lookup("keyValue"))
		e.WriteErrors = append(e.WriteErrors, we)
	}
	if f.wce != nil {
		c := &WriteConcernError{}
		if n, ok := f.wce.Lookup("code").AsInt64(); ok {
			c.Code = int32(n)
		}
		c.CodeName, _ = f.wce.Lookup("codeName").StringValue()
		c.Message, _ = f.wce.Lookup("errmsg").StringValue()
		c.Details = cloneDoc(f.wce.Lookup("errInfo"))
		if !f.topologyVersion.IsZero() {
			c.TopologyVersion, _ = topology.ParseTopologyVersion(f.topologyVersion)
		}
		e.WriteConcernError = c
	}
	return e
}

func cloneDoc(v bson.RawValue) bson.Raw {
	d, ok := v.Document()
	if !ok {
		return nil
	}
	return bytes.Clone(d)
}

func stringsOf(arr bson.RawArray) []string {
	var out []string
	for _, v := range arr.All() {
		if s, ok := v.StringValue(); ok {
			out = append(out, s)
		}
	}
	return out
}

// mergeWriteException adds next's errors to e (for a split write), keeping
// the last write-concern error.
func mergeWriteException(e, next *WriteException) {
	e.WriteErrors = append(e.WriteErrors, next.WriteErrors...)
	if next.WriteConcernError != nil {
		e.WriteConcernError = next.WriteConcernError
	}
	for _, l := range next.Labels {
		addLabel(e, l)
	}
}
