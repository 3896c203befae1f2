package engine

import (
	"strconv"
	"strings"

	"github.com/torque-go/torque/bson"
)

// This file walks a dotted path through a document the way the query
// language does: a path that reaches an array continues into each of its
// document elements, a numeric component also indexes the array, and an
// array at the end of the path offers both its elements and itself.

// candidate is one value a path reaches in a document.
type candidate struct {
	val      any
	missing  bool // the path does not exist here
	element  bool // val is an element of an array at the end of the path
	arrayIdx int  // index in the first array crossed, or -1
}

// splitPath splits a dotted path into its components.
func splitPath(p string) []string { return strings.Split(p, ".") }

// arrayIndex parses a path component that indexes an array: digits only,
// no sign, no leading zero (except "0").
func arrayIndex(s string) (int, bool) {
	if s == "" || len(s) > 9 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// walkPath calls fn for each value parts reaches from v, stopping when fn
// returns true; it reports whether fn did.
func walkPath(v any, parts []string, idx int, fn func(candidate) bool) bool {
	if len(parts) == 0 {
		if a, ok := v.(bson.A); ok {
			for i, e := range a {
				if fn(candidate{val: e, element: true, arrayIdx: firstIdx(idx, i)}) {
					return true
				}
			}
		}
		return fn(candidate{val: v, arrayIdx: idx})
	}
	switch x := v.(type) {
	case bson.D:
		f, ok := lookup(x, parts[0])
		if !ok {
			return fn(candidate{missing: true, arrayIdx: idx})
		}
		return walkPath(f, parts[1:], idx, fn)
	case bson.A:
		return walkArray(x, parts, idx, fn)
	}
	return fn(candidate{missing: true, arrayIdx: idx})
}

// walkArray continues a path into the array a: by index when the next
// component is a number, and into each document element.
// Scalar elements reach nothing: {"a.b": null} matches {a: [{}]} but not
// {a: [1]} (the manual's "Query for Null or Missing Fields").
func walkArray(a bson.A, parts []string, idx int, fn func(candidate) bool) bool {
	if i, ok := arrayIndex(parts[0]); ok && i < len(a) {
		if walkPath(a[i], parts[1:], idx, fn) {
			return true
		}
	}
	for i, e := range a {
		if d, ok := e.(bson.D); ok {
			if walkPath(d, parts, firstIdx(idx, i), fn) {
				return true
			}
		}
	}
	return false
}

func firstIdx(idx, i int) int {
	if idx >= 0 {
		return idx
	}
	return i
}

// getPath returns the value at a dotted path without expanding arrays,
// except that a numeric component indexes one; ok is false when the path
// does not exist.
func getPath(v any, parts []string) (any, bool) {
	for _, p := range parts {
		switch x := v.(type) {
		case bson.D:
			f, ok := lookup(x, p)
			if !ok {
				return nil, false
			}
			v = f
		case bson.A:
			i, ok := arrayIndex(p)
			if !ok || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// exprPath returns the value of a field path for aggregation: arrays
// along the path map to the arrays of their elements' values (no numeric
// indexing), and missing fields are missing.
func exprPath(v any, parts []string) any {
	for i, p := range parts {
		switch x := v.(type) {
		case bson.D:
			f, ok := lookup(x, p)
			if !ok {
				return missing
			}
			v = f
		case bson.A:
			out := bson.A{}
			for _, e := range x {
				if _, ok := e.(bson.D); !ok {
					if _, ok := e.(bson.A); !ok {
						continue
					}
				}
				if r := exprPath(e, parts[i:]); r != missing {
					out = append(out, r)
				}
			}
			return out
		default:
			return missing
		}
	}
	return v
}
