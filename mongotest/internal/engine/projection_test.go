package engine

import "testing"

// Cases from the manual's "Project Fields to Return from Query" and the
// $slice, $elemMatch and $ projection pages.
func TestProjection(t *testing.T) {
	d := `{"_id": 1, "a": 1, "b": {"c": 2, "d": 3}, "arr": [{"c": 1, "d": 2}, {"d": 4}, 5], "n": [1, 2, 3, 4, 5]}`
	tests := []struct {
		proj, doc, want string
	}{
		{`{}`, d, d},
		{`{"a": 1}`, d, `{"_id": 1, "a": 1}`},
		{`{"a": true, "_id": 0}`, d, `{"a": 1}`},
		{`{"_id": 0}`, `{"_id": 1, "a": 1}`, `{"a": 1}`},
		{`{"a": 0}`, `{"_id": 1, "a": 1, "z": 2}`, `{"_id": 1, "z": 2}`},
		{`{"b.c": 1}`, d, `{"_id": 1, "b": {"c": 2}}`},
		{`{"b": {"c": 1}}`, d, `{"_id": 1, "b": {"c": 2}}`},
		{`{"b.c": 0, "arr": 0, "n": 0}`, d, `{"_id": 1, "a": 1, "b": {"d": 3}}`},
		{`{"arr.c": 1}`, d, `{"_id": 1, "arr": [{"c": 1}, {}]}`},
		{`{"arr.d": 0, "_id": 0, "a": 0, "b": 0, "n": 0}`, d, `{"arr": [{"c": 1}, {}, 5]}`},
		{`{"n": {"$slice": 2}, "_id": 0, "a": 0, "b": 0, "arr": 0}`, d, `{"n": [1, 2]}`},
		{`{"n": {"$slice": -2}, "a": 1}`, d, `{"_id": 1, "a": 1, "n": [4, 5]}`},
		{`{"n": {"$slice": [1, 2]}, "a": 1}`, d, `{"_id": 1, "a": 1, "n": [2, 3]}`},
		{`{"n": {"$slice": [-2, 5]}, "a": 1}`, d, `{"_id": 1, "a": 1, "n": [4, 5]}`},
		{`{"n": {"$slice": 1}}`, `{"_id": 1, "n": [1, 2], "x": 1}`, `{"_id": 1, "n": [1], "x": 1}`},
		{`{"arr": {"$elemMatch": {"d": {"$gt": 3}}}}`, d, `{"_id": 1, "arr": [{"d": 4}]}`},
		{`{"arr": {"$elemMatch": {"d": 9}}}`, d, `{"_id": 1}`},
		{`{"x": "$a", "y": {"$add": ["$a", 1]}, "_id": 0}`, d, `{"x": 1, "y": 2}`},
		{`{"a": 1, "lit": {"$literal": 5}}`, d, `{"_id": 1, "a": 1, "lit": 5}`},
		{`{"b.e": "$a"}`, d, `{"_id": 1, "b": {"e": 1}}`},
	}
	for _, tc := range tests {
		p, err := CompileProjection(doc(t, tc.proj), nil)
		if err != nil {
			t.Errorf("%s: %v", tc.proj, err)
			continue
		}
		got, err := p.Apply(doc(t, tc.doc), MatchInfo{})
		if err != nil {
			t.Errorf("%s: %v", tc.proj, err)
			continue
		}
		if g, w := js(t, got), js(t, doc(t, tc.want)); g != w {
			t.Errorf("%s on %s:\n got %s\nwant %s", tc.proj, tc.doc, g, w)
		}
	}
}

func TestProjectionPositional(t *testing.T) {
	f, _ := CompileFilter(doc(t, `{"grades": {"$gte": 85}}`), nil)
	d := doc(t, `{"_id": 1, "grades": [80, 85, 90], "x": 1}`)
	m, ok, _ := f.Match(d)
	if !ok {
		t.Fatal("no match")
	}
	p, err := CompileProjection(doc(t, `{"grades.$": 1}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.Apply(d, m)
	if err != nil || js(t, got) != js(t, doc(t, `{"_id": 1, "grades": [85]}`)) {
		t.Errorf("got %v, %v", got, err)
	}
	if _, err := p.Apply(d, MatchInfo{}); err == nil {
		t.Error("positional projection without a matched index must fail")
	}
}

func TestProjectionErrors(t *testing.T) {
	tests := []struct {
		proj string
		code int32
	}{
		{`{"a": 1, "b": 0}`, 31254},
		{`{"a": 0, "b": 1}`, 31253},
		{`{"a": 1, "a.b": 1}`, 31250},
		{`{"a": {"$foo": 1}}`, CodeInvalidPipelineOperator},
		{`{"a.b": {"$elemMatch": {"x": 1}}}`, CodeBadValue},
	}
	for _, tc := range tests {
		_, err := CompileProjection(doc(t, tc.proj), nil)
		if errCode(err) != tc.code {
			t.Errorf("%s: %v, want code %d", tc.proj, err, tc.code)
		}
	}
}
