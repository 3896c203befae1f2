package store

import (
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/torque-go/torque/bson"
)

// IndexSpec is one index as createIndexes describes it and listIndexes
// shows it. Spec holds the whole description in listIndexes' shape
// ({v: 2, key, name, ...options}).
type IndexSpec struct {
	Name   string
	Key    bson.D // {field: 1 | -1 | "text" | ...}, in order
	Unique bool
	Sparse bool
	// PrepareUnique refuses new duplicate keys while allowing the ones
	// already there (collMod's step before unique: true).
	PrepareUnique bool
	// Partial reports whether a document belongs to a partial index
	// (partialFilterExpression); nil means every document does.
	Partial func(doc bson.D) bool
	Spec    bson.D
}

// index is an IndexSpec with its entries: index key -> positions of the
// collection's documents that have it.
type index struct {
	IndexSpec
	keys map[string]map[int]struct{}
}

func newIndex(spec IndexSpec) *index {
	return &index{IndexSpec: spec, keys: map[string]map[int]struct{}{}}
}

func (ix *index) clone() *index {
	c := &index{IndexSpec: ix.IndexSpec, keys: make(map[string]map[int]struct{}, len(ix.keys))}
	for k, set := range ix.keys {
		c.keys[k] = maps.Clone(set)
	}
	return c
}

// docKeys are the index keys of doc: one per combination of the values at
// the key's paths (several when a path holds an array: a multikey index),
// nil when doc is not in the index (sparse without any key field, or
// outside the partial filter).
func (ix *index) docKeys(doc bson.D) []string {
	if ix.Partial != nil && !ix.Partial(doc) {
		return nil
	}
	keys := []string{""}
	present := false
	for _, f := range ix.Key {
		vals := PathValues(doc, f.Key)
		if len(vals) == 0 {
			vals = []any{nil}
		} else {
			present = true
		}
		next := make([]string, 0, len(keys)*len(vals))
		for _, k := range keys {
			for _, v := range vals {
				next = append(next, k+Key(v))
			}
		}
		keys = next
	}
	if ix.Sparse && !present {
		return nil
	}
	return dedupe(keys)
}

func dedupe(keys []string) []string {
	if len(keys) < 2 {
		return keys
	}
	seen := make(map[string]bool, len(keys))
	out := keys[:0]
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

func (ix *index) add(doc bson.D, pos int) {
	for _, k := range ix.docKeys(doc) {
		set := ix.keys[k]
		if set == nil {
			set = map[int]struct{}{}
			ix.keys[k] = set
		}
		set[pos] = struct{}{}
	}
}

func (ix *index) remove(doc bson.D, pos int) {
	for _, k := range ix.docKeys(doc) {
		if set := ix.keys[k]; set != nil {
			delete(set, pos)
			if len(set) == 0 {
				delete(ix.keys, k)
			}
		}
	}
}

// conflict returns the position of a document other than self that
// already holds one of doc's keys in a unique index, or -1.
func (ix *index) conflict(doc bson.D, self int) int {
	if !ix.Unique && !ix.PrepareUnique {
		return -1
	}
	for _, k := range ix.docKeys(doc) {
		for pos := range ix.keys[k] {
			if pos != self {
				return pos
			}
		}
	}
	return -1
}

// PathValues returns the values at a dotted path of doc, the way an index
// sees them: through arrays of documents at every level, and the elements
// of an array found at the end (an empty array gives undefined... here
// nil-less: no value). A numeric path element also indexes an array.
func PathValues(doc bson.D, path string) []any {
	var out []any
	collect(doc, strings.Split(path, "."), &out)
	return out
}

func collect(v any, parts []string, out *[]any) {
	if len(parts) == 0 {
		if arr, ok := v.(bson.A); ok {
			*out = append(*out, arr...)
			if len(arr) == 0 {
				*out = append(*out, bson.Undefined{})
			}
			return
		}
		*out = append(*out, v)
		return
	}
	switch x := v.(type) {
	case bson.D:
		for _, e := range x {
			if e.Key == parts[0] {
				collect(e.Value, parts[1:], out)
				return
			}
		}
	case bson.A:
		if i, err := strconv.Atoi(parts[0]); err == nil && i >= 0 && i < len(x) {
			collect(x[i], parts[1:], out)
			return
		}
		for _, el := range x {
			if d, ok := el.(bson.D); ok {
				collect(d, parts, out)
			}
		}
	}
}

// DuplicateKeyError is an E11000: a write that would give a unique index
// two documents with the same key. Its fields are what MongoDB's reply
// carries: keyPattern and keyValue.
type DuplicateKeyError struct {
	NS         string
	Index      string
	KeyPattern bson.D
	KeyValue   bson.D
}

func (e *DuplicateKeyError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "E11000 duplicate key error collection: %s index: %s dup key: { ", e.NS, e.Index)
	for i, f := range e.KeyValue {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s: %s", f.Key, shellValue(f.Value))
	}
	b.WriteString(" }")
	return b.String()
}

// shellValue prints a key value roughly as mongod's error message does.
func shellValue(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case nil:
		return "null"
	case bson.ObjectID:
		return "ObjectId('" + fmt.Sprintf("%x", x[:]) + "')"
	}
	if b, err := bson.MarshalExtJSON(bson.D{bson.KV("v", v)}, false, false); err == nil {
		s := string(b)
		return strings.TrimSuffix(strings.TrimPrefix(s, `{"v":`), "}")
	}
	return fmt.Sprint(v)
}

// dupError builds the E11000 of ix for doc in collection ns.
func (ix *index) dupError(ns string, doc bson.D) *DuplicateKeyError {
	e := &DuplicateKeyError{NS: ns, Index: ix.Name, KeyPattern: ix.Key}
	for _, f := range ix.Key {
		vals := PathValues(doc, f.Key)
		var v any
		if len(vals) > 0 {
			v = vals[0]
		}
		e.KeyValue = append(e.KeyValue, bson.KV(f.Key, v))
	}
	return e
}
