package engine

import (
	"strings"

	"github.com/torque-go/torque/bson"
)

// Upsert builds the document an upsert inserts when filter matched
// nothing: the filter's equality fields (top level and inside $and), then
// the update with $setOnInsert. A replacement keeps only the filter's _id.
// The caller adds an _id when the result has none.
func (u *Update) Upsert(filter bson.D) (*UpdateResult, error) {
	seed, err := seedFromFilter(bson.D{}, filter)
	if err != nil {
		return nil, err
	}
	if u.isRepl {
		out := bson.D{}
		id, seeded := lookup(seed, "_id")
		if seeded {
			out = append(out, bson.E{Key: "_id", Value: id})
		}
		for _, e := range u.replacement {
			if e.Key != "_id" || !seeded {
				out = append(out, e)
			}
		}
		return &UpdateResult{Doc: out, Modified: true}, nil
	}
	r, err := u.apply(seed, MatchInfo{}, true)
	if err != nil {
		return nil, err
	}
	r.Modified = true
	r.UpdatedFields, r.RemovedFields, r.TruncatedArrays = nil, nil, nil
	return r, nil
}

// seedFromFilter adds the equality fields of filter to doc.
func seedFromFilter(doc bson.D, filter bson.D) (bson.D, error) {
	for _, e := range filter {
		if e.Key == "$and" {
			arr, _ := e.Value.(bson.A)
			for _, x := range arr {
				sub, _ := x.(bson.D)
				var err error
				if doc, err = seedFromFilter(doc, sub); err != nil {
					return nil, err
				}
			}
			continue
		}
		if strings.HasPrefix(e.Key, "$") {
			continue
		}
		v, ok := equalityValue(e.Value)
		if !ok {
			continue
		}
		parts := splitPath(e.Key)
		if _, exists := getPath(doc, parts); exists {
			return nil, errorf(CodeNotSingleValueField, "cannot infer query fields to set, path '%s' is matched twice", e.Key)
		}
		nv, err := setIn(doc, parts, v, parts)
		if err != nil {
			return nil, err
		}
		doc = nv.(bson.D)
	}
	return doc, nil
}

// CodeNotSingleValueField is mongod's code for a path an upsert's query
// sets twice.
const CodeNotSingleValueField = 54

// equalityValue returns the value a filter condition fixes: a plain value
// or {$eq: v}.
func equalityValue(v any) (any, bool) {
	switch x := canon(v).(type) {
	case bson.Regex:
		return nil, false
	case bson.D:
		if len(x) > 0 && strings.HasPrefix(x[0].Key, "$") {
			if len(x) == 1 && x[0].Key == "$eq" {
				return equalityValue(x[0].Value)
			}
			return nil, false
		}
	}
	return canon(v), true
}
