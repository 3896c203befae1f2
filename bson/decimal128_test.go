package bson

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// decimalCorpusFile is the part of a bson-corpus decimal128-*.json file that
// the Decimal128 tests read.
type decimalCorpusFile struct {
	Valid []struct {
		Description       string `json:"description"`
		CanonicalBSON     string `json:"canonical_bson"`
		CanonicalExtJSON  string `json:"canonical_extjson"`
		DegenerateExtJSON string `json:"degenerate_extjson"`
		Lossy             bool   `json:"lossy"`
	} `json:"valid"`
	ParseErrors []struct {
		Description string `json:"description"`
		String      string `json:"string"`
	} `json:"parseErrors"`
}

// decimalFromExtJSON returns the string of {"d": {"$numberDecimal": "..."}}.
func decimalFromExtJSON(t *testing.T, ext string) string {
	t.Helper()
	var doc map[string]map[string]string
	if err := json.Unmarshal([]byte(ext), &doc); err != nil {
		t.Fatalf("extjson %s: %v", ext, err)
	}
	s, ok := doc["d"]["$numberDecimal"]
	if !ok {
		t.Fatalf("extjson %s has no d.$numberDecimal", ext)
	}
	return s
}

// decimalFromBSONHex returns the value of element "d" of the hex document.
func decimalFromBSONHex(t *testing.T, h string) Decimal128 {
	t.Helper()
	b, err := hex.DecodeString(h)
	if err != nil {
		t.Fatalf("hex %s: %v", h, err)
	}
	d, ok := Raw(b).Lookup("d").Decimal128()
	if !ok {
		t.Fatalf("bson %s has no decimal d", h)
	}
	return d
}

func TestDecimal128Corpus(t *testing.T) {
	root := spectest.Dir(t, "bson-corpus", "tests")
	files, _ := filepath.Glob(filepath.Join(root, "decimal128-*.json"))
	if len(files) == 0 {
		spectest.SkipOrFail(t, "no decimal128-*.json in "+root)
	}
	cases := 0
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var f decimalCorpusFile
		if err := json.Unmarshal(raw, &f); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		name := filepath.Base(file)
		for _, c := range f.Valid {
			cases++
			t.Run(name+"/"+c.Description, func(t *testing.T) {
				want := decimalFromBSONHex(t, c.CanonicalBSON)
				str := decimalFromExtJSON(t, c.CanonicalExtJSON)
				if got := want.String(); got != str {
					t.Errorf("String() of %s = %q, want %q", c.CanonicalBSON, got, str)
				}
				inputs := []string{str}
				if c.DegenerateExtJSON != "" {
					inputs = append(inputs, decimalFromExtJSON(t, c.DegenerateExtJSON))
				}
				for _, in := range inputs {
					got, err := ParseDecimal128(in)
					if err != nil {
						t.Errorf("ParseDecimal128(%q): %v", in, err)
						continue
					}
					if c.Lossy { // e.g. -NaN: the sign is not kept in the string
						if got.String() != str {
							t.Errorf("ParseDecimal128(%q).String() = %q, want %q", in, got.String(), str)
						}
						continue
					}
					if got != want {
						gh, gl := got.GetBytes()
						wh, wl := want.GetBytes()
						t.Errorf("ParseDecimal128(%q) = %016x %016x, want %016x %016x", in, gh, gl, wh, wl)
					}
				}
			})
		}
		for _, c := range f.ParseErrors {
			cases++
			t.Run(name+"/"+c.Description, func(t *testing.T) {
				if d, err := ParseDecimal128(c.String); err == nil {
					t.Errorf("ParseDecimal128(%q) = %s, want an error", c.String, d)
				} else if !strings.HasPrefix(err.Error(), "bson: ") {
					t.Errorf("error %q does not start with the package prefix", err)
				}
			})
		}
	}
	if cases < 600 {
		t.Errorf("ran only %d decimal128 cases; the corpus has more than 700", cases)
	}
}

func TestDecimal128Accessors(t *testing.T) {
	for _, tc := range []struct {
		in            string
		nan, pos, neg bool
	}{
		{in: "NaN", nan: true},
		{in: "-nan", nan: true},
		{in: "Infinity", pos: true},
		{in: "+inf", pos: true},
		{in: "-Infinity", neg: true},
		{in: "1.5"},
		{in: "-0"},
	} {
		d, err := ParseDecimal128(tc.in)
		if err != nil {
			t.Fatalf("%q: %v", tc.in, err)
		}
		if d.IsNaN() != tc.nan || d.IsInf(1) != tc.pos || d.IsInf(-1) != tc.neg || d.IsInf(0) != (tc.pos || tc.neg) {
			t.Errorf("%q: IsNaN=%v IsInf(1)=%v IsInf(-1)=%v", tc.in, d.IsNaN(), d.IsInf(1), d.IsInf(-1))
		}
	}
	d := NewDecimal128(0x3040000000000000, 12345)
	if h, l := d.GetBytes(); h != 0x3040000000000000 || l != 12345 {
		t.Errorf("GetBytes = %x %x", h, l)
	}
	if d.String() != "12345" {
		t.Errorf("String = %q, want 12345", d.String())
	}
	text, _ := d.MarshalText()
	var back Decimal128
	if err := back.UnmarshalText(text); err != nil || back != d {
		t.Errorf("text round trip: %q -> %v, %v", text, back, err)
	}
	if err := back.UnmarshalText([]byte("1..2")); err == nil {
		t.Error("UnmarshalText(1..2) succeeded")
	}
}

func TestDecimal128ParseEdges(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"0E+9223372036854775807", "0E+6111"}, // zero: clamped while the exponent fits int64
		{"-0E-999999999", "-0E-6176"},
		{"1" + strings.Repeat("0", 200), "1.000000000000000000000000000000000E+200"},
		{"0." + strings.Repeat("0", 300) + "1", "1E-301"},
		{"10E-6177", "1E-6176"},
		{"1E+6112", "1.0E+6112"},
	} {
		d, err := ParseDecimal128(tc.in)
		if err != nil {
			t.Errorf("ParseDecimal128(%.40q): %v", tc.in, err)
			continue
		}
		if d.String() != tc.want {
			t.Errorf("ParseDecimal128(%.40q) = %s, want %s", tc.in, d, tc.want)
		}
	}
	for _, in := range []string{
		"", "+", "-", ".", "E5", "1E", "1E+", "1e--5", " 1", "1 ", "1.2.3", "0x10", "NaN1", "Infinit", "1" + strings.Repeat("0", 100) + "1",
		"1E+6145", "1E-6177", "1234567890123456789012345678901234E+6112",
		// an exponent beyond int64 (the official driver refuses these too)
		"0E-61400000000000000004", "0E+999999999999999999999", "-0E-999999999999999999999", "0E+9223372036854775808",
	} {
		if d, err := ParseDecimal128(in); err == nil {
			t.Errorf("ParseDecimal128(%.40q) = %s, want an error", in, d)
		}
	}
}
