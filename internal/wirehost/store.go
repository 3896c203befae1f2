package wirehost

import (
	"bytes"
	"errors"
	"strconv"
	"sync"

	"github.com/torque-go/torque/bson"
)

// Store is a tiny in-memory document store behind the built-in insert,
// find, update, delete and count handlers: enough for "the document exists
// exactly once" after a retried write. Filters match top-level fields by
// equality only; updates are $set or whole replacements. It also
// remembers the answers to retryable writes (lsid + txnNumber) so that a
// retry is answered without being applied twice, as a real server does.
// Safe for concurrent use.
type Store struct {
	mu    sync.Mutex
	colls map[string][]bson.Raw // by namespace "db.coll", in insertion order
	done  map[string]Reply      // retryable writes answered, by lsid+txnNumber
}

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{colls: map[string][]bson.Raw{}, done: map[string]Reply{}}
}

// Docs returns the documents of namespace ns ("db.coll"), in insertion
// order.
func (st *Store) Docs(ns string) []bson.Raw {
	st.mu.Lock()
	defer st.mu.Unlock()
	return append([]bson.Raw(nil), st.colls[ns]...)
}

// Insert adds documents to ns, each of which must have an _id not yet
// present.
func (st *Store) Insert(ns string, docs ...bson.Raw) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, d := range docs {
		if err := st.insertLocked(ns, d); err != nil {
			return err
		}
	}
	return nil
}

var errDuplicateKey = errors.New("E11000 duplicate key error")

func (st *Store) insertLocked(ns string, doc bson.Raw) error {
	id := doc.Lookup("_id")
	if id.IsZero() {
		return errors.New("document has no _id")
	}
	for _, d := range st.colls[ns] {
		if equalValues(d.Lookup("_id"), id) {
			return errDuplicateKey
		}
	}
	st.colls[ns] = append(st.colls[ns], bytes.Clone(doc))
	return nil
}

// Find returns the documents of ns that match filter (nil matches all).
func (st *Store) Find(ns string, filter bson.Raw) []bson.Raw {
	st.mu.Lock()
	defer st.mu.Unlock()
	var out []bson.Raw
	for _, d := range st.colls[ns] {
		if matches(d, filter) {
			out = append(out, d)
		}
	}
	return out
}

// matches reports whether every top-level field of filter equals doc's.
func matches(doc, filter bson.Raw) bool {
	for key, want := range filter.All() {
		if !equalValues(doc.Lookup(key), want) {
			return false
		}
	}
	return true
}

// equalValues compares two values: numbers by value, the rest by type
// and bytes.
func equalValues(a, b bson.RawValue) bool {
	if fa, ok := a.AsFloat64(); ok {
		fb, ok := b.AsFloat64()
		return ok && fa == fb
	}
	return a.Type == b.Type && bytes.Equal(a.Value, b.Value)
}

// update applies u ($set, or a replacement) to the documents of ns that
// match q (the first only unless multi).
func (st *Store) update(ns string, q, u bson.Raw, multi bool) (n int, err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	docs := st.colls[ns]
	for i, d := range docs {
		if !matches(d, q) {
			continue
		}
		if docs[i], err = applyUpdate(d, u); err != nil {
			return n, err
		}
		n++
		if !multi {
			break
		}
	}
	return n, nil
}

func applyUpdate(doc, u bson.Raw) (bson.Raw, error) {
	first, err := u.Index(0)
	if err != nil || len(first.Key()) == 0 || first.Key()[0] != '$' {
		// A replacement keeps the _id.
		return withFields(u, bson.KV("_id", doc.Lookup("_id"))), nil
	}
	set, ok := u.Lookup("$set").Document()
	if !ok || len(u) != 4+len(first)+1 {
		return nil, errors.New("mockserver store: only $set updates are supported")
	}
	fields := make([]bson.E, 0, 8)
	for key, v := range set.All() {
		fields = append(fields, bson.KV(key, v))
	}
	return withFields(doc, fields...), nil
}

// remove deletes the documents of ns that match q (limit 1: the first).
func (st *Store) remove(ns string, q bson.Raw, limit int64) int {
	st.mu.Lock()
	defer st.mu.Unlock()
	kept, n := st.colls[ns][:0:0], 0
	for _, d := range st.colls[ns] {
		if matches(d, q) && (limit != 1 || n == 0) {
			n++
			continue
		}
		kept = append(kept, d)
	}
	st.colls[ns] = kept
	return n
}

// retryable runs h for req unless req is a retryable write (lsid and
// txnNumber, outside a transaction) answered before: then it returns the
// first answer again without applying anything.
func (st *Store) retryable(req *Request, h Handler) Reply {
	key, ok := retryKey(req)
	if !ok {
		return h(req)
	}
	st.mu.Lock()
	r, seen := st.done[key]
	st.mu.Unlock()
	if seen {
		return r
	}
	r = h(req)
	if ok, _ := r.Doc.Lookup("ok").AsFloat64(); ok == 1 && r.Action == Answer {
		st.mu.Lock()
		st.done[key] = r
		st.mu.Unlock()
	}
	return r
}

func retryKey(req *Request) (string, bool) {
	switch req.Name {
	case "insert", "update", "delete", "findAndModify":
	default:
		return "", false
	}
	lsid := req.Lookup("lsid")
	txn, ok := req.Lookup("txnNumber").AsInt64()
	if lsid.IsZero() || !ok || !req.Lookup("autocommit").IsZero() {
		return "", false
	}
	return string(lsid.Value) + "/" + req.Name + "/" + strconv.FormatInt(txn, 10), true
}
