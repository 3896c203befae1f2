package bson

import "testing"

// coreBenchDoc builds a document of about 1 KB shaped like a typical
// record: scalar fields, a nested document and an array.
func coreBenchDoc(tb testing.TB) Raw {
	tb.Helper()
	start, d := AppendDocumentStart(nil)
	d = AppendObjectIDElement(d, "_id", NewObjectID())
	for _, k := range []string{"name", "email", "street", "city", "country", "company", "title", "department"} {
		d = AppendStringElement(d, k, "some value of moderate length for "+k)
	}
	d = AppendInt64Element(d, "createdAt", 1700000000000)
	d = AppendBooleanElement(d, "active", true)
	d = AppendDoubleElement(d, "score", 98.6)
	sub, d := AppendDocumentElementStart(d, "profile")
	for _, k := range []string{"bio", "website", "phone", "timezone"} {
		d = AppendStringElement(d, k, "nested value for "+k)
	}
	d = AppendInt32Element(d, "age", 42)
	d, _ = AppendDocumentEnd(d, sub)
	arr, d := AppendArrayElementStart(d, "history")
	for i := range 30 {
		d = AppendInt32Element(d, ArrayKey(i), int32(i*i))
	}
	d, _ = AppendDocumentEnd(d, arr)
	d = AppendStringElement(d, "last", "the final field")
	d, err := AppendDocumentEnd(d, start)
	if err != nil {
		tb.Fatal(err)
	}
	if len(d) < 900 || len(d) > 1200 {
		tb.Fatalf("bench document is %d bytes, want about 1 KB", len(d))
	}
	return d
}

func BenchmarkRawLookup(b *testing.B) {
	doc := coreBenchDoc(b)
	b.Run("last-key", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		for range b.N {
			if doc.Lookup("last").Type != TypeString {
				b.Fatal("not found")
			}
		}
	})
	b.Run("nested-path", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		for range b.N {
			if doc.Lookup("history", "29").Type != TypeInt32 {
				b.Fatal("not found")
			}
		}
	})
}

func BenchmarkRawValidate(b *testing.B) {
	doc := coreBenchDoc(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	for range b.N {
		if err := doc.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendDocument(b *testing.B) {
	buf := make([]byte, 0, 256)
	oid := NewObjectID()
	b.ReportAllocs()
	for range b.N {
		start, d := AppendDocumentStart(buf[:0])
		d = AppendStringElement(d, "insert", "collection")
		d = AppendBooleanElement(d, "ordered", true)
		d = AppendStringElement(d, "$db", "test")
		d = AppendObjectIDElement(d, "_id", oid)
		d, _ = AppendDocumentEnd(d, start)
		buf = d
	}
}

// BenchmarkValidate checks the benchmark data sets with Validate (the
// full check) and ValidateStructure (framing only, no UTF-8): the
// tweet-shaped coreBenchDoc, the three extended BSON sets, and the tweet
// that the driver benchmarks find (each document of a reply is one).
func BenchmarkValidate(b *testing.B) {
	for _, set := range []string{"core", "flat_bson", "deep_bson", "full_bson", "tweet"} {
		for _, check := range []struct {
			name string
			f    func(Raw) error
		}{{"Validate", Raw.Validate}, {"Structure", Raw.ValidateStructure}} {
			b.Run(set+"/"+check.name, func(b *testing.B) {
				doc := coreBenchDoc(b)
				if set != "core" {
					doc = loadBenchDoc(b, set)
				}
				b.ReportAllocs()
				b.SetBytes(int64(len(doc)))
				for range b.N {
					if err := check.f(doc); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
