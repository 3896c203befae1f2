package bson

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// coreDoc wraps element bytes in a document envelope.
func coreDoc(elements ...[]byte) Raw {
	start, d := AppendDocumentStart(nil)
	for _, e := range elements {
		d = append(d, e...)
	}
	d, _ = AppendDocumentEnd(d, start)
	return d
}

func TestValidateErrors(t *testing.T) {
	nested := AppendDocumentElement(nil, "b",
		coreDoc(AppendStringElement(nil, "c", "ok"), AppendStringElement(nil, "d", "\xff")))
	badBool := coreDoc(AppendInt32Element(nil, "x", 1), []byte{0x08, 'f', 0, 2})
	arr := coreDoc(AppendArrayElement(nil, "arr", coreDoc(AppendInt32Element(nil, "0", 1), []byte{0x42, '1', 0})))
	for _, tc := range []struct {
		name   string
		doc    []byte
		offset int
		key    string
		msg    string
	}{
		{"empty input", nil, 0, "", "truncated"},
		{"length too small", []byte{4, 0, 0, 0, 0}, 0, "", "less than 5"},
		{"length beyond input", []byte{6, 0, 0, 0, 0}, 0, "", "exceeds"},
		{"no terminator", []byte{5, 0, 0, 0, 1}, 0, "", "NUL"},
		{"trailing bytes", []byte{5, 0, 0, 0, 0, 0}, 5, "", "after the end"},
		{"bad UTF-8 nested", coreDoc(AppendInt32Element(nil, "a", 1), nested), 35, "b.d", "UTF-8"},
		{"boolean 2", badBool, 14, "f", "boolean byte is 2"},
		{"unknown type in array", arr, 20, "arr.1", "unknown element type"},
		{"bad key UTF-8", coreDoc([]byte{0x0A, 0xC3, 0x28, 0}), 5, "\xc3(", "key is not valid UTF-8"},
		{"key without NUL", []byte{8, 0, 0, 0, 0x0A, 'a', 'b', 0}, 4, "", "key is not NUL-terminated"},
		{"subtype 2 inner length", coreDoc([]byte{0x05, 'b', 0, 5, 0, 0, 0, 2, 2, 0, 0, 0, 'x'}), 7, "b", "inner length"},
		{"regex pattern UTF-8", coreDoc(AppendRegexElement(nil, "r", "\xff", "")), 7, "r", "regex pattern"},
		{"dbpointer UTF-8", coreDoc(AppendDBPointerElement(nil, "p", "\xfe", ObjectID{})), 11, "p", "namespace"},
		{"code with scope UTF-8", coreDoc(AppendCodeWithScopeElement(nil, "c", "\xfe", coreDoc())), 15, "c", "code is not"},
		{"code with scope bad scope", coreDoc(AppendCodeWithScopeElement(nil, "c", "x",
			coreDoc(AppendSymbolElement(nil, "s", "\x80")))), 28, "c.s", "symbol is not valid UTF-8"},
		{"string length -1", coreDoc([]byte{0x02, 's', 0, 0xff, 0xff, 0xff, 0xff, 0}), 7, "s", "less than 1"},
		{"truncated double", coreDoc([]byte{0x01, 'd', 0, 1, 2, 3}), 7, "d", "double value truncated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Raw(tc.doc).Validate()
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("Validate() = %v, want a *DecodeError", err)
			}
			if de.Offset != tc.offset || de.Key != tc.key || !strings.Contains(de.Msg, tc.msg) {
				t.Errorf("got offset %d key %q msg %q; want offset %d key %q msg containing %q",
					de.Offset, de.Key, de.Msg, tc.offset, tc.key, tc.msg)
			}
			if !strings.HasPrefix(err.Error(), "bson: at byte ") {
				t.Errorf("Error() = %q", err)
			}
		})
	}
}

func TestDecodeErrorString(t *testing.T) {
	e := &DecodeError{Offset: 17, Key: "a.b", Msg: "string is not valid UTF-8"}
	if got, want := e.Error(), `bson: at byte 17 in "a.b": string is not valid UTF-8`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e.Key = ""
	if got, want := e.Error(), `bson: at byte 17: string is not valid UTF-8`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// coreNested returns depth documents nested inside each other under key "a".
func coreNested(depth int) Raw {
	d := coreDoc()
	for i := 1; i < depth; i++ {
		d = coreDoc(AppendDocumentElement(nil, "a", d))
	}
	return d
}

func TestValidateNestingBound(t *testing.T) {
	if err := coreNested(MaxNestingDepth).Validate(); err != nil {
		t.Errorf("depth %d: %v", MaxNestingDepth, err)
	}
	err := coreNested(MaxNestingDepth + 1).Validate()
	var de *DecodeError
	if !errors.As(err, &de) || !strings.Contains(de.Msg, "nest deeper") {
		t.Fatalf("depth %d: %v, want a nesting error", MaxNestingDepth+1, err)
	}
	if want := strings.TrimSuffix(strings.Repeat("a.", MaxNestingDepth), "."); de.Key != want {
		t.Errorf("key path has %d parts, want %d", strings.Count(de.Key, ".")+1, MaxNestingDepth)
	}
	// Far deeper input must still fail cleanly (no stack exhaustion).
	if err := coreNested(2000).Validate(); err == nil {
		t.Error("depth 2000 validated")
	}
}

func TestValidateElementAndValue(t *testing.T) {
	good := RawElement(AppendStringElement(nil, "k", "v"))
	if err := good.Validate(); err != nil {
		t.Errorf("RawElement.Validate: %v", err)
	}
	if err := RawElement(AppendStringElement(nil, "k", "\xff")).Validate(); err == nil {
		t.Error("RawElement with bad UTF-8 validated")
	}
	if err := RawElement(append(AppendStringElement(nil, "k", "v"), 1)).Validate(); err == nil {
		t.Error("RawElement with trailing byte validated")
	}
	if err := (RawValue{Type: TypeBoolean, Value: []byte{1}}).Validate(); err != nil {
		t.Errorf("RawValue true: %v", err)
	}
	for _, bad := range []RawValue{
		{Type: TypeBoolean, Value: []byte{3}},
		{Type: TypeInt32, Value: []byte{1, 2, 3}},
		{Type: TypeInt32, Value: []byte{1, 2, 3, 4, 5}},
		{Type: Type(0x14), Value: nil},
		{},
	} {
		if err := bad.Validate(); err == nil {
			t.Errorf("RawValue %v validated", bad)
		}
	}
}

// coreCorpusFile is the part of a bson-corpus file that validation uses.
type coreCorpusFile struct {
	Valid []struct {
		Description    string `json:"description"`
		CanonicalBSON  string `json:"canonical_bson"`
		DegenerateBSON string `json:"degenerate_bson"`
	} `json:"valid"`
	DecodeErrors []struct {
		Description string `json:"description"`
		BSON        string `json:"bson"`
	} `json:"decodeErrors"`
}

// coreCorpusHex returns every valid document (ok == true) and every
// decodeErrors document (ok == false) of the bson-corpus, named.
func coreCorpusHex(t testing.TB) (docs []coreCorpusDoc) {
	t.Helper()
	root := spectest.Dir(t, "bson-corpus", "tests")
	for _, file := range spectest.Files(t, ".json", "bson-corpus", "tests") {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var f coreCorpusFile
		if err := json.Unmarshal(raw, &f); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		name := spectest.Name(root, file)
		for _, c := range f.Valid {
			docs = append(docs, coreCorpusDoc{name + "/" + c.Description, c.CanonicalBSON, true})
			if c.DegenerateBSON != "" {
				docs = append(docs, coreCorpusDoc{name + "/" + c.Description + " (degenerate)", c.DegenerateBSON, true})
			}
		}
		for _, c := range f.DecodeErrors {
			docs = append(docs, coreCorpusDoc{name + "/" + c.Description, c.BSON, false})
		}
	}
	return docs
}

type coreCorpusDoc struct {
	name  string
	hex   string
	valid bool
}

func TestValidateCorpus(t *testing.T) {
	docs := coreCorpusHex(t)
	valid, invalid := 0, 0
	for _, d := range docs {
		t.Run(d.name, func(t *testing.T) {
			b, err := hex.DecodeString(d.hex)
			if err != nil {
				t.Fatalf("bad hex in corpus: %v", err)
			}
			err = Raw(b).Validate()
			if d.valid && err != nil {
				t.Errorf("valid document rejected: %v", err)
			}
			if !d.valid && err == nil {
				t.Errorf("decodeErrors document %s accepted", d.hex)
			}
			if !d.valid {
				var de *DecodeError
				if !errors.As(err, &de) {
					t.Errorf("error %v is not a *DecodeError", err)
				}
			}
		})
		if d.valid {
			valid++
		} else {
			invalid++
		}
	}
	if valid < 400 || invalid < 70 {
		t.Errorf("only %d valid and %d invalid corpus documents", valid, invalid)
	}
}

// TestValidateMutations runs Validate and the lazy readers over every
// truncation and many single-byte changes of every corpus document: none
// may panic, every failure must be a *DecodeError inside the input, and a
// truncated document must never validate.
func TestValidateMutations(t *testing.T) {
	checked := 0
	for _, d := range coreCorpusHex(t) {
		b, err := hex.DecodeString(d.hex)
		if err != nil || !d.valid {
			continue
		}
		for n := range len(b) {
			if err := coreCheckOne(b[:n]); err == nil {
				t.Errorf("%s: truncated to %d of %d bytes, still validates", d.name, n, len(b))
			}
			checked++
		}
		for i := range b {
			for _, x := range []byte{0x00, 0x01, 0x7f, 0x80, 0xff} {
				m := bytes.Clone(b)
				m[i] = x
				coreCheckOne(m)
				checked++
			}
		}
	}
	if checked == 0 {
		t.Fatal("no corpus documents")
	}
}

// coreCheckOne runs Validate and the readers on b and returns Validate's
// error after checking that it is a well-placed *DecodeError.
func coreCheckOne(b []byte) error {
	r := Raw(b)
	err := r.Validate()
	_, _ = r.LookupErr("a", "0", "b")
	_, _ = r.Elements()
	for _, v := range r.All() {
		_, _ = v.AsInt64()
		_, _ = v.Document()
	}
	if err != nil {
		var de *DecodeError
		if !errors.As(err, &de) || de.Offset < 0 || de.Offset > len(b) {
			panic(fmt.Sprintf("bad error for % x: %v", b, err))
		}
	}
	return err
}
