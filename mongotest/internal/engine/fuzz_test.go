package engine

import (
	"testing"

	"github.com/torque-go/torque/bson"
)

// The fuzz targets check that no filter, update, projection, sort or
// pipeline, however malformed, and no document make the engine panic or
// hang: it answers or returns an error.

func fuzzSeed(f *testing.F, specs []string, docsJS []string) {
	for _, s := range specs {
		for _, d := range docsJS {
			a, err1 := bson.Marshal(doc(f, s))
			b, err2 := bson.Marshal(doc(f, d))
			if err1 != nil || err2 != nil {
				f.Fatal(err1, err2)
			}
			f.Add(a, b)
		}
	}
}

var fuzzDocs = []string{
	`{"_id": 1, "a": [1, {"b": [2, {"c": 3}]}, null], "s": "x", "n": {"$numberDecimal": "1.5"}}`,
	`{"a": {"b": {"c": [[1, 2], []]}}, "d": {"$date": "2020-01-01T00:00:00Z"}}`,
	`{}`,
}

func decodeTwo(a, b []byte) (bson.D, bson.D, bool) {
	var x, y bson.D
	if bson.Unmarshal(a, &x) != nil || bson.Unmarshal(b, &y) != nil {
		return nil, nil, false
	}
	return x, y, true
}

func FuzzFilterMatch(f *testing.F) {
	fuzzSeed(f, []string{
		`{"a.b": {"$gt": 1, "$in": [2, 3]}, "$or": [{"s": {"$regex": "x", "$options": "i"}}, {"a": {"$size": 3}}]}`,
		`{"a": {"$elemMatch": {"b": {"$exists": true}}}, "$expr": {"$eq": ["$s", "x"]}}`,
		`{"a": {"$all": [1, {"$elemMatch": {"c": 3}}]}, "n": {"$type": "number", "$mod": [2, 1]}}`,
		`{"a.1.b.0": {"$not": {"$lt": 5}}, "$nor": [{"z": null}]}`,
	}, fuzzDocs)
	f.Fuzz(func(t *testing.T, a, b []byte) {
		filter, d, ok := decodeTwo(a, b)
		if !ok {
			return
		}
		if flt, err := CompileFilter(filter, nil); err == nil {
			_, _, _ = flt.Match(d)
		}
		if p, err := CompileProjection(filter, nil); err == nil {
			_, _ = p.Apply(d, MatchInfo{HasIndex: true})
		}
		if s, err := CompileSort(filter); err == nil {
			_ = s.Compare(d, filter)
		}
		_ = Compare(filter, d)
	})
}

func FuzzUpdateApply(f *testing.F) {
	fuzzSeed(f, []string{
		`{"$set": {"a.1.b.$[]": 1, "x.y": 2}, "$inc": {"n": 1}, "$unset": {"s": ""}}`,
		`{"$push": {"a": {"$each": [1, 2], "$sort": -1, "$slice": 2, "$position": 0}}, "$rename": {"s": "t"}}`,
		`{"$pull": {"a": {"b": 2}}, "$addToSet": {"z": 1}, "$pop": {"q": 1}, "$min": {"m": 1}, "$mul": {"n": 2}}`,
		`{"$set": {"a.$": 1}, "$currentDate": {"d": true}, "$setOnInsert": {"i": 1}}`,
		`{"r": 1, "a": [1]}`,
	}, fuzzDocs)
	f.Fuzz(func(t *testing.T, a, b []byte) {
		upd, d, ok := decodeTwo(a, b)
		if !ok {
			return
		}
		u, err := CompileUpdate(upd, UpdateOptions{})
		if err != nil {
			return
		}
		_, _ = u.Apply(d, MatchInfo{ArrayIndex: 1, HasIndex: true})
		_, _ = u.Upsert(d)
		stages := []bson.D{upd}
		if p, err := CompilePipeline(stages, Env{}); err == nil {
			_, _ = p.Run([]bson.D{d, d})
		}
		_, _ = Eval(upd, d, nil)
	})
}
