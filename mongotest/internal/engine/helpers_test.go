package engine

import (
	"errors"
	"testing"

	"github.com/torque-go/torque/bson"
)

// doc parses relaxed Extended JSON into a bson.D, as the server would
// decode it from the wire.
func doc(t testing.TB, js string) bson.D {
	t.Helper()
	raw, err := bson.ExtJSONToRaw([]byte(js))
	if err != nil {
		t.Fatalf("bad test JSON %s: %v", js, err)
	}
	var d bson.D
	if err := bson.Unmarshal(raw, &d); err != nil {
		t.Fatalf("unmarshal %s: %v", js, err)
	}
	return d
}

// val parses {"v": <js>} and returns the value.
func val(t testing.TB, js string) any {
	t.Helper()
	return doc(t, `{"v": `+js+`}`)[0].Value
}

// js prints a value as canonical-free relaxed Extended JSON for messages
// and comparisons.
func js(t testing.TB, v any) string {
	t.Helper()
	b, err := bson.MarshalExtJSON(bson.D{{Key: "v", Value: v}}, false, false)
	if err != nil {
		t.Fatalf("marshal %v: %v", v, err)
	}
	return string(b)
}

// errCode returns the code of an *Error, or 0.
func errCode(err error) int32 {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}
