package engine

import (
	"slices"
	"testing"

	"github.com/torque-go/torque/bson"
)

func mustCollation(t *testing.T, js string) *Collation {
	t.Helper()
	c, err := ParseCollation(doc(t, js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return c
}

// The orders the MongoDB manual's collation page describes, as ICU's
// root collation gives them.
func TestCollationCompareStrings(t *testing.T) {
	tests := []struct {
		coll string
		a, b string
		want int
	}{
		{`{"locale": "simple"}`, "a", "B", 1},
		{`{"locale": "en"}`, "a", "B", -1},
		{`{"locale": "en"}`, "a", "A", -1}, // tertiary: lower case first
		{`{"locale": "en", "caseFirst": "upper"}`, "a", "A", 1},
		{`{"locale": "en"}`, "e", "é", -1},
		{`{"locale": "en"}`, "é", "f", -1},
		{`{"locale": "en"}`, "é", "e\u0301", 0}, // precomposed = decomposed
		{`{"locale": "en_US", "strength": 2}`, "PING", "ping", 0},
		{`{"locale": "en_US", "strength": 2}`, "ping", "píng", -1},
		{`{"locale": "en_US", "strength": 1}`, "ping", "PÍNG", 0},
		{`{"locale": "en_US", "strength": 1, "caseLevel": true}`, "ping", "píng", 0},
		{`{"locale": "en_US", "strength": 1, "caseLevel": true}`, "ping", "PING", -1},
		{`{"locale": "en"}`, "10", "9", -1},
		{`{"locale": "en", "numericOrdering": true}`, "10", "9", 1},
		{`{"locale": "en", "numericOrdering": true}`, "a007", "a7", 0},
		{`{"locale": "en", "numericOrdering": true}`, "a2b", "a10a", -1},
		{`{"locale": "en"}`, "_", "0", -1}, // punctuation < digits < letters
		{`{"locale": "en"}`, "9", "a", -1},
		{`{"locale": "en"}`, "a b", "ab", -1},
		{`{"locale": "en", "alternate": "shifted"}`, "a b", "ab", 0},
		{`{"locale": "en", "alternate": "shifted", "strength": 4}`, "a b", "ab", -1},
		{`{"locale": "de"}`, "ß", "ss", 1},
		{`{"locale": "de", "strength": 2}`, "ß", "ss", 0},
		{`{"locale": "en", "strength": 5}`, "é", "e\u0301", 0}, // the identical level compares NFD
		{`{"locale": "fr", "strength": 2}`, "côte", "coté", 1},
		{`{"locale": "fr", "backwards": true, "strength": 2}`, "côte", "coté", -1}, // French: cote < côte < coté < côté
		{`{"locale": "fr", "backwards": true, "strength": 2}`, "coté", "côté", -1},
	}
	for _, tt := range tests {
		c := mustCollation(t, tt.coll)
		if got := c.CompareStrings(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: compare(%q, %q) = %d, want %d", tt.coll, tt.a, tt.b, got, tt.want)
		}
	}
}

func TestParseCollationErrors(t *testing.T) {
	tests := []struct {
		coll string
		code int32
	}{
		{`{"strength": 2}`, 40414},
		{`{"locale": "en", "strength": 6}`, CodeBadValue},
		{`{"locale": "en", "caseFirst": "middle"}`, CodeBadValue},
		{`{"locale": "en", "numericOrdering": 1}`, CodeBadValue},
		{`{"locale": "en", "colour": 1}`, 40415},
		{`{"locale": "simple", "strength": 2}`, CodeBadValue},
		{`{"locale": "sv"}`, CodeBadValue}, // a tailored locale: "mongotest does not support collation locale sv"
	}
	for _, tt := range tests {
		_, err := ParseCollation(doc(t, tt.coll))
		if got := errCode(err); got != tt.code {
			t.Errorf("%s: error %v (code %d), want code %d", tt.coll, err, got, tt.code)
		}
	}
	if _, err := ParseCollation("en"); errCode(err) != CodeTypeMismatch {
		t.Errorf("a string collation: %v, want TypeMismatch", err)
	}
}

// A collation reaches filters (through Vars), sorts, $group keys,
// accumulators and expressions.
func TestCollationInQueries(t *testing.T) {
	c := mustCollation(t, `{"locale": "en", "strength": 2}`)
	vars := Vars{}.WithCollation(c)
	for filter, want := range map[string]bool{
		`{"x": "PING"}`: true, `{"x": {"$in": ["PING"]}}`: true, `{"x": {"$ne": "PING"}}`: false,
		`{"x": {"$gt": "PIN"}}`: true, `{"x": {"$regex": "PING"}}`: false, // regular expressions ignore collations
		`{"$expr": {"$eq": ["$x", "PING"]}}`: true, `{"y": ["A", "B"]}`: true,
	} {
		f, err := CompileFilter(doc(t, filter), vars)
		if err != nil {
			t.Fatal(err)
		}
		if _, got, _ := f.Match(doc(t, `{"x": "ping", "y": ["a", "b"]}`)); got != want {
			t.Errorf("%s: match %v, want %v", filter, got, want)
		}
	}
	in := []bson.D{doc(t, `{"x": "b"}`), doc(t, `{"x": "A"}`), doc(t, `{"x": "B"}`), doc(t, `{"x": "a"}`)}
	p, err := CompilePipeline([]bson.D{
		doc(t, `{"$group": {"_id": "$x", "n": {"$sum": 1}, "max": {"$max": "$x"}, "set": {"$addToSet": "$x"}}}`),
		doc(t, `{"$sort": {"_id": 1}}`),
	}, Env{Collation: c})
	if err != nil {
		t.Fatal(err)
	}
	out, err := p.Run(in)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{js(t, out[0]), js(t, out[1])}
	want := []string{`{"v":{"_id":"A","n":2,"max":"A","set":["A"]}}`, `{"v":{"_id":"b","n":2,"max":"b","set":["b"]}}`}
	if !slices.Equal(got, want) || len(out) != 2 {
		t.Errorf("group: %v, want %v", got, want)
	}
	s, _ := CompileSort(doc(t, `{"x": 1}`))
	sorted := slices.Clone(in)
	slices.SortStableFunc(sorted, s.WithCollation(mustCollation(t, `{"locale": "en"}`)).Compare)
	if g := js(t, bson.A{sorted[0][0].Value, sorted[1][0].Value, sorted[2][0].Value, sorted[3][0].Value}); g != `{"v":["a","A","b","B"]}` {
		t.Errorf("sort en: %s", g)
	}
}

// Update operators compare strings by the collation of their Vars.
func TestCollationInUpdates(t *testing.T) {
	vars := Vars{}.WithCollation(mustCollation(t, `{"locale": "en", "strength": 2}`))
	for upd, want := range map[string]string{
		`{"$addToSet": {"t": "A"}}`:                      `{"v":{"_id":1,"t":["a","b"],"m":"b"}}`,
		`{"$pull": {"t": "B"}}`:                          `{"v":{"_id":1,"t":["a"],"m":"b"}}`,
		`{"$pullAll": {"t": ["A"]}}`:                     `{"v":{"_id":1,"t":["b"],"m":"b"}}`,
		`{"$max": {"m": "B"}}`:                           `{"v":{"_id":1,"t":["a","b"],"m":"b"}}`,
		`{"$push": {"t": {"$each": ["A"], "$sort": 1}}}`: `{"v":{"_id":1,"t":["a","A","b"],"m":"b"}}`,
	} {
		u, err := CompileUpdate(doc(t, upd), UpdateOptions{Vars: vars})
		if err != nil {
			t.Fatal(err)
		}
		r, err := u.Apply(doc(t, `{"_id": 1, "t": ["a", "b"], "m": "b"}`), MatchInfo{})
		if err != nil {
			t.Fatal(err)
		}
		if got := js(t, r.Doc); got != want {
			t.Errorf("%s: %s, want %s", upd, got, want)
		}
	}
}

// Set and accumulator expressions compare strings by the collation.
func TestCollationInExpressions(t *testing.T) {
	vars := Vars{}.WithCollation(mustCollation(t, `{"locale": "en", "strength": 2}`))
	for e, want := range map[string]string{
		`{"$setUnion": [["a", "B"], ["A", "b"]]}`:  `{"v":["a","B"]}`,
		`{"$setEquals": [["a", "B"], ["A", "b"]]}`: `{"v":true}`,
		`{"$max": ["a", "B", "A"]}`:                `{"v":"B"}`,
		`{"$in": ["A", ["a"]]}`:                    `{"v":true}`,
	} {
		v, err := Eval(doc(t, e), nil, vars)
		if err != nil {
			t.Fatal(err)
		}
		if got := js(t, v); got != want {
			t.Errorf("%s: %s, want %s", e, got, want)
		}
	}
}
