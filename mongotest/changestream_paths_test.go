package mongotest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/torque-go/torque/bson"
)

func TestPathComponents(t *testing.T) {
	doc := bson.D{bson.KV("a", bson.A{bson.D{bson.KV("1", 2)}}), bson.KV("b", bson.D{bson.KV("1", 1)}), bson.KV("c", 3)}
	for _, tc := range []struct {
		path string
		want bson.A
	}{
		{"c", nil},                            // no numeric component: not ambiguous
		{"b.1", bson.A{"b", "1"}},             // a field named "1"
		{"a.0.1", bson.A{"a", int32(0), "1"}}, // an array index, then a field
		{"a.5", bson.A{"a", "5"}},             // past the array's end: as written
		{"x.1.y", bson.A{"x", "1", "y"}},      // a path not in the document
	} {
		if got := pathComponents(doc, tc.path); !cmp.Equal(got, tc.want) {
			t.Errorf("pathComponents(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
}
