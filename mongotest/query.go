package mongotest

import (
	"strings"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/mongotest/internal/engine"
	"github.com/torque-go/torque/mongotest/internal/store"
)

// query is a compiled filter, with the equality an index can serve.
type query struct {
	filter bson.D
	f      *engine.Filter
	// eqPath, eqValue: a top-level equality of the filter that an index
	// on eqPath answers (candidates, then the whole filter).
	eqPath  string
	eqValue any
}

// match is a document that matched, with where (for positional $).
type match struct {
	doc  bson.D
	info engine.MatchInfo
}

func compileQuery(filter bson.D, vars engine.Vars) (*query, error) {
	f, err := engine.CompileFilter(filter, vars)
	if err != nil {
		return nil, err
	}
	q := &query{filter: filter, f: f}
	q.eqPath, q.eqValue = indexableEquality(filter)
	switch q.eqValue.(type) {
	case string, bson.Symbol:
		if vars.Collation() != nil { // index keys are binary
			q.eqPath, q.eqValue = "", nil
		}
	}
	return q, nil
}

// indexableEquality finds {path: v} or {path: {$eq: v}} at the top level
// of filter with a v that index keys compare like the filter does
// (scalars: not null, documents, arrays or regular expressions), _id
// first.
func indexableEquality(filter bson.D) (string, any) {
	path, val := "", any(nil)
	for _, e := range filter {
		if strings.HasPrefix(e.Key, "$") {
			continue
		}
		v := e.Value
		if d, ok := v.(bson.D); ok && len(d) == 1 && d[0].Key == "$eq" {
			v = d[0].Value
		}
		switch v.(type) {
		case nil, bson.D, bson.A, bson.Regex, bson.Null, bson.Undefined, bson.MinKey, bson.MaxKey:
			continue
		}
		if e.Key == "_id" {
			return e.Key, v
		}
		if path == "" {
			path, val = e.Key, v
		}
	}
	return path, val
}

// inColl returns the documents of c that match, in natural order, at most
// limit (0: all). It reads c: call it under Store.View or in a Write.
func (q *query) inColl(c *store.Collection, limit int) ([]match, error) {
	if c == nil {
		return nil, nil
	}
	if q.eqPath != "" {
		if cand, ok := c.Equal(q.eqPath, q.eqValue); ok {
			return q.inDocs(cand, limit)
		}
	}
	var out []match
	var err error
	c.All(func(doc bson.D) bool {
		var m engine.MatchInfo
		var ok bool
		m, ok, err = q.f.Match(doc)
		if err != nil {
			return false
		}
		if ok {
			out = append(out, match{doc, m})
		}
		return limit <= 0 || len(out) < limit
	})
	return out, err
}

// inDocs returns the documents of docs that match, at most limit (0: all).
func (q *query) inDocs(docs []bson.D, limit int) ([]match, error) {
	var out []match
	for _, doc := range docs {
		m, ok, err := q.f.Match(doc)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, match{doc, m})
			if limit > 0 && len(out) >= limit {
				break
			}
		}
	}
	return out, nil
}

// sortMatches sorts ms by spec (stable: ties keep natural order).
func sortMatches(ms []match, spec *engine.Sort) {
	if spec == nil {
		return
	}
	sortStable(ms, func(a, b match) int { return spec.Compare(a.doc, b.doc) })
}
