package engine

import (
	"github.com/torque-go/torque/bson"
)

// Sort is a compiled sort specification. It is immutable and safe for
// concurrent use.
type Sort struct {
	keys []sortKey
	coll *Collation // how strings compare; nil is binary
}

type sortKey struct {
	parts []string
	desc  bool
}

// CompileSort compiles a sort document: {field: 1 or -1, ...}. $natural
// is accepted and ignored (the store's order is the natural order);
// {$meta: ...} is refused.
func CompileSort(sort bson.D) (*Sort, error) {
	s := &Sort{}
	for _, e := range sort {
		if _, ok := e.Value.(bson.D); ok {
			return nil, unsupported("$meta sort (sort by " + e.Key + ")")
		}
		n, ok := toFloat(e.Value)
		if !ok || (n != 1 && n != -1) {
			return nil, errorf(15975, "$sort key ordering must be 1 (for ascending) or -1 (for descending)")
		}
		if e.Key == "" {
			return nil, errorf(40352, "FieldPath cannot be constructed with empty string")
		}
		if e.Key == "$natural" {
			continue
		}
		s.keys = append(s.keys, sortKey{parts: splitPath(e.Key), desc: n < 0})
	}
	return s, nil
}

// Compare orders a before b (negative), after (positive) or as equal (0);
// use it with a stable sort. An array sorts by its smallest element in an
// ascending sort and by its largest in a descending one; a missing field
// sorts as null, an empty array before null.
func (s *Sort) Compare(a, b bson.D) int {
	for _, k := range s.keys {
		c := CompareWith(s.coll, sortValue(a, k, s.coll), sortValue(b, k, s.coll))
		if k.desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// WithCollation returns a copy of s that orders strings by c.
func (s *Sort) WithCollation(c *Collation) *Sort {
	out := *s
	out.coll = c
	return &out
}

// Empty reports whether the sort has no keys (or only $natural).
func (s *Sort) Empty() bool { return len(s.keys) == 0 }

// sortValue is the key of doc for k: the smallest (ascending) or largest
// (descending) value the path reaches.
func sortValue(doc bson.D, k sortKey, coll *Collation) any {
	var best any
	found := false
	walkPath(doc, k.parts, -1, func(c candidate) bool {
		v := c.val
		switch {
		case c.missing:
			v = nil
		case !c.element && isArray(v):
			if len(v.(bson.A)) > 0 {
				return false
			}
			v = bson.Undefined{}
		}
		if !found {
			best, found = v, true
			return false
		}
		if cmp := CompareWith(coll, v, best); (cmp < 0 && !k.desc) || (cmp > 0 && k.desc) {
			best = v
		}
		return false
	})
	return best
}
