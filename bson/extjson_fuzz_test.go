package bson

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// FuzzExtJSON checks that ExtJSONToRaw never panics, that what it accepts
// is valid BSON, that canonical output parses back to the same bytes, and
// that relaxed output is stable (relaxed -> BSON -> relaxed gives the same
// text). The input is also fed to AppendExtJSON as BSON, which must not
// panic either.
func FuzzExtJSON(f *testing.F) {
	for _, s := range []string{
		`{}`,
		`{"a": 1, "b": [true, null, 2.5, -0.0, 1e300, 9223372036854775808], "c": {"d": "e\u00e9\ud83d\ude00"}}`,
		`{"a": {"$binary": "AQI=", "$type": "2"}, "b": {"$regex": "x", "$options": "mi"}}`,
		`{"a": {"$date": "2012-12-24T13:15:30.5+01:00"}, "b": {"$uuid": "73ffd264-44b3-4c69-90e8-e7d1dfc035d4"}}`,
		`{"a": {"$code": "f", "$scope": {"x": {"$timestamp": {"t": 1, "i": 2}}}}}`,
		`{"a": {"$numberDecimal": "-1.23E+6144"}, "b": {"$numberDouble": "NaN"}, "c": {"$minKey": 1}}`,
		`{"$ref": "c", "$id": {"$oid": "56e1fc72e0c917e9c4714161"}, "$db": "d"}`,
	} {
		f.Add([]byte(s))
	}
	addCorpusSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = AppendExtJSON(nil, data, false)
		raw, err := ExtJSONToRaw(data)
		if err != nil {
			return
		}
		if err := raw.Validate(); err != nil {
			t.Fatalf("ExtJSONToRaw(%q) made invalid BSON %X: %v", data, []byte(raw), err)
		}
		canon, err := AppendExtJSON(nil, raw, true)
		if err != nil {
			t.Fatalf("AppendExtJSON(%X, canonical): %v", []byte(raw), err)
		}
		raw2, err := extJSONToRaw(canon, true)
		if err != nil {
			t.Fatalf("canonical output %s does not parse: %v", canon, err)
		}
		if !bytes.Equal(raw, raw2) {
			t.Fatalf("canonical round trip of %q changed the BSON:\n%X\n%X\nvia %s", data, []byte(raw), raw2, canon)
		}
		relaxed, err := AppendExtJSON(nil, raw, false)
		if err != nil {
			t.Fatalf("AppendExtJSON(%X, relaxed): %v", []byte(raw), err)
		}
		if !json.Valid(relaxed) || !json.Valid(canon) {
			t.Fatalf("output is not JSON:\n%s\n%s", canon, relaxed)
		}
		raw3, err := ExtJSONToRaw(relaxed)
		if err != nil {
			t.Fatalf("relaxed output %s does not parse: %v", relaxed, err)
		}
		relaxed2, err := AppendExtJSON(nil, raw3, false)
		if err != nil || !bytes.Equal(relaxed, relaxed2) {
			t.Fatalf("relaxed output is not stable (%v):\n%s\n%s", err, relaxed, relaxed2)
		}
	})
}

// addCorpusSeeds adds every Extended JSON string of the bson-corpus, when
// the corpus is there; the fuzzer runs on its own seeds otherwise.
func addCorpusSeeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(spectest.Root(), "bson-corpus", "tests", "*.json"))
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		var c corpusFile
		if json.Unmarshal(data, &c) != nil {
			continue
		}
		for _, v := range c.Valid {
			for _, s := range []string{v.CanonicalExtJSON, v.RelaxedExtJSON, v.DegenerateExtJSON, v.ConvertedExtJSON} {
				if s != "" {
					f.Add([]byte(s))
				}
			}
		}
		for _, p := range c.ParseErrors {
			f.Add([]byte(p.String))
		}
	}
}
