package bson

import (
	"reflect"
	"sync"
	"testing"
)

func TestParseStructTags(t *testing.T) {
	cases := []struct {
		name string
		tag  reflect.StructTag
		want structTags
	}{
		{"UserID", ``, structTags{Name: "userid"}},
		{"A", `bson:"x"`, structTags{Name: "x"}},
		{"A", `bson:"-"`, structTags{Name: "a", Skip: true}},
		{"A", `bson:"-,"`, structTags{Name: "-"}}, // the key "-", as in the official driver
		{"A", `bson:",omitempty,minsize"`, structTags{Name: "a", OmitEmpty: true, MinSize: true}},
		{"A", `bson:"y,omitzero,truncate,inline"`, structTags{Name: "y", OmitZero: true, Truncate: true, Inline: true}},
		{"A", `json:"j"`, structTags{Name: "a"}},                               // other libraries' tags are ignored
		{"A", `legacy,omitempty`, structTags{Name: "legacy", OmitEmpty: true}}, // a bare tag is the bson tag
		{"A", `bson:"z,unknownopt"`, structTags{Name: "z"}},
	}
	for _, c := range cases {
		got := parseStructTags(reflect.StructField{Name: c.name, Tag: c.tag}, false)
		if got != c.want {
			t.Errorf("%s `%s`: got %+v, want %+v", c.name, c.tag, got, c.want)
		}
	}
}

type withUnexportedEmbed struct {
	Name    string           `bson:"name"`
	address `bson:",inline"` // unexported: skipped although inline
	other                    // unexported, not inline: skipped
}

type address struct{ City string }
type other struct{ Ignored string }

// TestUnexportedEmbedded checks that unexported embedded structs are
// skipped, inline or not, both ways, as in the official driver.
func TestUnexportedEmbedded(t *testing.T) {
	v := withUnexportedEmbed{Name: "n", address: address{"c"}, other: other{"i"}}
	want := doc(str("name", "n"))
	if got := mustMarshal(t, &v); string(got) != string(want) {
		t.Fatalf("got %X, want %X", got, want)
	}
	var out withUnexportedEmbed
	if err := Unmarshal(doc(str("name", "n"), str("city", "c")), &out); err != nil || out.City != "" || out.Name != "n" {
		t.Fatalf("got %+v, %v", out, err)
	}
}

// Codecs are compiled on first use from many goroutines at once; run with
// -race.
func TestCodecCacheConcurrent(t *testing.T) {
	type a struct{ X []map[string]*cyclic }
	type b struct {
		A a
		N cyclic
	}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := b{A: a{X: []map[string]*cyclic{{"k": {Name: "x"}}}}, N: cyclic{Name: "y"}}
			data, err := Marshal(&v)
			if err != nil {
				t.Error(err)
				return
			}
			var out b
			if err := Unmarshal(data, &out); err != nil || out.A.X[0]["k"].Name != "x" || out.N.Name != "y" {
				t.Errorf("got %+v, %v", out, err)
			}
		}()
	}
	wg.Wait()
	if _, ok := codecCache.Load(codecKey{reflect.TypeFor[cyclic](), codecFlags{}}); !ok {
		t.Error("the codec of cyclic was not cached")
	}
}
