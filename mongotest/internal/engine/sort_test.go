package engine

import (
	"slices"
	"testing"

	"github.com/torque-go/torque/bson"
)

func TestSort(t *testing.T) {
	tests := []struct {
		sort, docs, want string // docs and want are arrays of documents
	}{
		{`{"a": 1}`, `[{"_id": 1, "a": 2}, {"_id": 2, "a": 1}, {"_id": 3}]`, `[3, 2, 1]`},
		{`{"a": -1}`, `[{"_id": 1, "a": 2}, {"_id": 2, "a": "x"}, {"_id": 3, "a": null}]`, `[2, 1, 3]`},
		{`{"a": 1}`, `[{"_id": 1, "a": [5, 1]}, {"_id": 2, "a": 3}]`, `[1, 2]`},
		{`{"a": -1}`, `[{"_id": 1, "a": [5, 1]}, {"_id": 2, "a": 3}]`, `[1, 2]`},
		{`{"a": -1}`, `[{"_id": 1, "a": [2, 1]}, {"_id": 2, "a": 3}]`, `[2, 1]`},
		{`{"a": 1}`, `[{"_id": 1, "a": null}, {"_id": 2, "a": []}]`, `[2, 1]`},
		{`{"a.b": 1}`, `[{"_id": 1, "a": [{"b": 4}, {"b": 0}]}, {"_id": 2, "a": {"b": 1}}]`, `[1, 2]`},
		{`{"a": 1, "b": -1}`, `[{"_id": 1, "a": 1, "b": 1}, {"_id": 2, "a": 1, "b": 2}, {"_id": 3, "a": 0}]`, `[3, 2, 1]`},
		{`{"a": 1}`, `[{"_id": 1, "a": 2.5}, {"_id": 2, "a": {"$numberLong": "2"}}, {"_id": 3, "a": {"$numberDecimal": "2.4"}}]`, `[2, 3, 1]`},
		{`{"$natural": 1}`, `[{"_id": 2}, {"_id": 1}]`, `[2, 1]`},
	}
	for _, tc := range tests {
		s, err := CompileSort(doc(t, tc.sort))
		if err != nil {
			t.Fatalf("%s: %v", tc.sort, err)
		}
		var docs []bson.D
		for _, d := range val(t, tc.docs).(bson.A) {
			docs = append(docs, d.(bson.D))
		}
		slices.SortStableFunc(docs, s.Compare)
		var ids bson.A
		for _, d := range docs {
			ids = append(ids, d[0].Value)
		}
		if got, want := js(t, ids), js(t, val(t, tc.want)); got != want {
			t.Errorf("sort %s: got %s, want %s", tc.sort, got, want)
		}
	}
}

func TestSortErrors(t *testing.T) {
	for _, s := range []string{`{"a": 2}`, `{"a": "x"}`, `{"a": {"$meta": "textScore"}}`} {
		if _, err := CompileSort(doc(t, s)); err == nil {
			t.Errorf("%s: no error", s)
		}
	}
}

func TestCompareOrder(t *testing.T) {
	// Ascending, one value per type rank, as the manual's comparison order.
	order := `[{"$minKey": 1}, null, {"$numberDouble": "NaN"}, -1, {"$numberDecimal": "0.5"}, 1, "a", "b", {}, {"a": 1}, [],
		[1], {"$binary": {"base64": "AQ==", "subType": "00"}}, {"$oid": "000000000000000000000000"}, false, true,
		{"$date": "2020-01-01T00:00:00Z"}, {"$timestamp": {"t": 1, "i": 1}}, {"$regularExpression": {"pattern": "a", "options": ""}},
		{"$maxKey": 1}]`
	vals := val(t, order).(bson.A)
	for i := range vals {
		for j := range vals {
			if got := Compare(vals[i], vals[j]); got != cmp3(i, j) {
				t.Errorf("Compare(%s, %s) = %d, want %d", js(t, vals[i]), js(t, vals[j]), got, cmp3(i, j))
			}
		}
	}
	eq := [][2]any{{int32(1), 1.0}, {int64(1), int32(1)}, {val(t, `{"$numberDecimal": "1.0"}`), 1.0},
		{bson.D{{Key: "a", Value: 1.0}}, bson.D{{Key: "a", Value: int64(1)}}}}
	for _, p := range eq {
		if !Equal(p[0], p[1]) {
			t.Errorf("Equal(%v, %v) = false", p[0], p[1])
		}
	}
	if Compare(int64(9007199254740993), 9007199254740992.0) <= 0 {
		t.Error("int64 2^53+1 must compare above double 2^53")
	}
	if Compare(bson.D{{Key: "a", Value: 1}}, bson.D{{Key: "b", Value: 0}}) >= 0 {
		t.Error("documents compare field names")
	}
}

func TestCompareOtherGoValues(t *testing.T) {
	if !Equal(bson.M{"b": 1, "a": 2}, bson.D{{Key: "a", Value: 2}, {Key: "b", Value: 1}}) {
		t.Error("a bson.M compares as the document of its sorted keys")
	}
	if !Equal(3, int64(3)) || !Equal(bson.Null{}, nil) || !Equal(float32(1.5), 1.5) {
		t.Error("Go int, bson.Null and float32 compare as their BSON values")
	}
	if identical(bson.M{"a": 1}, bson.D{{Key: "a", Value: int32(1)}}) != true {
		t.Error("identical accepts bson.M")
	}
}
