package bson

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// coreFuzzSeeds returns the hand seeds plus, when the spec corpus is there,
// every canonical, degenerate and decodeErrors document of the bson-corpus.
func coreFuzzSeeds(f *testing.F) [][]byte {
	seeds := [][]byte{
		nil,
		{5, 0, 0, 0, 0},
		coreReply(),
		coreNested(MaxNestingDepth + 1),
		coreDoc(AppendCodeWithScopeElement(nil, "c", "x", coreDoc(AppendInt32Element(nil, "a", 1)))),
		coreDoc(AppendBinaryElement(nil, "b", BinaryBinaryOld, []byte("abc"))),
		coreDoc(AppendRegexElement(nil, "r", "a", "i"), AppendDBPointerElement(nil, "p", "n", ObjectID{})),
	}
	dir := filepath.Join(spectest.Root(), "bson-corpus", "tests")
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		var c coreCorpusFile
		if err := json.Unmarshal(raw, &c); err != nil {
			f.Fatalf("%s: %v", file, err)
		}
		var hexes []string
		for _, v := range c.Valid {
			hexes = append(hexes, v.CanonicalBSON, v.DegenerateBSON)
		}
		for _, d := range c.DecodeErrors {
			hexes = append(hexes, d.BSON)
		}
		for _, h := range hexes {
			if b, err := hex.DecodeString(h); err == nil && h != "" {
				seeds = append(seeds, b)
			}
		}
	}
	return seeds
}

// FuzzRawValidate checks that Validate never panics and returns either nil
// or a *DecodeError inside the input, that the lazy readers never panic on
// any input, and that on a validated document they agree with each other
// and find every element they list.
func FuzzRawValidate(f *testing.F) {
	for _, s := range coreFuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := Raw(data)
		err := r.Validate()
		coreCheckStructure(t, r, err)
		// The lazy readers must survive anything.
		_, _ = r.LookupErr("a", "b")
		_, _ = r.Elements()
		_, _ = r.Index(1)
		for range r.All() {
		}
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("Validate error %v is not a *DecodeError", err)
			}
			if de.Offset < 0 || de.Offset > len(data) {
				t.Fatalf("error offset %d outside the %d input bytes: %v", de.Offset, len(data), err)
			}
			return
		}
		coreWalkValid(t, r, 0)
	})
}

// coreCheckStructure checks ValidateStructure against Validate (whose
// error is verr) and the fast scan against the slow walk that explains its
// errors; on a document whose structure is sound, the lazy readers must
// walk every element without a framing error.
func coreCheckStructure(t *testing.T, r Raw, verr error) {
	serr := r.ValidateStructure()
	if serr != nil && verr == nil {
		t.Fatalf("ValidateStructure refused what Validate accepted: %v", serr)
	}
	for _, utf := range []bool{true, false} {
		slow := slowValidate(r, utf)
		if fast := scanRaw(r, utf); fast != (slow == nil) {
			t.Fatalf("utf %v: fast scan says %v, slow walk says %v", utf, fast, slow)
		}
	}
	if serr == nil {
		coreWalkStructure(t, r, 1)
	}
}

// slowValidate is validateSlow without its fallback error.
func slowValidate(r Raw, utf bool) *DecodeError {
	n, msg := frameDocument(r)
	if msg != "" || n != len(r) {
		return decodeErr(0, "framing")
	}
	return validateDocument(r, 0, 1, utf)
}

// coreWalkStructure walks a document that passed ValidateStructure: every
// reader must find every element, and nested documents are walked in turn.
func coreWalkStructure(t *testing.T, r Raw, depth int) {
	els, err := r.Elements()
	if err != nil {
		t.Fatalf("Elements after ValidateStructure: %v", err)
	}
	for i, el := range els {
		if _, err := r.Index(i); err != nil {
			t.Fatalf("Index(%d) after ValidateStructure: %v", i, err)
		}
		v := el.Value()
		_ = v.String()
		if d, ok := v.Document(); ok {
			coreWalkStructure(t, d, depth+1)
		} else if a, ok := v.Array(); ok {
			coreWalkStructure(t, Raw(a), depth+1)
		}
	}
}

// coreWalkValid walks a validated document: Elements must succeed, All must
// yield the same elements, each key must be found by Lookup (the first
// element with that key), every accessor must run, and nested documents
// are walked in turn.
func coreWalkValid(t *testing.T, r Raw, depth int) {
	if depth > MaxNestingDepth {
		t.Fatalf("validated document nests deeper than %d", MaxNestingDepth)
	}
	els, err := r.Elements()
	if err != nil {
		t.Fatalf("Elements of a validated document: %v", err)
	}
	i := 0
	for k, v := range r.All() {
		if i >= len(els) || els[i].Key() != k || !els[i].Value().Equal(v) {
			t.Fatalf("All element %d (%q) differs from Elements", i, k)
		}
		if err := els[i].Validate(); err != nil {
			t.Fatalf("element %q of a validated document: %v", k, err)
		}
		if err := v.Validate(); err != nil {
			t.Fatalf("value %q of a validated document: %v", k, err)
		}
		if !strings.ContainsRune(k, 0) {
			found, err := r.LookupErr(k)
			if err != nil || found.Type == 0 {
				t.Fatalf("Lookup(%q) in a validated document: %v", k, err)
			}
		}
		coreTouchValue(t, v, depth)
		i++
	}
	if i != len(els) {
		t.Fatalf("All yielded %d elements, Elements %d", i, len(els))
	}
}

// coreTouchValue runs the accessor for v's type, which must succeed on a
// validated value, and walks nested documents.
func coreTouchValue(t *testing.T, v RawValue, depth int) {
	ok := true
	switch v.Type {
	case TypeDouble:
		_, ok = v.Double()
	case TypeString:
		_, ok = v.StringValue()
	case TypeEmbeddedDocument:
		var d Raw
		if d, ok = v.Document(); ok {
			coreWalkValid(t, d, depth+1)
		}
	case TypeArray:
		var a RawArray
		if a, ok = v.Array(); ok {
			if _, err := a.Values(); err != nil {
				t.Fatalf("Values of a validated array: %v", err)
			}
			coreWalkValid(t, Raw(a), depth+1)
		}
	case TypeBinary:
		_, ok = v.Binary()
	case TypeObjectID:
		_, ok = v.ObjectID()
	case TypeBoolean:
		_, ok = v.Boolean()
	case TypeDateTime:
		_, ok = v.DateTime()
	case TypeRegex:
		_, _, ok = v.Regex()
	case TypeDBPointer:
		_, _, ok = v.DBPointer()
	case TypeJavaScript:
		_, ok = v.JavaScript()
	case TypeSymbol:
		_, ok = v.Symbol()
	case TypeCodeWithScope:
		var scope Raw
		if _, scope, ok = v.CodeWithScope(); ok {
			coreWalkValid(t, scope, depth+1)
		}
	case TypeInt32:
		_, ok = v.Int32()
	case TypeTimestamp:
		_, _, ok = v.Timestamp()
	case TypeInt64:
		_, ok = v.Int64()
	case TypeDecimal128:
		var d Decimal128
		if d, ok = v.Decimal128(); ok {
			_ = d.String()
		}
	}
	if !ok {
		t.Fatalf("%s accessor failed on a validated value % x", v.Type, v.Value)
	}
}

// FuzzDecimal128 checks that ParseDecimal128 never panics and that what it
// accepts formats to a string that parses back to the same value.
func FuzzDecimal128(f *testing.F) {
	for _, s := range []string{"0", "-1.5E+10", "NaN", "-Infinity", ".5", "1E-6176", "9999999999999999999999999999999999E+6111", "1..2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDecimal128(s)
		if err != nil {
			return
		}
		str := d.String()
		back, err := ParseDecimal128(str)
		if err != nil {
			t.Fatalf("%q -> %q does not parse: %v", s, str, err)
		}
		if back != d && !d.IsNaN() {
			t.Fatalf("%q -> %q -> %q changed the value", s, str, back)
		}
	})
}
