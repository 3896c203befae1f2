package engine

import "testing"

// The cases follow the MongoDB manual's pages for each query operator.
func TestFilterMatch(t *testing.T) {
	tests := []struct {
		filter, doc string
		want        bool
	}{
		{`{"a": 1}`, `{"a": 1}`, true},
		{`{"a": 1}`, `{"a": 1.0}`, true},
		{`{"a": 1}`, `{"a": {"$numberLong": "1"}}`, true},
		{`{"a": 1}`, `{"a": "1"}`, false},
		{`{"a": 1}`, `{"a": [2, 1]}`, true},
		{`{"a": [2, 1]}`, `{"a": [2, 1]}`, true},
		{`{"a": [1, 2]}`, `{"a": [2, 1]}`, false},
		{`{"a": [1]}`, `{"a": [[1], 2]}`, true},
		{`{"a": {"b": 1}}`, `{"a": {"b": 1}}`, true},
		{`{"a": {"b": 1}}`, `{"a": {"b": 1, "c": 2}}`, false},
		{`{"a.b": 1}`, `{"a": {"b": 1}}`, true},
		{`{"a.b": 1}`, `{"a": [{"b": 2}, {"b": 1}]}`, true},
		{`{"a.b": 1}`, `{"a": [[{"b": 1}]]}`, false},
		{`{"a.1": 5}`, `{"a": [4, 5]}`, true},
		{`{"a.1.b": 5}`, `{"a": [4, {"b": 5}]}`, true},
		{`{"a.0": 4}`, `{"a": {"0": 4}}`, true},
		{`{"a": null}`, `{}`, true},
		{`{"a": null}`, `{"a": null}`, true},
		{`{"a": null}`, `{"a": 0}`, false},
		{`{"a.b": null}`, `{"a": [{"b": 1}, {"c": 1}]}`, true},
		{`{"a.b": null}`, `{"a": [1, 2]}`, false},
		{`{"a.b": null}`, `{"a": 1}`, true},
		{`{"a.b": {"$ne": null}}`, `{"a": [1, 2]}`, true},
		{`{"a": {"$eq": null}}`, `{"b": 1}`, true},
		{`{"a": {"$ne": null}}`, `{"b": 1}`, false},
		{`{"a": {"$ne": 1}}`, `{"a": [1, 2]}`, false},
		{`{"a": {"$ne": 3}}`, `{"a": [1, 2]}`, true},
		{`{"a": {"$gt": 1}}`, `{"a": 2}`, true},
		{`{"a": {"$gt": 1}}`, `{"a": "2"}`, false},
		{`{"a": {"$gt": 1, "$lt": 5}}`, `{"a": [0, 10]}`, true},
		{`{"a": {"$gte": null}}`, `{}`, true},
		{`{"a": {"$gt": null}}`, `{"a": null}`, false},
		{`{"a": {"$lt": {"$maxKey": 1}}}`, `{"a": "x"}`, true},
		{`{"a": {"$gt": {"$minKey": 1}}}`, `{"a": null}`, true},
		{`{"a": {"$lt": 5}}`, `{"a": {"$numberDouble": "NaN"}}`, false},
		{`{"a": {"$gte": {"$numberDouble": "NaN"}}}`, `{"a": {"$numberDouble": "NaN"}}`, true},
		{`{"a": {"$lte": {"$numberDecimal": "2.5"}}}`, `{"a": 2}`, true},
		{`{"a": {"$gt": {"$date": "2020-01-01T00:00:00Z"}}}`, `{"a": {"$date": "2021-01-01T00:00:00Z"}}`, true},
		{`{"a": {"$in": [1, 2]}}`, `{"a": 2}`, true},
		{`{"a": {"$in": [null]}}`, `{}`, true},
		{`{"a": {"$in": [{"$regularExpression": {"pattern": "^x", "options": ""}}]}}`, `{"a": "xy"}`, true},
		{`{"a": {"$nin": [1, 2]}}`, `{"a": [3, 2]}`, false},
		{`{"a": {"$nin": [1, 2]}}`, `{}`, true},
		{`{"a": {"$exists": true}}`, `{"a": null}`, true},
		{`{"a": {"$exists": false}}`, `{"a": null}`, false},
		{`{"a.b": {"$exists": false}}`, `{"a": [1, 2]}`, true},
		{`{"a.b": {"$exists": true}}`, `{"a": [{"b": 1}, {"c": 1}]}`, true},
		{`{"a": {"$type": "string"}}`, `{"a": ["x", 1]}`, true},
		{`{"a": {"$type": "array"}}`, `{"a": []}`, true},
		{`{"a": {"$type": "number"}}`, `{"a": {"$numberDecimal": "1"}}`, true},
		{`{"a": {"$type": 16}}`, `{"a": 1}`, true},
		{`{"a": {"$type": ["long", "double"]}}`, `{"a": 1}`, false},
		{`{"a": {"$type": "null"}}`, `{}`, false},
		{`{"$and": [{"a": 1}, {"b": 2}]}`, `{"a": 1, "b": 2}`, true},
		{`{"$or": [{"a": 1}, {"b": 2}]}`, `{"b": 2}`, true},
		{`{"$nor": [{"a": 1}, {"b": 2}]}`, `{"b": 2}`, false},
		{`{"$nor": [{"a": 1}, {"b": 2}]}`, `{"c": 2}`, true},
		{`{"a": {"$not": {"$gt": 5}}}`, `{"a": 3}`, true},
		{`{"a": {"$not": {"$gt": 5}}}`, `{}`, true},
		{`{"a": {"$not": {"$regularExpression": {"pattern": "^x", "options": ""}}}}`, `{"a": "y"}`, true},
		{`{"a": {"$regex": "^X", "$options": "i"}}`, `{"a": "xyz"}`, true},
		{`{"a": {"$regex": {"$regularExpression": {"pattern": "b$", "options": ""}}}}`, `{"a": ["c", "ab"]}`, true},
		{`{"a": {"$regularExpression": {"pattern": "^a.c$", "options": "s"}}}`, `{"a": "a\nc"}`, true},
		{`{"a": {"$regex": "a b # comment", "$options": "x"}}`, `{"a": "ab"}`, true},
		{`{"a": {"$regex": "^x"}}`, `{"a": 1}`, false},
		{`{"a": {"$elemMatch": {"$gte": 80, "$lt": 85}}}`, `{"a": [82, 90]}`, true},
		{`{"a": {"$elemMatch": {"$gte": 80, "$lt": 85}}}`, `{"a": [79, 90]}`, false},
		{`{"a": {"$elemMatch": {"p": "x", "s": {"$gte": 8}}}}`, `{"a": [{"p": "x", "s": 6}, {"p": "y", "s": 9}]}`, false},
		{`{"a": {"$elemMatch": {"p": "x", "s": {"$gte": 8}}}}`, `{"a": [{"p": "x", "s": 9}]}`, true},
		{`{"a": {"$elemMatch": {"$gt": 1}}}`, `{"a": 5}`, false},
		{`{"a": {"$size": 2}}`, `{"a": [1, [2, 3]]}`, true},
		{`{"a": {"$size": 1}}`, `{"a": [1, [2, 3]]}`, false},
		{`{"a": {"$all": [1, 2]}}`, `{"a": [2, 3, 1]}`, true},
		{`{"a": {"$all": [1, 4]}}`, `{"a": [2, 3, 1]}`, false},
		{`{"a": {"$all": [[1, 2]]}}`, `{"a": [[1, 2], 3]}`, true},
		{`{"a": {"$all": []}}`, `{"a": []}`, false},
		{`{"a": {"$all": [{"$elemMatch": {"x": 1}}, {"$elemMatch": {"y": 2}}]}}`, `{"a": [{"x": 1}, {"y": 2}]}`, true},
		{`{"a": {"$mod": [4, 0]}}`, `{"a": 8}`, true},
		{`{"a": {"$mod": [4, 0]}}`, `{"a": 8.9}`, true},
		{`{"a": {"$mod": [4, 1]}}`, `{"a": -7}`, false},
		{`{"a": {"$mod": [4, -3]}}`, `{"a": -7}`, true},
		{`{"$expr": {"$gt": ["$a", "$b"]}}`, `{"a": 2, "b": 1}`, true},
		{`{"$expr": {"$gt": ["$a", "$b"]}}`, `{"a": 1, "b": 1}`, false},
		{`{"$expr": {"$eq": ["$missing", null]}}`, `{}`, false},
		{`{"a": 1, "$comment": "hi"}`, `{"a": 1}`, true},
		{`{"a": {"$eq": [1, 2]}}`, `{"a": [[1, 2]]}`, true},
		{`{"a": {"$gt": [1]}}`, `{"a": [[2]]}`, true},
		{`{"a": {"$oid": "5f0000000000000000000000"}}`, `{"a": {"$oid": "5f0000000000000000000000"}}`, true},
		{`{"a": {"$binary": {"base64": "AQ==", "subType": "00"}}}`, `{"a": {"$binary": {"base64": "AQ==", "subType": "00"}}}`, true},
		{`{"a": true}`, `{"a": 1}`, false},
	}
	for _, tc := range tests {
		f, err := CompileFilter(doc(t, tc.filter), nil)
		if err != nil {
			t.Errorf("%s: compile: %v", tc.filter, err)
			continue
		}
		_, got, err := f.Match(doc(t, tc.doc))
		if err != nil || got != tc.want {
			t.Errorf("%s on %s = %v, %v; want %v", tc.filter, tc.doc, got, err, tc.want)
		}
	}
}

func TestFilterMatchInfo(t *testing.T) {
	tests := []struct {
		filter, doc string
		want        int
	}{
		{`{"a": 3}`, `{"a": [1, 2, 3]}`, 2},
		{`{"a.b": {"$gt": 1}}`, `{"a": [{"b": 0}, {"b": 5}]}`, 1},
		{`{"a": {"$elemMatch": {"$gt": 1}}}`, `{"a": [0, 0, 7]}`, 2},
		{`{"x": 1, "a": {"$in": [9]}}`, `{"x": 1, "a": [0, 9]}`, 1},
		{`{"a": 1}`, `{"a": 1}`, -1},
	}
	for _, tc := range tests {
		f, err := CompileFilter(doc(t, tc.filter), nil)
		if err != nil {
			t.Fatal(err)
		}
		info, ok, err := f.Match(doc(t, tc.doc))
		got := -1
		if info.HasIndex {
			got = info.ArrayIndex
		}
		if !ok || err != nil || got != tc.want {
			t.Errorf("%s on %s: index %d (ok %v, %v); want %d", tc.filter, tc.doc, got, ok, err, tc.want)
		}
	}
}

func TestFilterErrors(t *testing.T) {
	tests := []struct {
		filter string
		code   int32
	}{
		{`{"a": {"$foo": 1}}`, CodeBadValue},
		{`{"$foo": 1}`, CodeBadValue},
		{`{"$and": []}`, CodeBadValue},
		{`{"$or": [1]}`, CodeBadValue},
		{`{"a": {"$in": 1}}`, CodeBadValue},
		{`{"a": {"$mod": [0, 1]}}`, CodeBadValue},
		{`{"a": {"$mod": [1]}}`, CodeBadValue},
		{`{"a": {"$type": "nope"}}`, CodeBadValue},
		{`{"a": {"$size": 1.5}}`, CodeBadValue},
		{`{"a": {"$not": 1}}`, CodeBadValue},
		{`{"a": {"$near": [0, 0]}}`, CodeBadValue},
		{`{"$where": "true"}`, CodeBadValue},
		{`{"$expr": {"$foo": 1}}`, CodeInvalidPipelineOperator},
		{`{"a": {"$regex": "(?<=x)"}}`, CodeBadValue},
	}
	for _, tc := range tests {
		_, err := CompileFilter(doc(t, tc.filter), nil)
		if errCode(err) != tc.code {
			t.Errorf("%s: error %v; want code %d", tc.filter, err, tc.code)
		}
	}
	_, err := CompileFilter(doc(t, `{"a": {"$foo": 1}}`), nil)
	if err == nil || err.(*Error).Msg != "unknown operator: $foo" {
		t.Errorf("unknown operator message: %v", err)
	}
}
