package bson

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// The bson-corpus runner (specifications: source/bson-corpus). Every file
// below $MONGO_SPEC_DIR/bson-corpus/tests is read; nothing is hard-coded.

// corpusSkips is the runner's one skip list: "file/case description" to
// the reason the case cannot pass.
var corpusSkips = spectest.Skips{}

type corpusFile struct {
	Description  string        `json:"description"`
	BSONType     string        `json:"bson_type"`
	TestKey      string        `json:"test_key"`
	Deprecated   bool          `json:"deprecated"`
	Valid        []corpusValid `json:"valid"`
	DecodeErrors []struct {
		Description string `json:"description"`
		BSON        string `json:"bson"`
	} `json:"decodeErrors"`
	ParseErrors []struct {
		Description string `json:"description"`
		String      string `json:"string"`
	} `json:"parseErrors"`
}

type corpusValid struct {
	Description       string `json:"description"`
	CanonicalBSON     string `json:"canonical_bson"`
	CanonicalExtJSON  string `json:"canonical_extjson"`
	RelaxedExtJSON    string `json:"relaxed_extjson"`
	DegenerateBSON    string `json:"degenerate_bson"`
	DegenerateExtJSON string `json:"degenerate_extjson"`
	ConvertedBSON     string `json:"converted_bson"`
	ConvertedExtJSON  string `json:"converted_extjson"`
	Lossy             bool   `json:"lossy"`
}

func TestBSONCorpus(t *testing.T) {
	root := spectest.Dir(t, "bson-corpus", "tests")
	for _, path := range spectest.Files(t, ".json", "bson-corpus", "tests") {
		name := spectest.Name(root, path)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var f corpusFile
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		t.Run(name, func(t *testing.T) {
			for i := range f.Valid {
				c := &f.Valid[i]
				t.Run("valid/"+c.Description, func(t *testing.T) {
					corpusSkips.Check(t, name+"/"+c.Description)
					runCorpusValid(t, c)
				})
			}
			for _, c := range f.DecodeErrors {
				t.Run("decodeError/"+c.Description, func(t *testing.T) {
					corpusSkips.Check(t, name+"/"+c.Description)
					runCorpusDecodeError(t, corpusHex(t, c.BSON))
				})
			}
			for _, c := range f.ParseErrors {
				t.Run("parseError/"+c.Description, func(t *testing.T) {
					corpusSkips.Check(t, name+"/"+c.Description)
					runCorpusParseError(t, f.BSONType, c.String)
				})
			}
		})
	}
}

func corpusHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s) // accepts both cases
	if err != nil {
		t.Fatalf("corpus hex %q: %v", s, err)
	}
	return b
}

func runCorpusValid(t *testing.T, c *corpusValid) {
	cB := corpusHex(t, c.CanonicalBSON)
	if err := Raw(cB).Validate(); err != nil {
		t.Fatalf("canonical_bson does not validate: %v", err)
	}
	checkToExtJSON(t, "canonical_bson", cB, true, c.CanonicalExtJSON)
	if c.RelaxedExtJSON != "" {
		checkToExtJSON(t, "canonical_bson", cB, false, c.RelaxedExtJSON)
	}
	checkNativeRoundTrip(t, "canonical_bson", cB, cB)

	// cEJ -> BSON is cB (unless lossy) and writes back to cEJ.
	checkFromExtJSON(t, "canonical_extjson", c.CanonicalExtJSON, cB, c.Lossy, c.CanonicalExtJSON, true)

	if c.DegenerateBSON != "" {
		dB := corpusHex(t, c.DegenerateBSON)
		if err := Raw(dB).Validate(); err != nil {
			t.Fatalf("degenerate_bson does not validate: %v", err)
		}
		checkToExtJSON(t, "degenerate_bson", dB, true, c.CanonicalExtJSON)
		if c.RelaxedExtJSON != "" {
			checkToExtJSON(t, "degenerate_bson", dB, false, c.RelaxedExtJSON)
		}
		checkNativeRoundTrip(t, "degenerate_bson", dB, cB)
	}
	if c.DegenerateExtJSON != "" {
		checkFromExtJSON(t, "degenerate_extjson", c.DegenerateExtJSON, cB, c.Lossy, c.CanonicalExtJSON, true)
	}
	if c.RelaxedExtJSON != "" {
		// rEJ -> BSON -> rEJ; the BSON need not be cB (relaxed loses types).
		checkFromExtJSON(t, "relaxed_extjson", c.RelaxedExtJSON, nil, true, c.RelaxedExtJSON, false)
	}
	if c.ConvertedBSON != "" {
		convB := corpusHex(t, c.ConvertedBSON)
		checkToExtJSON(t, "converted_bson", convB, true, c.ConvertedExtJSON)
		checkFromExtJSON(t, "converted_extjson", c.ConvertedExtJSON, convB, false, c.ConvertedExtJSON, true)
	}
}

// checkToExtJSON asserts that doc written as Extended JSON equals want
// (compared as parsed JSON: same values, same key order).
func checkToExtJSON(t *testing.T, what string, doc []byte, canonical bool, want string) {
	t.Helper()
	got, err := AppendExtJSON(nil, doc, canonical)
	if err != nil {
		t.Errorf("%s -> %s: %v", what, formatName(canonical), err)
		return
	}
	if d := diffJSON(got, []byte(want)); d != "" {
		t.Errorf("%s -> %s: %s\n got: %s\nwant: %s", what, formatName(canonical), d, got, want)
	}
}

// checkFromExtJSON parses js and asserts that the BSON equals wantBSON
// (unless lossy) and writes back as wantJSON in the given format.
func checkFromExtJSON(t *testing.T, what, js string, wantBSON []byte, lossy bool, wantJSON string, canonical bool) {
	t.Helper()
	raw, err := ExtJSONToRaw([]byte(js))
	if err != nil {
		t.Errorf("%s -> BSON: %v", what, err)
		return
	}
	if !lossy && !bytes.Equal(raw, wantBSON) {
		t.Errorf("%s -> BSON:\n got %X\nwant %X", what, []byte(raw), wantBSON)
	}
	checkToExtJSON(t, what+" -> BSON", raw, canonical, wantJSON)
	if canonical {
		// Canonical input also parses when only canonical forms are allowed.
		strict, err := extJSONToRaw([]byte(js), true)
		if err != nil {
			t.Errorf("%s -> BSON, canonical only: %v", what, err)
		} else if !bytes.Equal(strict, raw) {
			t.Errorf("%s -> BSON, canonical only:\n got %X\nwant %X", what, strict, []byte(raw))
		}
	}
}

func formatName(canonical bool) string {
	if canonical {
		return "canonical extended JSON"
	}
	return "relaxed extended JSON"
}

func runCorpusDecodeError(t *testing.T, b []byte) {
	if err := Raw(b).Validate(); err == nil {
		t.Errorf("Validate accepted %X", b)
	}
	out, err := AppendExtJSON(nil, b, true)
	switch {
	case err == nil && !strings.Contains(Raw(b).Validate().Error(), "UTF-8"):
		t.Errorf("AppendExtJSON accepted %X and wrote %s", b, out)
	case err == nil && (!json.Valid(out) || !bytes.Contains(out, []byte(`\ufffd`))):
		// Strings that are not UTF-8 come out with U+FFFD in their place.
		t.Errorf("AppendExtJSON(%X) wrote %s, want valid JSON with \\ufffd", b, out)
	}
	checkNativeDecodeError(t, b)
}

func runCorpusParseError(t *testing.T, bsonType, s string) {
	if bsonType == "0x13" {
		if d, err := ParseDecimal128(s); err == nil {
			t.Errorf("ParseDecimal128(%q) = %v, want an error", s, d)
		}
		js := `{"d": {"$numberDecimal": ` + strconv.Quote(s) + `}}`
		if raw, err := ExtJSONToRaw([]byte(js)); err == nil {
			t.Errorf("ExtJSONToRaw(%s) = %v, want an error", js, raw)
		}
		return
	}
	// The input must be plain JSON, so that the error is an Extended JSON one.
	if !json.Valid([]byte(s)) {
		t.Fatalf("corpus string is not valid JSON: %s", s)
	}
	if raw, err := ExtJSONToRaw([]byte(s)); err == nil {
		t.Errorf("ExtJSONToRaw(%s) = %X, want an error", s, []byte(raw))
	}
}

// diffJSON compares two JSON texts as parsed values, keeping key order;
// it returns "" when they are equal, else where they first differ.
func diffJSON(got, want []byte) string {
	g, err := parseJSON(got)
	if err != nil {
		return "output is not JSON: " + err.Error()
	}
	w, err := parseJSON(want)
	if err != nil {
		return "expected value is not JSON: " + err.Error()
	}
	return diffJSONValue("$", &g, &w)
}

func diffJSONValue(at string, g, w *jsonValue) string {
	if g.kind != w.kind {
		return at + ": got a " + g.kind.String() + ", want a " + w.kind.String()
	}
	switch g.kind {
	case jsonString, jsonBool:
		if g.text != w.text {
			return at + ": got " + strconv.Quote(g.text) + ", want " + strconv.Quote(w.text)
		}
	case jsonNumber:
		if !sameJSONNumber(g, w) {
			return at + ": got number " + g.text + ", want " + w.text
		}
	case jsonArray:
		if len(g.elems) != len(w.elems) {
			return at + ": got " + strconv.Itoa(len(g.elems)) + " elements, want " + strconv.Itoa(len(w.elems))
		}
		for i := range g.elems {
			if d := diffJSONValue(at+"["+strconv.Itoa(i)+"]", &g.elems[i], &w.elems[i]); d != "" {
				return d
			}
		}
	case jsonObject:
		var gk, wk []string
		for _, m := range g.members {
			gk = append(gk, m.key)
		}
		for _, m := range w.members {
			wk = append(wk, m.key)
		}
		if strings.Join(gk, "\x00") != strings.Join(wk, "\x00") {
			return at + ": got keys " + strconv.Quote(strings.Join(gk, ",")) + ", want " + strconv.Quote(strings.Join(wk, ","))
		}
		for i := range g.members {
			if d := diffJSONValue(at+"."+g.members[i].key, &g.members[i].val, &w.members[i].val); d != "" {
				return d
			}
		}
	}
	return ""
}

// sameJSONNumber: integers compare exactly, other numbers as doubles
// (with the sign of zero).
func sameJSONNumber(g, w *jsonValue) bool {
	if g.isInteger() != w.isInteger() {
		return false
	}
	if g.isInteger() {
		gi, err1 := strconv.ParseInt(g.text, 10, 64)
		wi, err2 := strconv.ParseInt(w.text, 10, 64)
		if err1 == nil && err2 == nil {
			return gi == wi
		}
	}
	gf, err1 := strconv.ParseFloat(g.text, 64)
	wf, err2 := strconv.ParseFloat(w.text, 64)
	return err1 == nil && err2 == nil && gf == wf && math.Signbit(gf) == math.Signbit(wf)
}
