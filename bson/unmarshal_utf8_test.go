package bson

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// latin1Doc is {"s": "caf\xe9", "caf\xe9": 1, "d": {"t": "\xff"}}: a
// string, a key and a nested string that are Latin-1, not UTF-8.
func latin1Doc() []byte {
	return doc(str("s", "caf\xe9"), i32("caf\xe9", 1), sub("d", doc(str("t", "\xff"))))
}

// TestUnmarshalInvalidUTF8 checks the default: strings and keys that are
// not UTF-8 decode byte for byte into every kind of target (as the official
// driver does), and what Marshal writes, Unmarshal reads back.
func TestUnmarshalInvalidUTF8(t *testing.T) {
	in := latin1Doc()
	var s struct {
		S string
		D struct{ T string }
		X map[string]int32 `bson:",inline"`
	}
	if err := Unmarshal(in, &s); err != nil {
		t.Fatalf("into a struct: %v", err)
	}
	if s.S != "caf\xe9" || s.D.T != "\xff" || s.X["caf\xe9"] != 1 {
		t.Fatalf("into a struct: %+v", s)
	}
	var d D
	if err := Unmarshal(in, &d); err != nil {
		t.Fatalf("into D: %v", err)
	}
	if d[0].Value != "caf\xe9" || d[1].Key != "caf\xe9" || d[2].Value.(D)[0].Value != "\xff" {
		t.Fatalf("into D: %#v", d)
	}
	for _, v := range []any{new(M), new(any), new(map[string]any), new(Raw)} {
		if err := Unmarshal(in, v); err != nil {
			t.Errorf("into %T: %v", v, err)
		}
	}
	// Marshal writes the bytes as they are, and the two agree both ways.
	if out, err := Marshal(d); err != nil || !bytes.Equal(out, in) {
		t.Errorf("Marshal(D) = %x, %v; want %x", out, err, in)
	}
	out, err := Marshal(&s)
	if err != nil {
		t.Fatal(err)
	}
	s2 := s
	s2.S, s2.X = "", nil
	if err := Unmarshal(out, &s2); err != nil || s2.S != s.S || s2.D != s.D || s2.X["caf\xe9"] != 1 {
		t.Errorf("struct round trip: %+v, %v", s2, err)
	}
	if got, ok := Raw(in).Lookup("s").StringValue(); !ok || got != "caf\xe9" {
		t.Errorf("Lookup(s).StringValue() = %q, %v", got, ok)
	}
}

// TestUnmarshalStrictUTF8 checks that Decoder.StrictUTF8 refuses each such
// string with a *DecodeError naming its key path.
func TestUnmarshalStrictUTF8(t *testing.T) {
	strict := Decoder{StrictUTF8: true}
	for _, tc := range []struct {
		in  []byte
		key string
	}{
		{doc(str("s", "caf\xe9")), "s"},
		{doc(i32("caf\xe9", 1)), "caf\xe9"},
		{doc(sub("d", doc(str("t", "\xff")))), "d.t"},
		{doc(arr("a", doc(str("0", "ok"), str("1", "\xe9")))), "a.1"},
		{doc(elem(func(b []byte) []byte { return AppendRegexElement(b, "r", "\xe9", "") })), "r"},
	} {
		for _, v := range []any{new(D), new(M), new(any), new(map[string]any), new(Raw), new(struct{}),
			new(struct {
				S string
				D struct{ T string }
				A []string
			})} {
			err := strict.Unmarshal(tc.in, v)
			var de *DecodeError
			if !errors.As(err, &de) || de.Key != tc.key || !strings.Contains(de.Msg, "UTF-8") {
				t.Errorf("strict Unmarshal(%x) into %T = %v; want a *DecodeError at %q about UTF-8", tc.in, v, err, tc.key)
			}
		}
	}
	if err := strict.Unmarshal(doc(str("s", "café")), new(D)); err != nil {
		t.Errorf("strict Unmarshal of UTF-8: %v", err)
	}
}

// TestExtJSONInvalidUTF8 checks that Extended JSON output of such strings
// and keys is valid JSON with U+FFFD in place of each bad byte.
func TestExtJSONInvalidUTF8(t *testing.T) {
	want := `{"s":"caf\ufffd","caf\ufffd":1,"d":{"t":"\ufffd"}}`
	if got := Raw(latin1Doc()).String(); got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
	out, err := MarshalExtJSON(struct{ S string }{"a\xe9b"}, true, false)
	if err != nil || string(out) != `{"s":"a\ufffdb"}` || !json.Valid(out) {
		t.Errorf("MarshalExtJSON = %s, %v", out, err)
	}
	if got := Raw(latin1Doc()).Lookup("s").String(); got != `"caf\ufffd"` {
		t.Errorf("RawValue.String() = %s", got)
	}
}
