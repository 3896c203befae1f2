package bson

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// The bson-corpus runner (corpus_test.go) calls these two for the native
// round trip the corpus README asks of drivers: BSON -> native -> BSON.

// checkNativeRoundTrip decodes in into D, M, Raw and an empty struct, and
// checks that D marshals back to want (M only has to keep the elements).
func checkNativeRoundTrip(t *testing.T, what string, in, want []byte) {
	t.Helper()
	var d D
	if err := Unmarshal(in, &d); err != nil {
		t.Fatalf("%s: Unmarshal into D: %v", what, err)
	}
	got, err := Marshal(d)
	if err != nil {
		t.Fatalf("%s: Marshal(D): %v", what, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: BSON -> D -> BSON\n got %X\nwant %X", what, got, want)
	}
	var m M
	if err := Unmarshal(in, &m); err != nil {
		t.Fatalf("%s: Unmarshal into M: %v", what, err)
	}
	if len(m) != len(d) {
		t.Errorf("%s: M has %d elements, D %d", what, len(m), len(d))
	}
	var raw Raw
	if err := Unmarshal(in, &raw); err != nil || !bytes.Equal(raw, in) {
		t.Errorf("%s: Unmarshal into Raw = %X, %v", what, raw, err)
	}
	var empty struct{}
	if err := Unmarshal(in, &empty); err != nil {
		t.Errorf("%s: Unmarshal into struct{}: %v", what, err)
	}
}

// checkNativeDecodeError checks that Unmarshal refuses b whatever the
// target, with a *DecodeError, and never panics.
func checkNativeDecodeError(t *testing.T, b []byte) {
	t.Helper()
	targets := map[string]any{"D": new(D), "M": new(M), "Raw": new(Raw), "any": new(any),
		"struct{}": new(struct{}), "map[string]any": new(map[string]any)}
	content := Raw(b).ValidateStructure() == nil // a bad string or boolean, not framing
	for name, v := range targets {
		err := Decoder{StrictUTF8: true}.Unmarshal(b, v)
		var de *DecodeError
		if !errors.As(err, &de) {
			t.Errorf("strict Unmarshal(%X) into %s = %v, want a *DecodeError", b, name, err)
		}
		err = Unmarshal(b, v)
		switch {
		case !content && !errors.As(err, &de):
			t.Errorf("Unmarshal(%X) into %s = %v, want a *DecodeError", b, name, err)
		case content && err == nil && !strings.Contains(Raw(b).Validate().Error(), "UTF-8") &&
			name != "Raw" && name != "struct{}":
			// By default only strings that are not UTF-8 decode; a bad
			// boolean fails wherever it is decoded (not into Raw, nor
			// where no field takes it).
			t.Errorf("Unmarshal(%X) into %s accepted a content error other than UTF-8", b, name)
		}
	}
}
