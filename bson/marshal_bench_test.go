package bson

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/torque-go/torque/internal/spectest"
)

// Benchmarks with the driver benchmark data sets (specifications:
// source/benchmarking): flat_bson, deep_bson and full_bson, read from
// $MONGO_SPEC_DIR/benchmarking/data/extended_bson.tgz at run time and
// converted from Extended JSON with ExtJSONToRaw. Each encodes and decodes
// into D, Raw (validation and a copy) and a struct written for the data.

var (
	benchDataOnce sync.Once
	benchData     map[string]Raw
	benchDataErr  error
)

// loadBenchDoc returns the BSON of one data set ("flat_bson", ...), or
// "tweet" (single_and_multi_document.tgz's tweet.json, what a find
// returns in the driver benchmarks).
func loadBenchDoc(b testing.TB, name string) Raw {
	b.Helper()
	benchDataOnce.Do(func() {
		if benchData, benchDataErr = readBenchArchive("extended_bson.tgz", ""); benchDataErr == nil {
			var tweet map[string]Raw
			tweet, benchDataErr = readBenchArchive("single_and_multi_document.tgz", "tweet.json")
			benchData["tweet.json"] = tweet["tweet.json"]
		}
	})
	if benchDataErr != nil {
		spectest.SkipOrFail(b, "benchmark data: "+benchDataErr.Error())
	}
	doc, ok := benchData[name+".json"]
	if !ok {
		b.Fatalf("%s.json is not in the benchmark data", name)
	}
	return doc
}

// readBenchArchive converts the .json files of a benchmark data archive,
// or only the one named only.
func readBenchArchive(archive, only string) (map[string]Raw, error) {
	f, err := os.Open(filepath.Join(spectest.Root(), "benchmarking", "data", archive))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	docs := map[string]Raw{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag != tar.TypeReg || path.Ext(h.Name) != ".json" || (only != "" && path.Base(h.Name) != only) {
			continue
		}
		js, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}
		if docs[path.Base(h.Name)], err = ExtJSONToRaw(js); err != nil {
			return nil, err
		}
	}
}

// deepNode matches deep_bson: a binary tree whose leaves hold strings. It
// is a recursive type, compiled once like any other.
type deepNode struct {
	Right      *deepNode `bson:"right,omitempty"`
	Left       *deepNode `bson:"left,omitempty"`
	RightValue string    `bson:"rightValue,omitempty"`
	LeftValue  string    `bson:"leftValue,omitempty"`
}

// benchDecode decodes doc into a new value from newV, b.N times.
func benchDecode(b *testing.B, doc Raw, newV func() any) {
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	b.ResetTimer()
	for range b.N {
		if err := Unmarshal(doc, newV()); err != nil {
			b.Fatal(err)
		}
	}
}

// benchEncode marshals v into a reused buffer, b.N times.
func benchEncode(b *testing.B, v any) {
	buf, err := MarshalAppend(nil, v)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(buf)))
	b.ResetTimer()
	for range b.N {
		if buf, err = MarshalAppend(buf[:0], v); err != nil {
			b.Fatal(err)
		}
	}
}

// benchMarshal calls Marshal (a new slice per call), b.N times.
func benchMarshal(b *testing.B, v any) {
	buf, err := Marshal(v)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(buf)))
	b.ResetTimer()
	for range b.N {
		if _, err := Marshal(v); err != nil {
			b.Fatal(err)
		}
	}
}

func decoded[T any](b testing.TB, doc Raw) *T {
	v := new(T)
	if err := Unmarshal(doc, v); err != nil {
		b.Fatal(err)
	}
	return v
}

var benchSets = []struct {
	name      string
	newStruct func() any
}{
	{"flat_bson", func() any { return new(flatBSON) }},
	{"deep_bson", func() any { return new(deepNode) }},
	{"full_bson", func() any { return new(fullBSON) }},
}

func BenchmarkDecode(b *testing.B) {
	for _, set := range benchSets {
		b.Run(set.name+"/D", func(b *testing.B) {
			benchDecode(b, loadBenchDoc(b, set.name), func() any { return new(D) })
		})
		b.Run(set.name+"/M", func(b *testing.B) {
			benchDecode(b, loadBenchDoc(b, set.name), func() any { return new(M) })
		})
		b.Run(set.name+"/Raw", func(b *testing.B) {
			benchDecode(b, loadBenchDoc(b, set.name), func() any { return new(Raw) })
		})
		b.Run(set.name+"/struct", func(b *testing.B) {
			benchDecode(b, loadBenchDoc(b, set.name), set.newStruct)
		})
	}
}

func BenchmarkEncode(b *testing.B) {
	for _, set := range benchSets {
		b.Run(set.name+"/D", func(b *testing.B) {
			benchEncode(b, *decoded[D](b, loadBenchDoc(b, set.name)))
		})
		b.Run(set.name+"/Raw", func(b *testing.B) {
			benchEncode(b, loadBenchDoc(b, set.name))
		})
		b.Run(set.name+"/struct", func(b *testing.B) {
			v := set.newStruct()
			if err := Unmarshal(loadBenchDoc(b, set.name), v); err != nil {
				b.Fatal(err)
			}
			benchEncode(b, v)
		})
		b.Run(set.name+"/D/Marshal", func(b *testing.B) {
			benchMarshal(b, *decoded[D](b, loadBenchDoc(b, set.name)))
		})
		b.Run(set.name+"/struct/Marshal", func(b *testing.B) {
			v := set.newStruct()
			if err := Unmarshal(loadBenchDoc(b, set.name), v); err != nil {
				b.Fatal(err)
			}
			benchMarshal(b, v)
		})
	}
}

// TestBenchDataRoundTrip checks that the benchmarks measure what they
// claim: every data set decodes into D and into its struct, and both
// marshal back to the original bytes.
func TestBenchDataRoundTrip(t *testing.T) {
	for _, set := range benchSets {
		in := loadBenchDoc(t, set.name)
		for name, v := range map[string]any{"D": new(D), "struct": set.newStruct()} {
			if err := Unmarshal(in, v); err != nil {
				t.Fatalf("%s into %s: %v", set.name, name, err)
			}
			out, err := Marshal(v)
			if err != nil {
				t.Fatalf("%s from %s: %v", set.name, name, err)
			}
			if !bytes.Equal(out, in) {
				t.Errorf("%s through %s changed:\n got %X\nwant %X", set.name, name, out, in)
			}
		}
	}
}

// tweet is a small document of the kind applications store.
type tweet struct {
	ID        ObjectID  `bson:"_id"`
	Text      string    `bson:"text"`
	Author    string    `bson:"author"`
	CreatedAt time.Time `bson:"created_at"`
	Likes     int64     `bson:"likes"`
	Retweets  int32     `bson:"retweets"`
	Tags      []string  `bson:"tags,omitempty"`
	ReplyTo   *ObjectID `bson:"reply_to,omitempty"`
	Sensitive bool      `bson:"sensitive"`
	Place     struct {
		Name string     `bson:"name"`
		Geo  [2]float64 `bson:"geo"`
	} `bson:"place"`
}

func newTweet() tweet {
	tw := tweet{
		ID:        ObjectID{0x65, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
		Text:      "Writing a MongoDB driver from the wire protocol up: today, BSON.",
		Author:    "gopher",
		CreatedAt: time.UnixMilli(1_700_000_000_123).UTC(),
		Likes:     1234,
		Retweets:  56,
		Tags:      []string{"go", "mongodb", "bson"},
	}
	tw.Place.Name = "Lisbon"
	tw.Place.Geo = [2]float64{38.72, -9.14}
	return tw
}

func BenchmarkTweet(b *testing.B) {
	tw := newTweet()
	doc, err := Marshal(&tw)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("encode", func(b *testing.B) { benchEncode(b, &tw) })
	b.Run("decode", func(b *testing.B) {
		benchDecode(b, doc, func() any { return new(tweet) })
	})
}
