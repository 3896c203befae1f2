package engine

import (
	"testing"

	"github.com/torque-go/torque/bson"
)

// Cases follow the manual's page of each update operator.
func TestUpdateOperators(t *testing.T) {
	tests := []struct {
		update, doc, want string
	}{
		{`{"$set": {"a": 2}}`, `{"_id": 1, "a": 1}`, `{"_id": 1, "a": 2}`},
		{`{"$set": {"b.c": 2}}`, `{"_id": 1}`, `{"_id": 1, "b": {"c": 2}}`},
		{`{"$set": {"b": 1, "a": 1}}`, `{"_id": 1}`, `{"_id": 1, "a": 1, "b": 1}`},
		{`{"$set": {"a.2": 9}}`, `{"_id": 1, "a": [1]}`, `{"_id": 1, "a": [1, null, 9]}`},
		{`{"$set": {"a.1.b": 9}}`, `{"_id": 1, "a": [1, {"c": 1}]}`, `{"_id": 1, "a": [1, {"c": 1, "b": 9}]}`},
		{`{"$unset": {"a": ""}}`, `{"_id": 1, "a": 1, "b": 2}`, `{"_id": 1, "b": 2}`},
		{`{"$unset": {"a.0": ""}}`, `{"_id": 1, "a": [1, 2]}`, `{"_id": 1, "a": [null, 2]}`},
		{`{"$inc": {"a": 1, "b.c": -2}}`, `{"_id": 1, "a": 1}`, `{"_id": 1, "a": 2, "b": {"c": -2}}`},
		{`{"$inc": {"a": 1}}`, `{"_id": 1, "a": 2147483647}`, `{"_id": 1, "a": {"$numberLong": "2147483648"}}`},
		{`{"$inc": {"a": 0.5}}`, `{"_id": 1, "a": 1}`, `{"_id": 1, "a": 1.5}`},
		{`{"$mul": {"a": 2}}`, `{"_id": 1, "a": 3}`, `{"_id": 1, "a": 6}`},
		{`{"$mul": {"b": {"$numberLong": "2"}}}`, `{"_id": 1}`, `{"_id": 1, "b": {"$numberLong": "0"}}`},
		{`{"$min": {"a": 1}}`, `{"_id": 1, "a": 3}`, `{"_id": 1, "a": 1}`},
		{`{"$min": {"a": 5}}`, `{"_id": 1, "a": 3}`, `{"_id": 1, "a": 3}`},
		{`{"$max": {"a": 5}}`, `{"_id": 1, "a": 3}`, `{"_id": 1, "a": 5}`},
		{`{"$max": {"b": 5}}`, `{"_id": 1}`, `{"_id": 1, "b": 5}`},
		{`{"$rename": {"a": "b.c"}}`, `{"_id": 1, "a": 1, "z": 0}`, `{"_id": 1, "z": 0, "b": {"c": 1}}`},
		{`{"$rename": {"x": "y"}}`, `{"_id": 1, "a": 1}`, `{"_id": 1, "a": 1}`},
		{`{"$setOnInsert": {"a": 1}}`, `{"_id": 1}`, `{"_id": 1}`},
		{`{"$push": {"a": 3}}`, `{"_id": 1, "a": [1, 2]}`, `{"_id": 1, "a": [1, 2, 3]}`},
		{`{"$push": {"a": 3}}`, `{"_id": 1}`, `{"_id": 1, "a": [3]}`},
		{`{"$push": {"a": {"$each": [3, 4]}}}`, `{"_id": 1, "a": [1]}`, `{"_id": 1, "a": [1, 3, 4]}`},
		{`{"$push": {"a": {"$each": [0], "$position": 0}}}`, `{"_id": 1, "a": [1, 2]}`, `{"_id": 1, "a": [0, 1, 2]}`},
		{`{"$push": {"a": {"$each": [9], "$position": -1}}}`, `{"_id": 1, "a": [1, 2]}`, `{"_id": 1, "a": [1, 9, 2]}`},
		{`{"$push": {"a": {"$each": [5, 0], "$sort": 1, "$slice": 3}}}`, `{"_id": 1, "a": [3, 1]}`, `{"_id": 1, "a": [0, 1, 3]}`},
		{`{"$push": {"a": {"$each": [], "$slice": -1}}}`, `{"_id": 1, "a": [3, 1]}`, `{"_id": 1, "a": [1]}`},
		{`{"$push": {"a": {"$each": [{"s": 5}], "$sort": {"s": -1}}}}`, `{"_id": 1, "a": [{"s": 7}, {"s": 1}]}`, `{"_id": 1, "a": [{"s": 7}, {"s": 5}, {"s": 1}]}`},
		{`{"$addToSet": {"a": 2}}`, `{"_id": 1, "a": [1, 2]}`, `{"_id": 1, "a": [1, 2]}`},
		{`{"$addToSet": {"a": {"$each": [2, 3, 3]}}}`, `{"_id": 1, "a": [1, 2]}`, `{"_id": 1, "a": [1, 2, 3]}`},
		{`{"$addToSet": {"a": [1]}}`, `{"_id": 1, "a": [1]}`, `{"_id": 1, "a": [1, [1]]}`},
		{`{"$pop": {"a": 1}}`, `{"_id": 1, "a": [1, 2, 3]}`, `{"_id": 1, "a": [1, 2]}`},
		{`{"$pop": {"a": -1}}`, `{"_id": 1, "a": [1, 2, 3]}`, `{"_id": 1, "a": [2, 3]}`},
		{`{"$pull": {"a": {"$gte": 6}}}`, `{"_id": 1, "a": [1, 6, 9, 2]}`, `{"_id": 1, "a": [1, 2]}`},
		{`{"$pull": {"a": 2}}`, `{"_id": 1, "a": [1, 2, 2]}`, `{"_id": 1, "a": [1]}`},
		{`{"$pull": {"a": {"x": 1}}}`, `{"_id": 1, "a": [{"x": 1, "y": 2}, {"x": 2}]}`, `{"_id": 1, "a": [{"x": 2}]}`},
		{`{"$pull": {"a": {"$in": ["x", "y"]}, "b": "z"}}`, `{"_id": 1, "a": ["x", "w", "y"], "b": ["z", "q"]}`, `{"_id": 1, "a": ["w"], "b": ["q"]}`},
		{`{"$pullAll": {"a": [0, 5]}}`, `{"_id": 1, "a": [0, 2, 5, 5, 1]}`, `{"_id": 1, "a": [2, 1]}`},
		{`{"$set": {"a.$[]": 0}}`, `{"_id": 1, "a": [1, 2]}`, `{"_id": 1, "a": [0, 0]}`},
		{`{"$inc": {"a.$[].b": 1}}`, `{"_id": 1, "a": [{"b": 1}, {"b": 2}]}`, `{"_id": 1, "a": [{"b": 2}, {"b": 3}]}`},
		{`{"$currentDate": {"d": {"$type": "timestamp"}}}`, `{"_id": 1, "d": 1}`, ``},
	}
	for _, tc := range tests {
		u, err := CompileUpdate(doc(t, tc.update), UpdateOptions{})
		if err != nil {
			t.Errorf("%s: compile: %v", tc.update, err)
			continue
		}
		r, err := u.Apply(doc(t, tc.doc), MatchInfo{})
		if err != nil {
			t.Errorf("%s on %s: %v", tc.update, tc.doc, err)
			continue
		}
		if tc.want == "" {
			if _, ok := r.Doc[1].Value.(bson.Timestamp); !ok || !r.Modified {
				t.Errorf("%s: got %s", tc.update, js(t, r.Doc))
			}
			continue
		}
		if g, w := js(t, r.Doc), js(t, doc(t, tc.want)); g != w {
			t.Errorf("%s on %s:\n got %s\nwant %s", tc.update, tc.doc, g, w)
		}
		if r.Modified != (tc.doc != tc.want) {
			t.Errorf("%s on %s: Modified %v", tc.update, tc.doc, r.Modified)
		}
	}
}

func TestUpdatePositionalAndArrayFilters(t *testing.T) {
	d := doc(t, `{"_id": 1, "grades": [80, 85, 90], "items": [{"q": 1, "ok": true}, {"q": 5, "ok": false}]}`)
	f, _ := CompileFilter(doc(t, `{"grades": 85}`), nil)
	m, _, _ := f.Match(d)
	u, err := CompileUpdate(doc(t, `{"$set": {"grades.$": 82}}`), UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := u.Apply(d, m)
	if err != nil || js(t, r.Doc[1].Value) != js(t, val(t, `[80, 82, 90]`)) {
		t.Errorf("positional $: %v %v", r, err)
	}
	if _, err := u.Apply(d, MatchInfo{}); errCode(err) != CodeBadValue {
		t.Errorf("positional without match: %v", err)
	}
	u, err = CompileUpdate(doc(t, `{"$set": {"grades.$[g]": 100, "items.$[i].q": 0}}`), UpdateOptions{
		ArrayFilters: []bson.D{doc(t, `{"g": {"$gte": 85}}`), doc(t, `{"i.ok": false}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err = u.Apply(d, MatchInfo{})
	want := `{"_id": 1, "grades": [80, 100, 100], "items": [{"q": 1, "ok": true}, {"q": 0, "ok": false}]}`
	if err != nil || js(t, r.Doc) != js(t, doc(t, want)) {
		t.Errorf("array filters: got %v, %v", r, err)
	}
	_, err = CompileUpdate(doc(t, `{"$set": {"a": 1}}`), UpdateOptions{ArrayFilters: []bson.D{doc(t, `{"x": 1}`)}})
	if errCode(err) != CodeFailedToParse {
		t.Errorf("unused array filter: %v", err)
	}
	_, err = CompileUpdate(doc(t, `{"$set": {"a.$[y]": 1}}`), UpdateOptions{})
	if errCode(err) != CodeBadValue {
		t.Errorf("missing array filter: %v", err)
	}
}

func TestUpdateErrors(t *testing.T) {
	tests := []struct {
		update, doc string
		code        int32
	}{
		{`{"$set": {"a": 1}, "$inc": {"a": 1}}`, `{}`, CodeConflictingUpdateOperators},
		{`{"$set": {"a.b": 1, "a": 1}}`, `{}`, CodeConflictingUpdateOperators},
		{`{"$set": {"_id": 2}}`, `{"_id": 1}`, CodeImmutableField},
		{`{"$inc": {"a": 1}}`, `{"_id": 1, "a": "x"}`, CodeTypeMismatch},
		{`{"$inc": {"a": "x"}}`, `{"_id": 1}`, CodeTypeMismatch},
		{`{"$foo": {"a": 1}}`, `{}`, CodeFailedToParse},
		{`{"$set": 1}`, `{}`, CodeFailedToParse},
		{`{"$set": {"a.b": 1}}`, `{"_id": 1, "a": 5}`, CodePathNotViable},
		{`{"$push": {"a": 1}}`, `{"_id": 1, "a": 5}`, CodeBadValue},
		{`{"$pop": {"a": 2}}`, `{}`, CodeFailedToParse},
		{`{"$rename": {"a": "a"}}`, `{}`, CodeBadValue},
		{`{"$set": {"a.$[]": 1}}`, `{"_id": 1}`, CodeBadValue},
		{`{"$bit": {"a": {"and": 1}}}`, `{}`, CodeBadValue},
	}
	for _, tc := range tests {
		u, err := CompileUpdate(doc(t, tc.update), UpdateOptions{})
		if err == nil {
			_, err = u.Apply(doc(t, tc.doc), MatchInfo{})
		}
		if errCode(err) != tc.code {
			t.Errorf("%s on %s: %v; want code %d", tc.update, tc.doc, err, tc.code)
		}
	}
}

func TestUpdateReplacementAndUpsert(t *testing.T) {
	u, err := CompileUpdate(doc(t, `{"x": 1}`), UpdateOptions{})
	if err != nil || !u.IsReplacement() {
		t.Fatal(err)
	}
	r, err := u.Apply(doc(t, `{"_id": 7, "a": 1}`), MatchInfo{})
	if err != nil || js(t, r.Doc) != js(t, doc(t, `{"_id": 7, "x": 1}`)) {
		t.Errorf("replacement: %v %v", r, err)
	}
	r, err = u.Upsert(doc(t, `{"_id": 3, "a": 1}`))
	if err != nil || js(t, r.Doc) != js(t, doc(t, `{"_id": 3, "x": 1}`)) {
		t.Errorf("replacement upsert: %v %v", r, err)
	}
	u, _ = CompileUpdate(doc(t, `{"$set": {"b": 2}, "$setOnInsert": {"c": 3}}`), UpdateOptions{Upsert: true})
	r, err = u.Upsert(doc(t, `{"$and": [{"a": 1}, {"x.y": {"$eq": 5}}], "z": {"$gt": 1}}`))
	if err != nil || js(t, r.Doc) != js(t, doc(t, `{"a": 1, "x": {"y": 5}, "b": 2, "c": 3}`)) {
		t.Errorf("upsert: %v %v", r, err)
	}
}

func TestUpdatePipeline(t *testing.T) {
	u, err := CompileUpdate(val(t, `[{"$set": {"c": {"$add": ["$a", "$b"]}}}, {"$unset": "b"}]`), UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := u.Apply(doc(t, `{"_id": 1, "a": 1, "b": 2}`), MatchInfo{})
	if err != nil || js(t, r.Doc) != js(t, doc(t, `{"_id": 1, "a": 1, "c": 3}`)) {
		t.Errorf("pipeline: %v %v", r, err)
	}
	if js(t, r.UpdatedFields) != js(t, doc(t, `{"c": 3}`)) || len(r.RemovedFields) != 1 || r.RemovedFields[0] != "b" {
		t.Errorf("description: %v %v", r.UpdatedFields, r.RemovedFields)
	}
	u, _ = CompileUpdate(val(t, `[{"$replaceWith": {"$setField": {"field": {"$literal": "$a"}, "value": 1, "input": "$$ROOT"}}}]`), UpdateOptions{})
	r, err = u.Apply(doc(t, `{"_id": 1}`), MatchInfo{})
	if err != nil || js(t, r.Doc) != js(t, doc(t, `{"_id": 1, "$a": 1}`)) {
		t.Errorf("$setField: %v %v", r, err)
	}
	if _, err := CompileUpdate(val(t, `[{"$match": {}}]`), UpdateOptions{}); errCode(err) != CodeInvalidOptions {
		t.Errorf("$match in update pipeline: %v", err)
	}
}

func TestUpdateDescription(t *testing.T) {
	u, _ := CompileUpdate(doc(t, `{"$set": {"s.x": 1, "w": {"k": 1}}, "$unset": {"u": 1}, "$pop": {"p": 1}, "$push": {"q": 3}}`), UpdateOptions{})
	r, err := u.Apply(doc(t, `{"_id": 1, "s": {"x": 0, "y": 0}, "w": {"k": 0, "j": 0}, "u": 1, "p": [1, 2], "q": [1]}`), MatchInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if g, w := js(t, r.UpdatedFields), js(t, doc(t, `{"s.x": 1, "w": {"k": 1}, "q.1": 3}`)); g != w {
		t.Errorf("updatedFields %s, want %s", g, w)
	}
	if len(r.RemovedFields) != 1 || r.RemovedFields[0] != "u" {
		t.Errorf("removedFields %v", r.RemovedFields)
	}
	if len(r.TruncatedArrays) != 1 || r.TruncatedArrays[0] != (Truncated{Field: "p", NewSize: 1}) {
		t.Errorf("truncatedArrays %v", r.TruncatedArrays)
	}
	u, _ = CompileUpdate(doc(t, `{"$set": {"a": 1}}`), UpdateOptions{})
	r, _ = u.Apply(doc(t, `{"_id": 1, "a": 1}`), MatchInfo{})
	if r.Modified {
		t.Error("setting the same value must not count as a modification")
	}
	r, _ = u.Apply(doc(t, `{"_id": 1, "a": 1.0}`), MatchInfo{})
	if !r.Modified {
		t.Error("changing the type is a modification")
	}
}

func TestUpdateDollarField(t *testing.T) {
	_, err := CompileUpdate(doc(t, `{"$set": {"a.$b": 1}}`), UpdateOptions{})
	if errCode(err) != CodeDollarPrefixedFieldName {
		t.Errorf("$set of a $-prefixed field: %v", err)
	}
}
