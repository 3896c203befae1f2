package bson

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// TestValidateStructure checks what ValidateStructure accepts that
// Validate refuses (content: UTF-8, booleans) and that it refuses every
// structural problem with the same *DecodeError as Validate.
func TestValidateStructure(t *testing.T) {
	latin1 := coreDoc(AppendStringElement(nil, "s", "caf\xe9"))
	content := map[string]Raw{
		"Latin-1 string":    latin1,
		"Latin-1 key":       coreDoc(AppendInt32Element(nil, "caf\xe9", 1)),
		"boolean 2":         coreDoc([]byte{0x08, 'f', 0, 2}),
		"nested bad UTF-8":  coreDoc(AppendDocumentElement(nil, "d", coreDoc(AppendSymbolElement(nil, "y", "\xff")))),
		"regex bad UTF-8":   coreDoc(AppendRegexElement(nil, "r", "\xff", "i")),
		"code with scope":   coreDoc(AppendCodeWithScopeElement(nil, "c", "\xfe", coreDoc(AppendStringElement(nil, "x", "\xfe")))),
		"dbPointer UTF-8":   coreDoc(AppendDBPointerElement(nil, "p", "\xfe", ObjectID{})),
		"long ASCII + \xff": coreDoc(AppendStringElement(nil, "s", strings.Repeat("a", 40)+"\xff")),
	}
	for name, doc := range content {
		if err := doc.ValidateStructure(); err != nil {
			t.Errorf("%s: ValidateStructure = %v, want nil", name, err)
		}
		if err := doc.Validate(); err == nil {
			t.Errorf("%s: Validate accepted it", name)
		}
	}
	structural := []Raw{
		nil, {4, 0, 0, 0, 0}, {6, 0, 0, 0, 0}, {5, 0, 0, 0, 1}, {5, 0, 0, 0, 0, 0},
		{8, 0, 0, 0, 0x0A, 'a', 'b', 0},
		coreDoc([]byte{0x42, 'x', 0}),
		coreDoc([]byte{0x05, 'b', 0, 5, 0, 0, 0, 2, 2, 0, 0, 0, 'x'}),
		coreDoc([]byte{0x02, 's', 0, 0xff, 0xff, 0xff, 0xff, 0}),
		coreDoc([]byte{0x02, 's', 0, 2, 0, 0, 0, 'a', 'b'}),
		coreDoc([]byte{0x01, 'd', 0, 1, 2, 3}),
		coreDoc([]byte{0x03, 'd', 0, 5, 0, 0, 0, 1}),
		coreNested(MaxNestingDepth + 1),
		coreDoc(AppendDocumentElement(nil, "d", coreDoc([]byte{0x12, 'i', 0, 1, 2, 3}))),
	}
	for _, doc := range structural {
		err := doc.ValidateStructure()
		var de *DecodeError
		if !errors.As(err, &de) {
			t.Errorf("% x: ValidateStructure = %v, want a *DecodeError", []byte(doc), err)
			continue
		}
		if want := doc.Validate(); want == nil || want.Error() != err.Error() {
			t.Errorf("% x: ValidateStructure = %v, Validate = %v; want the same error", []byte(doc), err, want)
		}
	}
	if err := coreNested(MaxNestingDepth).ValidateStructure(); err != nil {
		t.Errorf("nesting of exactly MaxNestingDepth: %v", err)
	}
}

// TestValidateStructureCorpus runs ValidateStructure over the bson-corpus:
// every valid document passes, and the only decodeErrors documents it
// accepts are those whose problem is content (UTF-8, a boolean byte), which
// Validate refuses.
func TestValidateStructureCorpus(t *testing.T) {
	accepted := 0
	for _, d := range coreCorpusHex(t) {
		b, err := hex.DecodeString(d.hex)
		if err != nil {
			t.Fatalf("%s: bad hex", d.name)
		}
		err = Raw(b).ValidateStructure()
		switch {
		case d.valid && err != nil:
			t.Errorf("%s: valid document refused: %v", d.name, err)
		case !d.valid && err == nil:
			accepted++
			verr := Raw(b).Validate()
			if verr == nil || !(strings.Contains(verr.Error(), "UTF-8") || strings.Contains(verr.Error(), "boolean")) {
				t.Errorf("%s: ValidateStructure accepted a structural error (Validate: %v)", d.name, verr)
			}
		}
	}
	if accepted == 0 {
		t.Error("no corpus decodeErrors case is a content error: the test checks nothing")
	}
}

// TestValidUTF8 checks the ASCII fast path against utf8.Valid around the
// eight-byte boundaries.
func TestValidUTF8(t *testing.T) {
	for n := range 20 {
		for _, tail := range []string{"", "é", "\xe9", "\xff", "\xe2\x82", "€"} {
			s := []byte(strings.Repeat("x", n) + tail)
			want := !strings.Contains(tail, "\xe9") && !strings.Contains(tail, "\xff") && tail != "\xe2\x82"
			if got := validUTF8(s); got != want {
				t.Errorf("validUTF8(%q) = %v, want %v", s, got, want)
			}
		}
	}
}

// TestUnmarshalNestingBound checks that every target accepts what Validate
// accepts at the nesting bound, and refuses one level more.
func TestUnmarshalNestingBound(t *testing.T) {
	for _, n := range []int{MaxNestingDepth, MaxNestingDepth + 1} {
		for _, v := range []any{new(Raw), new(D), new(struct{}), new(any), new(RawValue)} {
			err := Unmarshal(coreNested(n), v)
			if (err == nil) != (n <= MaxNestingDepth) {
				t.Errorf("nesting %d into %T: %v", n, v, err)
			}
		}
	}
}
