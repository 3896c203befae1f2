package mongotest

import (
	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/mongotest/internal/engine"
	"github.com/torque-go/torque/mongotest/internal/store"
)

// find's index-facing options: returnKey, showRecordId, min and max.
// mongotest has no query planner, so "the index a find uses" is: the hint;
// else the index whose first field is a top-level equality of the filter;
// else the one whose first field is the sort's first field. returnKey
// answers that index's key of each document ({} when none serves the
// find, as mongod does for a collection scan); min (inclusive) and max
// (exclusive) bound that key and need a hint, as in mongod since 4.2.
// showRecordId adds $recordId (not with returnKey, as in mongod): the
// document's rank in natural order from 1 — increasing with insertion
// like mongod's, though not kept across deletes.
type keyOptions struct {
	returnKey, showRecordID bool
	min, max                bson.D
}

func (c *command) keyOptions() (ko keyOptions, err error) {
	if ko.returnKey, err = c.optBool("returnKey", false); err != nil {
		return ko, err
	}
	if ko.showRecordID, err = c.optBool("showRecordId", false); err != nil {
		return ko, err
	}
	if ko.min, err = c.optDoc("min"); err != nil {
		return ko, err
	}
	ko.max, err = c.optDoc("max")
	return ko, err
}

func (ko keyOptions) any() bool {
	return ko.returnKey || ko.showRecordID || ko.min != nil || ko.max != nil
}

// ranked is a match with its rank in natural order.
type ranked struct {
	match
	rank int64
}

// runFindKeyed is runFind with the options above.
func (s *Server) runFindKeyed(c *command, coll string, a findArgs, vars engine.Vars, ko keyOptions) ([]bson.D, error) {
	q, err := compileQuery(a.filter, vars)
	if err != nil {
		return nil, err
	}
	var proj *engine.Projection
	if len(a.projection) > 0 && !ko.returnKey {
		if proj, err = engine.CompileProjection(a.projection, vars); err != nil {
			return nil, err
		}
	}
	var sortSpec *engine.Sort
	if len(a.sort) > 0 {
		if sortSpec, err = engine.CompileSort(a.sort); err != nil {
			return nil, err
		}
		sortSpec = sortSpec.WithCollation(vars.Collation())
	}
	key, rs, err := s.rankedMatches(c, coll, q, a, ko)
	if err != nil {
		return nil, err
	}
	ms := make([]match, len(rs))
	ranks := map[*bson.E]int64{}
	for i, r := range rs {
		ms[i] = r.match
		ranks[&r.doc[0]] = r.rank
	}
	sortMatches(ms, sortSpec)
	ms = ms[min(int64(len(ms)), a.skip):]
	if a.limit > 0 && int64(len(ms)) > a.limit {
		ms = ms[:a.limit]
	}
	out := make([]bson.D, len(ms))
	for i, m := range ms {
		switch {
		case ko.returnKey:
			out[i] = keyOf(key, m.doc)
		case proj != nil:
			if out[i], err = proj.Apply(m.doc, m.info); err != nil {
				return nil, err
			}
		default:
			out[i] = m.doc
		}
		if ko.showRecordID && !ko.returnKey { // returnKey drops the record id, as mongod's ReturnKeyStage
			out[i] = append(out[i][:len(out[i]):len(out[i])], bson.KV("$recordId", ranks[&m.doc[0]]))
		}
	}
	return out, nil
}

// rankedMatches picks the find's index and returns the matching
// documents within min and max, with their natural ranks.
func (s *Server) rankedMatches(c *command, coll string, q *query, a findArgs, ko keyOptions) (key bson.D, out []ranked, err error) {
	s.store.View(func(r store.Reader) {
		cl := r.Coll(c.db, coll)
		if cl == nil {
			return
		}
		if cl.IsView() {
			err = unsupported("returnKey, showRecordId, min and max on a view")
			return
		}
		if key, err = findIndex(cl, c.get("hint"), q, a.sort, ko); err != nil {
			return
		}
		var rank int64
		cl.All(func(doc bson.D) bool {
			rank++
			var info engine.MatchInfo
			var ok bool
			if info, ok, err = q.f.Match(doc); err != nil {
				return false
			}
			if ok && inBounds(key, doc, ko) {
				out = append(out, ranked{match{doc, info}, rank})
			}
			return true
		})
	})
	return key, out, err
}

// findIndex is the key pattern of the index the find uses (nil: none).
func findIndex(cl *store.Collection, hint any, q *query, sort bson.D, ko keyOptions) (bson.D, error) {
	var ixs []store.IndexSpec
	for _, ix := range cl.Indexes() {
		if hidden, _ := lookup(ix.Spec, "hidden").(bool); !hidden {
			ixs = append(ixs, ix)
		}
	}
	if hint != nil {
		for _, ix := range ixs {
			if h, ok := hint.(string); ok && ix.Name == h {
				return ix.Key, checkBounds(ix.Key, ko)
			}
			if h, ok := hint.(bson.D); ok && store.Key(ix.Key) == store.Key(h) {
				return ix.Key, checkBounds(ix.Key, ko)
			}
		}
		return nil, nil // a $natural hint: a collection scan
	}
	if ko.min != nil || ko.max != nil {
		return nil, cmdErrorf(51173, "Location51173", "When using min()/max() a hint of which index to use must be provided")
	}
	for _, first := range []string{q.eqPath, firstKey(sort)} {
		for _, ix := range ixs {
			if first != "" && ix.Key[0].Key == first && ix.Partial == nil && !ix.Sparse {
				return ix.Key, nil
			}
		}
	}
	return nil, nil
}

func firstKey(d bson.D) string {
	if len(d) == 0 {
		return ""
	}
	return d[0].Key
}

// checkBounds refuses min or max whose fields are not the index's.
func checkBounds(key bson.D, ko keyOptions) error {
	for _, b := range []bson.D{ko.min, ko.max} {
		if b == nil {
			continue
		}
		ok := len(b) == len(key)
		for i := 0; ok && i < len(b); i++ {
			ok = b[i].Key == key[i].Key
		}
		if !ok {
			return cmdErrorf(51174, "Location51174", "The index chosen is not consistent with min/max. Requested index: %v, min: %v, max: %v", key, ko.min, ko.max)
		}
	}
	return nil
}

// inBounds reports whether doc's key is within [min, max).
func inBounds(key, doc bson.D, ko keyOptions) bool {
	if key == nil || ko.min == nil && ko.max == nil {
		return true
	}
	k := keyOf(key, doc)
	if ko.min != nil && compareKeys(key, k, ko.min) < 0 {
		return false
	}
	return ko.max == nil || compareKeys(key, k, ko.max) < 0
}

// compareKeys compares two keys of index key in the index's order (a
// descending field reversed).
func compareKeys(key, a, b bson.D) int {
	for i, f := range key {
		c := engine.Compare(a[i].Value, b[i].Value)
		if n, _ := asInt(f.Value); n < 0 {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// keyOf is doc's key in the index key pattern key: {field: value} per
// field (the first element of an array; null when missing).
func keyOf(key, doc bson.D) bson.D {
	out := bson.D{}
	for _, f := range key {
		var v any
		if vals := store.PathValues(doc, f.Key); len(vals) > 0 {
			v = vals[0]
		}
		out = append(out, bson.KV(f.Key, v))
	}
	return out
}
