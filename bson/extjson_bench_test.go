package bson

import "testing"

// benchExtJSON is a small document with the common types.
const benchExtJSON = `{"_id": {"$oid": "57e193d7a9cc81b4027498b5"}, "name": "torque", "count": 42,
	"big": {"$numberLong": "1234567890123"}, "score": 3.25, "when": {"$date": "2012-12-24T12:15:30.501Z"},
	"tags": ["a", "b", "c"], "nested": {"x": true, "y": null, "z": {"$binary": {"base64": "AQIDBA==", "subType": "00"}}}}`

func BenchmarkExtJSONToRaw(b *testing.B) {
	data := []byte(benchExtJSON)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for range b.N {
		if _, err := ExtJSONToRaw(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendExtJSON(b *testing.B) {
	doc, err := ExtJSONToRaw([]byte(benchExtJSON))
	if err != nil {
		b.Fatal(err)
	}
	for _, format := range []string{"relaxed", "canonical"} {
		canonical := format == "canonical"
		b.Run(format, func(b *testing.B) {
			var buf []byte
			b.ReportAllocs()
			b.SetBytes(int64(len(doc)))
			for range b.N {
				if buf, err = AppendExtJSON(buf[:0], doc, canonical); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
