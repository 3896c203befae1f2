package bson

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/torque-go/torque/internal/spectest"
)

// fuzzTarget is a struct with a field of most kinds, for FuzzUnmarshal.
type fuzzTarget struct {
	S   string            `bson:"s"`
	I   int32             `bson:"i"`
	L   int64             `bson:"l,minsize"`
	U   uint16            `bson:"u"`
	F   float64           `bson:"f"`
	B   bool              `bson:"b"`
	T   time.Time         `bson:"t"`
	O   ObjectID          `bson:"_id"`
	Bin []byte            `bson:"bin"`
	Arr []string          `bson:"arr"`
	Sub *fuzzTarget       `bson:"sub"`
	M   map[string]any    `bson:"m"`
	Any any               `bson:"any"`
	Raw Raw               `bson:"raw"`
	RV  RawValue          `bson:"rv"`
	Ex  map[string]string `bson:",inline"`
}

// FuzzUnmarshal decodes arbitrary bytes into D, a struct and a map. It
// must never panic, and whatever decodes must marshal, and decode and
// marshal again to the same bytes.
func FuzzUnmarshal(f *testing.F) {
	f.Add(doc(str("s", "x"), i32("i", 1), sub("sub", doc(arr("arr", doc(str("0", "a")))))))
	f.Add(doc(sub("m", doc(dbl("x", 1.5))), null("any"), sub("raw", doc(i64("a", 1)))))
	addUnmarshalCorpusSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		var d D
		if Unmarshal(data, &d) == nil {
			if err := Raw(data).ValidateStructure(); err != nil {
				t.Fatalf("Unmarshal accepted what ValidateStructure refuses: %v", err)
			}
			roundTrip(t, &d, func() any { return new(D) }, true)
		}
		if (Decoder{StrictUTF8: true}).Unmarshal(data, &d) == nil {
			if err := Raw(data).Validate(); err != nil {
				t.Fatalf("strict Unmarshal accepted what Validate refuses: %v", err)
			}
		}
		var s fuzzTarget
		if Unmarshal(data, &s) == nil {
			roundTrip(t, &s, func() any { return new(fuzzTarget) }, s.mapsInOrder())
		}
		var m map[string]any
		if Unmarshal(data, &m) == nil {
			roundTrip(t, m, func() any { return new(map[string]any) }, len(m) <= 1)
		}
		// M, and the documents inside an interface as M too.
		var gm any
		errD := Unmarshal(data, &d)
		if errM := (Decoder{DefaultDocumentM: true}).Unmarshal(data, &gm); (errM == nil) != (errD == nil) {
			t.Fatalf("into D: %v; into M: %v", errD, errM)
		}
	})
}

// mapsInOrder tells whether s marshals to the same bytes every time: Go
// maps iterate in random order, so a map field (M, or the inline Ex) with
// more than one key, at any level, does not.
func (s *fuzzTarget) mapsInOrder() bool {
	for ; s != nil; s = s.Sub {
		if len(s.M) > 1 || len(s.Ex) > 1 {
			return false
		}
	}
	return true
}

// roundTrip marshals v, decodes the bytes into a fresh value, and checks
// that it marshals to the same bytes when exact (v holds no map with more
// than one key), else to as many bytes.
func roundTrip(t *testing.T, v any, fresh func() any, exact bool) {
	b1, err := Marshal(v)
	if err != nil {
		t.Fatalf("Marshal of decoded %T: %v", v, err)
	}
	w := fresh()
	if err := Unmarshal(b1, w); err != nil {
		t.Fatalf("Unmarshal of re-marshaled %X: %v", b1, err)
	}
	b2, err := Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	if exact && !bytes.Equal(b1, b2) {
		t.Fatalf("not stable:\n%X\n%X", b1, b2)
	}
	if len(b1) != len(b2) {
		t.Fatalf("map round trip changed the size: %d, %d", len(b1), len(b2))
	}
}

// addUnmarshalCorpusSeeds adds the documents of the BSON corpus, valid and not, as
// seeds when the corpus is there.
func addUnmarshalCorpusSeeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(spectest.Root(), "bson-corpus", "tests", "*.json"))
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		var cf corpusFile
		if json.Unmarshal(data, &cf) != nil {
			continue
		}
		for _, v := range cf.Valid {
			if b, err := hex.DecodeString(v.CanonicalBSON); err == nil {
				f.Add(b)
			}
		}
		for _, e := range cf.DecodeErrors {
			if b, err := hex.DecodeString(e.BSON); err == nil {
				f.Add(b)
			}
		}
	}
}
