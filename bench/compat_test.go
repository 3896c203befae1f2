package bench

import (
	"bytes"
	"encoding/json"
	"net/url"
	"reflect"
	"testing"
	"time"

	obson "go.mongodb.org/mongo-driver/v2/bson"

	"github.com/torque-go/torque/bson"
)

// The cross-check of issue 14: torque's bson against the official
// driver's, on the values where torque follows the official driver (the
// bson package's compat_test.go checks the same from hex). Each value is
// marshaled by both (the bytes must be equal, or both must fail), and each
// document is decoded by both into the same Go type (the values must be
// equal, or both must fail).

type (
	xInner     struct{ A int32 }
	xInlinePtr struct {
		X *xInner `bson:",inline"`
		B int32
	}
	xByte        byte
	xUnexpInline struct {
		xInner2 `bson:",inline"`
		D       int32
	}
	xInner2 struct{ C int32 }
	xVM     struct{ A int32 }
	xPtrZ   struct{ A int32 }
	xValZ   struct{ A int32 }
)

func (p *xVM) MarshalBSONValue() (byte, []byte, error) { return 0x02, []byte{2, 0, 0, 0, 'x', 0}, nil }
func (p *xPtrZ) IsZero() bool                          { return true }
func (xValZ) IsZero() bool                             { return true }

func TestCompatMarshal(t *testing.T) {
	u, _ := url.Parse("http://x/y?z")
	values := map[string]any{
		"json.Number int":    struct{ N json.Number }{"5"},
		"json.Number float":  struct{ N json.Number }{"5.5"},
		"json.Number big":    struct{ N json.Number }{"99999999999999999999"},
		"json.Number bad":    struct{ N json.Number }{"abc"},
		"url.URL":            struct{ U url.URL }{*u},
		"*url.URL":           struct{ U *url.URL }{u},
		"nil *url.URL":       struct{ U *url.URL }{},
		"uintptr":            struct{ U uintptr }{5},
		"inline pointer":     xInlinePtr{&xInner{1}, 2},
		"inline nil pointer": xInlinePtr{nil, 2},
		"[4]byte":            struct{ B [4]byte }{[4]byte{1, 2, 3, 4}},
		"[]namedByte":        struct{ B []xByte }{[]xByte{1, 2}},
		"[2]namedByte":       struct{ B [2]xByte }{[2]xByte{1, 2}},
		"nil bad-key map":    struct{ M map[float64]string }{},
		"bad-key map":        struct{ M map[float64]string }{map[float64]string{1: "a"}},
		"tag inline": struct {
			I xInner `bson:"inline"`
		}{xInner{1}},
		"tag omitempty": struct {
			I int32 `bson:"omitempty"`
		}{},
		"tag minsize": struct {
			I int64 `bson:"minsize"`
		}{1},
		"ptr hook by value":  struct{ V xVM }{xVM{1}},
		"ptr hook by ptr":    &struct{ V xVM }{xVM{1}},
		"ptr hook top value": xVM{1},
		"ptr hook in slice":  struct{ V []xVM }{[]xVM{{1}}},
		"ptr IsZero": struct {
			Z xPtrZ `bson:",omitempty"`
		}{xPtrZ{1}},
		"ptr IsZero by ptr": &struct {
			Z xPtrZ `bson:",omitempty"`
		}{xPtrZ{1}},
		"value IsZero": struct {
			Z xValZ `bson:",omitempty"`
		}{xValZ{1}},
		"*T IsZero": struct {
			Z *xPtrZ `bson:",omitempty"`
		}{&xPtrZ{1}},
		"unexported inline": xUnexpInline{xInner2{1}, 2},
	}
	for name, v := range values {
		want, oerr := obson.Marshal(v)
		got, terr := bson.Marshal(v)
		if (oerr == nil) != (terr == nil) || !bytes.Equal(got, want) {
			t.Errorf("%s: torque %x, %v; official %x, %v", name, got, terr, want, oerr)
		}
	}
	// Named document types of each driver's own D.
	type tFilter bson.D
	type oFilter obson.D
	got, terr := bson.Marshal(struct{ F tFilter }{tFilter{{Key: "a", Value: int32(1)}}})
	want, oerr := obson.Marshal(struct{ F oFilter }{oFilter{{Key: "a", Value: int32(1)}}})
	if terr != nil || oerr != nil || !bytes.Equal(got, want) {
		t.Errorf("named D: torque %x, %v; official %x, %v", got, terr, want, oerr)
	}
}

func TestCompatUnmarshal(t *testing.T) {
	d := func(k string, v any) []byte {
		b, err := obson.Marshal(obson.D{{Key: k, Value: v}})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	oid := obson.ObjectID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	when := time.Date(2024, 5, 6, 7, 8, 9, 123e6, time.UTC)
	cases := []struct {
		name string
		in   []byte
		newV func() any
	}{
		{"key case", d("Name", "Ada"), func() any { return new(struct{ Name string }) }},
		{"key case tagged", d("Name", "Ada"), func() any {
			return new(struct {
				N string `bson:"NAME"`
			})
		}},
		{"inline pointer", d("a", int32(1)), func() any { return new(xInlinePtr) }},
		{"inline pointer absent", d("b", int32(1)), func() any { return new(xInlinePtr) }},
		{"[4]byte from binary", d("b", []byte{1, 2}), func() any { return new(struct{ B [4]byte }) }},
		{"[2]byte from long binary", d("b", []byte{1, 2, 3}), func() any { return new(struct{ B [2]byte }) }},
		{"[4]byte from array", d("b", obson.A{int32(1), int32(2)}), func() any { return new(struct{ B [4]byte }) }},
		{"[]namedByte from array", d("b", obson.A{int32(3)}), func() any { return new(struct{ B []xByte }) }},
		{"null bad-key map", d("m", nil), func() any { return new(struct{ M map[float64]string }) }},
		{"empty bad-key map", d("m", obson.D{}), func() any { return new(struct{ M map[float64]string }) }},
		{"bad-key map", d("m", obson.D{{Key: "1", Value: "a"}}), func() any { return new(struct{ M map[float64]string }) }},
		{"null into array", d("a", nil), func() any { return &struct{ A [2]int }{[2]int{1, 2}} }},
		{"tag truncate", d("truncate", 1.5), func() any {
			return new(struct {
				I int64 `bson:"truncate"`
			})
		}},
		{"unexported inline", d("c", int32(1)), func() any { return new(xUnexpInline) }},
		{"int32 to bool", d("v", int32(2)), func() any { return new(struct{ V bool }) }},
		{"double to bool", d("v", 0.0), func() any { return new(struct{ V bool }) }},
		{"bool to int", d("v", true), func() any { return new(struct{ V int16 }) }},
		{"bool to uint", d("v", true), func() any { return new(struct{ V uint32 }) }},
		{"bool to float", d("v", true), func() any { return new(struct{ V float64 }) }},
		{"string to []byte", d("v", "ab"), func() any { return new(struct{ V []byte }) }},
		{"binary to string", d("v", []byte("ab")), func() any { return new(struct{ V string }) }},
		{"binary 4 to string", d("v", obson.Binary{Subtype: 4, Data: []byte("ab")}), func() any { return new(struct{ V string }) }},
		{"int64 to time", d("v", when.UnixMilli()), func() any { return new(struct{ V time.Time }) }},
		{"string to time", d("v", "2024-05-06T09:08:09.123+02:00"), func() any { return new(struct{ V time.Time }) }},
		{"bad string to time", d("v", "yesterday"), func() any { return new(struct{ V time.Time }) }},
		{"timestamp to time", d("v", obson.Timestamp{T: 1714979289, I: 7}), func() any { return new(struct{ V time.Time }) }},
		{"json.Number from int32", d("n", int32(5)), func() any { return new(struct{ N json.Number }) }},
		{"json.Number from double", d("n", 0.000001), func() any { return new(struct{ N json.Number }) }},
		{"json.Number from string", d("n", "5"), func() any { return new(struct{ N json.Number }) }},
		{"url.URL from string", d("u", "http://x/y?z"), func() any { return new(struct{ U *url.URL }) }},
		{"empty binary", d("b", []byte{}), func() any { return new(struct{ B []byte }) }},
	}
	for _, c := range cases {
		got, want := c.newV(), c.newV()
		terr, oerr := bson.Unmarshal(c.in, got), obson.Unmarshal(c.in, want)
		if (terr == nil) != (oerr == nil) || (terr == nil && !reflect.DeepEqual(got, want)) {
			t.Errorf("%s: torque %+v, %v; official %+v, %v", c.name, got, terr, want, oerr)
		}
	}
	// A deliberate difference: the official driver turns a double out of
	// the int64 range into math.MinInt64; torque refuses it.
	var lossy struct{ V int64 }
	if terr, oerr := bson.Unmarshal(d("v", -1e300), &lossy), obson.Unmarshal(d("v", -1e300), &lossy); terr == nil || oerr != nil {
		t.Errorf("-1e300 into int64: torque %v (want an error), official %v", terr, oerr)
	}
	// ObjectID from strings, into each driver's own ObjectID.
	for _, s := range []string{oid.Hex(), string(oid[:]), "0123"} {
		var tv struct{ V bson.ObjectID }
		var ov struct{ V obson.ObjectID }
		terr, oerr := bson.Unmarshal(d("v", s), &tv), obson.Unmarshal(d("v", s), &ov)
		if (terr == nil) != (oerr == nil) || tv.V != bson.ObjectID(ov.V) {
			t.Errorf("ObjectID from %q: torque %v, %v; official %v, %v", s, tv.V, terr, ov.V, oerr)
		}
	}
	// Into an interface that holds a pointer.
	tp, op := &xInner{}, &xInner{}
	tv, ov := struct{ X any }{tp}, struct{ X any }{op}
	in := d("x", obson.D{{Key: "a", Value: int32(7)}})
	if terr, oerr := bson.Unmarshal(in, &tv), obson.Unmarshal(in, &ov); terr != nil || oerr != nil || *tp != *op || tv.X != any(tp) {
		t.Errorf("any holding *T: torque %+v, %v; official %+v, %v", tp, terr, op, oerr)
	}
}
