package mongotest

import (
	"strings"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/mongotest/internal/engine"
	"github.com/torque-go/torque/mongotest/internal/store"
)

// The bulkWrite command of MongoDB 8.0: inserts, updates and deletes
// across namespaces, run on the admin database, its results in a cursor.
// Each op goes through the write path of insert, update and delete (one
// store.Write per op, so the oplog, change streams, transactions and
// retryable writes see them as they see those commands).

func init() {
	commands["bulkWrite"] = cmdSpec{run: (*Server).bulkWrite, fields: []string{"ops", "nsInfo", "errorsOnly",
		"ordered", "bypassDocumentValidation", "let", "cursor"}}
}

// bulkWriteNS is the namespace of bulkWrite's results cursor.
const bulkWriteNS = "admin.$cmd.bulkWrite"

// bulkCounts are the summary fields of a bulkWrite reply.
type bulkCounts struct {
	nErrors, nInserted, nMatched, nModified, nUpserted, nDeleted int32
}

// bulkArgs are a bulkWrite's options.
type bulkArgs struct {
	ordered, errorsOnly, bypass bool
	vars                        engine.Vars
	batchSize                   int
}

func (s *Server) bulkWrite(c *command) (bson.D, error) {
	if c.db != "admin" {
		return nil, cmdErrorf(13, "Unauthorized", "bulkWrite may only be run against the admin database.")
	}
	ops, err := c.docs("ops")
	if err != nil {
		return nil, err
	}
	nsInfo, err := c.docs("nsInfo")
	if err != nil {
		return nil, err
	}
	namespaces, err := bulkNamespaces(nsInfo)
	if err != nil {
		return nil, err
	}
	a, err := s.bulkArgs(c)
	if err != nil {
		return nil, err
	}
	var results []bson.D
	var n bulkCounts
	for i, op := range ops {
		res, err := s.bulkOp(op, namespaces, &a)
		if err != nil {
			if isTopLevel(err) {
				return nil, err
			}
			n.nErrors++
			results = append(results, bulkError(i, err))
			if a.ordered {
				break
			}
			continue
		}
		n.add(res)
		if !a.errorsOnly {
			results = append(results, res.entry(i))
		}
	}
	batch, rest := takeBatch(results, a.batchSize)
	id := s.cursors.open(bulkWriteNS, rest, c.owner())
	reply := bson.D{bson.KV("cursor", bson.D{bson.KV("id", id), bson.KV("firstBatch", batch), bson.KV("ns", bulkWriteNS)})}
	return append(reply, bson.KV("nErrors", n.nErrors), bson.KV("nInserted", n.nInserted),
		bson.KV("nMatched", n.nMatched), bson.KV("nModified", n.nModified), bson.KV("nUpserted", n.nUpserted),
		bson.KV("nDeleted", n.nDeleted)), nil
}

// bulkArgs reads ordered, errorsOnly, bypassDocumentValidation, let and
// cursor.batchSize.
func (s *Server) bulkArgs(c *command) (bulkArgs, error) {
	var a bulkArgs
	var err error
	if a.ordered, err = c.optBool("ordered", true); err != nil {
		return a, err
	}
	if a.errorsOnly, err = c.optBool("errorsOnly", false); err != nil {
		return a, err
	}
	if a.bypass, err = c.optBool("bypassDocumentValidation", false); err != nil {
		return a, err
	}
	if a.vars, err = c.vars(s); err != nil {
		return a, err
	}
	cur, err := c.optDoc("cursor")
	if err != nil {
		return a, err
	}
	for _, e := range cur {
		n, ok := asInt(e.Value)
		if e.Key != "batchSize" || !ok || n < 0 {
			return a, badValue("bulkWrite.cursor: only batchSize, a non-negative number, is supported; got %s", e.Key)
		}
		a.batchSize = int(n)
	}
	return a, nil
}

// bulkNamespaces reads nsInfo: [{ns: "db.coll"}].
func bulkNamespaces(nsInfo []bson.D) ([][2]string, error) {
	out := make([][2]string, len(nsInfo))
	for i, d := range nsInfo {
		for _, e := range d {
			if e.Key != "ns" {
				if e.Key == "encryptionInformation" {
					return nil, unsupported("bulkWrite's nsInfo.encryptionInformation")
				}
				return nil, cmdErrorf(40415, "Location40415", "BSON field 'bulkWrite.nsInfo.%s' is an unknown field.", e.Key)
			}
		}
		ns, ok := lookup(d, "ns").(string)
		if !ok {
			return nil, typeMismatch("bulkWrite.nsInfo.ns", "string", lookup(d, "ns"))
		}
		db, coll, found := strings.Cut(ns, ".")
		if !found || db == "" || coll == "" || strings.ContainsRune(ns, 0) || strings.Contains(coll, "$") {
			return nil, cmdErrorf(73, "InvalidNamespace", "Invalid namespace specified '%s'", ns)
		}
		out[i] = [2]string{db, coll}
	}
	return out, nil
}

// bulkResult is what one op did.
type bulkResult struct {
	kind     string // "insert", "update", "delete"
	n        int32
	modified int32
	upserted any  // an upsert's _id (which may be null: see hasUp)
	hasUp    bool // the update upserted
}

// entry is the op's results-cursor document.
func (r *bulkResult) entry(i int) bson.D {
	d := bson.D{bson.KV("ok", 1.0), bson.KV("idx", int32(i)), bson.KV("n", r.n)}
	if r.kind == "update" {
		d = append(d, bson.KV("nModified", r.modified))
		if r.hasUp {
			d = append(d, bson.KV("upserted", bson.D{bson.KV("_id", r.upserted)}))
		}
	}
	return d
}

func (n *bulkCounts) add(r bulkResult) {
	switch r.kind {
	case "insert":
		n.nInserted += r.n
	case "delete":
		n.nDeleted += r.n
	default:
		n.nModified += r.modified
		if r.hasUp {
			n.nUpserted++
			n.nMatched += r.n - 1
		} else {
			n.nMatched += r.n
		}
	}
}

// bulkError is the results-cursor document of a failed op.
func bulkError(i int, err error) bson.D {
	ce := asCmdError(err)
	d := bson.D{bson.KV("ok", 0.0), bson.KV("idx", int32(i)), bson.KV("code", ce.Code)}
	if ce.CodeName != "" {
		d = append(d, bson.KV("codeName", ce.CodeName))
	}
	d = append(d, bson.KV("errmsg", ce.Msg))
	d = append(d, ce.Extra...)
	return append(d, bson.KV("n", int32(0)))
}

// topLevel marks an error that fails the whole command rather than one
// op (a malformed op).
type topLevel struct{ *cmdError }

func (e topLevel) Unwrap() error { return e.cmdError }

func isTopLevel(err error) bool {
	_, ok := err.(topLevel)
	return ok
}

// bulkOp runs one op: {insert: i, document}, {update: i, filter,
// updateMods, multi, upsert, arrayFilters, hint, collation, sort, let
// constants c}, {delete: i, filter, multi, hint, collation}.
func (s *Server) bulkOp(op bson.D, namespaces [][2]string, a *bulkArgs) (bulkResult, error) {
	if len(op) == 0 {
		return bulkResult{}, topLevel{badValue("bulkWrite: an empty op")}
	}
	kind := op[0].Key
	idx, ok := asInt(op[0].Value)
	if !ok || idx < 0 || int(idx) >= len(namespaces) {
		return bulkResult{}, topLevel{badValue("BulkWrite ops entry %s: %v is not a valid index into nsInfo", kind, op[0].Value)}
	}
	db, coll := namespaces[idx][0], namespaces[idx][1]
	if err := s.checkWritable(db, coll); err != nil {
		return bulkResult{}, err
	}
	switch kind {
	case "insert":
		return s.bulkInsert(db, coll, op[1:], a)
	case "update":
		return s.bulkUpdate(db, coll, op[1:], a)
	case "delete":
		return s.bulkDelete(db, coll, op[1:], a)
	}
	return bulkResult{}, topLevel{cmdErrorf(40415, "Location40415", "BSON field 'bulkWrite.ops.%s' is an unknown field.", kind)}
}

func (s *Server) bulkInsert(db, coll string, fields bson.D, a *bulkArgs) (bulkResult, error) {
	if err := knownFields(fields, "insert", "document"); err != nil {
		return bulkResult{}, err
	}
	doc, ok := lookup(fields, "document").(bson.D)
	if !ok {
		return bulkResult{}, topLevel{typeMismatch("bulkWrite.ops.document", "object", lookup(fields, "document"))}
	}
	_, err := s.store.Write(func(tx *store.Tx) error { return s.insertOne(tx, db, coll, doc, a.bypass) })
	return bulkResult{kind: "insert", n: 1}, err
}

// bulkUpdate renames the op's fields to an update statement's and runs
// it on the update path.
func (s *Server) bulkUpdate(db, coll string, fields bson.D, a *bulkArgs) (bulkResult, error) {
	if err := knownFields(fields, "update", "filter", "updateMods", "multi", "upsert", "arrayFilters",
		"hint", "collation", "sort", "constants"); err != nil {
		return bulkResult{}, err
	}
	stmt := make(bson.D, 0, len(fields))
	for _, e := range fields {
		switch e.Key {
		case "filter":
			e.Key = "q"
		case "updateMods":
			e.Key = "u"
		case "constants":
			e.Key = "c"
		}
		stmt = append(stmt, e)
	}
	out, err := s.updateStatement(db, coll, stmt, a.vars, a.bypass)
	if err != nil {
		return bulkResult{}, err
	}
	r := bulkResult{kind: "update", n: out.matched, modified: out.modified}
	if out.upsertedID != nil {
		r.n, r.upserted, r.hasUp = 1, out.upsertedID, true
	}
	return r, nil
}

func (s *Server) bulkDelete(db, coll string, fields bson.D, a *bulkArgs) (bulkResult, error) {
	if err := knownFields(fields, "delete", "filter", "multi", "hint", "collation"); err != nil {
		return bulkResult{}, err
	}
	multi, err := asBool("bulkWrite.ops.multi", lookup(fields, "multi"), false)
	if err != nil {
		return bulkResult{}, topLevel{asCmdError(err)}
	}
	limit := int32(1)
	if multi {
		limit = 0
	}
	stmt := bson.D{bson.KV("q", lookup(fields, "filter")), bson.KV("limit", limit)}
	for _, k := range []string{"hint", "collation"} {
		if v := lookup(fields, k); v != nil {
			stmt = append(stmt, bson.KV(k, v))
		}
	}
	n, err := s.deleteStatement(db, coll, stmt, a.vars)
	return bulkResult{kind: "delete", n: n}, err
}

// knownFields refuses, for the whole command, a field an op of kind does
// not take.
func knownFields(fields bson.D, kind string, known ...string) error {
	for _, e := range fields {
		ok := false
		for _, k := range known {
			ok = ok || e.Key == k
		}
		if !ok {
			return topLevel{cmdErrorf(40415, "Location40415", "BSON field 'bulkWrite.ops.%s.%s' is an unknown field.", kind, e.Key)}
		}
	}
	return nil
}
