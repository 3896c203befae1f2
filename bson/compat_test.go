package bson

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The tests of this file compare torque with the official Go driver
// (go.mongodb.org/mongo-driver/v2 v2.10.0, issue 14): every hex string
// below is what the official driver writes for the value, or what it
// decodes the value from. bench/compat_test.go checks the same values
// against the official driver itself.

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkMarshal checks that Marshal(v) gives the official driver's bytes.
func checkMarshal(t *testing.T, v any, wantHex string) {
	t.Helper()
	got, err := Marshal(v)
	if err != nil {
		t.Errorf("Marshal(%#v): %v, want %s", v, err, wantHex)
		return
	}
	if hex.EncodeToString(got) != wantHex {
		t.Errorf("Marshal(%#v) = %x, want %s", v, got, wantHex)
	}
}

// Item 1: a key that matches no field is looked up again in lower case.
func TestCompatKeyCaseFallback(t *testing.T) {
	in := unhex(t, "13000000024e616d6500040000004164610000") // {"Name": "Ada"}
	var v struct{ Name string }
	if err := Unmarshal(in, &v); err != nil || v.Name != "Ada" {
		t.Errorf("into struct{ Name string }: %+v, %v", v, err)
	}
	var tagged struct { // only the key is lowered: "name" is not "NAME"
		N string `bson:"NAME"`
	}
	if err := Unmarshal(in, &tagged); err != nil || tagged.N != "" {
		t.Errorf("into a field tagged NAME: %+v, %v", tagged, err)
	}
	var both struct{ Name, Other string }
	if err := Unmarshal(doc(str("name", "exact"), str("OTHER", "x"), str("Ünï", "u")), &both); err != nil ||
		both.Name != "exact" || both.Other != "x" {
		t.Errorf("exact and upper-case keys: %+v, %v", both, err)
	}
}

type compatFilter D
type compatFields []E

// Item 2: named document types are documents.
func TestCompatNamedD(t *testing.T) {
	const field = "140000000366000c000000106100010000000000" // {f: {a: 1}}
	checkMarshal(t, struct{ F compatFilter }{compatFilter{{"a", int32(1)}}}, field)
	checkMarshal(t, struct{ F compatFields }{compatFields{{"a", int32(1)}}}, field)
	checkMarshal(t, struct{ F []E }{[]E{{"a", int32(1)}}}, field)
	checkMarshal(t, compatFilter{{"a", int32(1)}}, "0c0000001061000100000000")
	checkMarshal(t, []E{{"a", int32(1)}}, "0c0000001061000100000000")
	var back struct {
		F compatFilter
	}
	if err := Unmarshal(unhex(t, field), &back); err != nil || !reflect.DeepEqual(back.F, compatFilter{{"a", int32(1)}}) {
		t.Errorf("decode: %#v, %v", back, err)
	}
	var top compatFields
	if err := Unmarshal(unhex(t, "0c0000001061000100000000"), &top); err != nil || !reflect.DeepEqual(top, compatFields{{"a", int32(1)}}) {
		t.Errorf("decode top: %#v, %v", top, err)
	}
}

// Item 3: json.Number is a number, url.URL a string, uintptr an error.
func TestCompatStdlibTypes(t *testing.T) {
	checkMarshal(t, struct{ N json.Number }{"5"}, "10000000126e00050000000000000000")
	checkMarshal(t, struct{ N json.Number }{"5.5"}, "10000000016e00000000000000164000")
	checkMarshal(t, struct{ N json.Number }{"1e3"}, "10000000016e000000000000408f4000")
	checkMarshal(t, struct{ N json.Number }{"99999999999999999999"}, "10000000016e00408cb5781daf154400")
	checkMarshal(t, struct {
		N json.Number `bson:"n,minsize"`
	}{"5"}, "0c000000106e000500000000")
	u, _ := url.Parse("http://x/y?z")
	checkMarshal(t, struct{ U url.URL }{*u}, "190000000275000d000000687474703a2f2f782f793f7a0000")
	checkMarshal(t, struct{ U *url.URL }{u}, "190000000275000d000000687474703a2f2f782f793f7a0000")
	checkMarshal(t, &struct{ U url.URL }{*u}, "190000000275000d000000687474703a2f2f782f793f7a0000")
	checkMarshal(t, struct{ U *url.URL }{}, "080000000a750000")
	for _, v := range []any{struct{ N json.Number }{"abc"}, struct{ U uintptr }{5}} {
		var me *MarshalError
		if _, err := Marshal(v); !errors.As(err, &me) {
			t.Errorf("Marshal(%#v) = %v, want a *MarshalError", v, err)
		}
	}
	for in, want := range map[string]json.Number{
		"0c000000106e000500000000":         "5",
		"10000000126e00050000000000000000": "5",
		"10000000016e00000000000000164000": "5.5",
	} {
		var v struct{ N json.Number }
		if err := Unmarshal(unhex(t, in), &v); err != nil || v.N != want {
			t.Errorf("json.Number from %s: %q, %v; want %q", in, v.N, err, want)
		}
	}
	var n struct{ N json.Number }
	if err := Unmarshal(doc(str("n", "5")), &n); err == nil {
		t.Errorf("json.Number from a string: %q, want an error", n.N)
	}
	var uv struct {
		U  *url.URL
		V  url.URL
		NU *url.URL
	}
	if err := Unmarshal(doc(str("u", "http://x/y?z"), str("v", "mongodb://h/db"), null("nu")), &uv); err != nil ||
		uv.U.String() != "http://x/y?z" || uv.V.Host != "h" || uv.NU != nil {
		t.Errorf("url.URL from strings: %+v, %v", uv, err)
	}
	var bad struct{ U uintptr }
	if err := Unmarshal(doc(i32("u", 1)), &bad); err == nil {
		t.Error("uintptr decoded, want an error")
	}
}

type compatInner struct{ A int32 }
type compatInlinePtr struct {
	X *compatInner `bson:",inline"`
	B int32
}

// Item 4: an inlined pointer to a struct.
func TestCompatInlinePointer(t *testing.T) {
	checkMarshal(t, compatInlinePtr{&compatInner{1}, 2}, "13000000106100010000001062000200000000")
	checkMarshal(t, compatInlinePtr{nil, 2}, "0c0000001062000200000000")
	var v compatInlinePtr
	if err := Unmarshal(unhex(t, "13000000106100010000001062000200000000"), &v); err != nil || v.X == nil || v.X.A != 1 || v.B != 2 {
		t.Errorf("decode: %+v, %v", v, err)
	}
	v = compatInlinePtr{}
	if err := Unmarshal(unhex(t, "0c0000001062000200000000"), &v); err != nil || v.X != nil || v.B != 2 {
		t.Errorf("decode without the inlined keys: %+v, %v (want X nil)", v, err)
	}
}

type compatByte byte

// Item 5: [N]byte is binary, []namedByte an array; both read both forms.
func TestCompatByteArrays(t *testing.T) {
	type arr struct {
		B [4]byte `bson:"ba"`
	}
	type named struct {
		B []compatByte `bson:"bb"`
	}
	const binHex, arrHex = "120000000562610004000000000102030400", "15000000046262000c000000103000030000000000"
	checkMarshal(t, arr{[4]byte{1, 2, 3, 4}}, binHex)
	checkMarshal(t, named{[]compatByte{3}}, arrHex)
	checkMarshal(t, struct{ B [2]compatByte }{[2]compatByte{1, 2}}, "1b0000000462001300000010300001000000103100020000000000")
	var a arr
	if err := Unmarshal(unhex(t, binHex), &a); err != nil || a.B != [4]byte{1, 2, 3, 4} {
		t.Errorf("[4]byte from binary: %v, %v", a.B, err)
	}
	if err := Unmarshal(doc(arr2("ba", 1, 2)), &a); err != nil || a.B != [4]byte{1, 2, 0, 0} {
		t.Errorf("[4]byte from an array: %v, %v", a.B, err)
	}
	if err := Unmarshal(doc(binElem("ba", 0, []byte{9, 8})), &a); err != nil || a.B != [4]byte{9, 8, 0, 0} {
		t.Errorf("[4]byte from 2 bytes of binary: %v, %v", a.B, err)
	}
	for _, in := range [][]byte{doc(binElem("ba", 0, []byte{1, 2, 3, 4, 5})), doc(binElem("ba", 4, []byte{1}))} {
		if err := Unmarshal(in, &a); err == nil {
			t.Errorf("[4]byte from %x: no error", in)
		}
	}
	var n named
	if err := Unmarshal(unhex(t, arrHex), &n); err != nil || !reflect.DeepEqual(n.B, []compatByte{3}) {
		t.Errorf("[]compatByte from an array: %v, %v", n.B, err)
	}
	if err := Unmarshal(doc(binElem("bb", 0, []byte{7, 6})), &n); err != nil || !reflect.DeepEqual(n.B, []compatByte{7, 6}) {
		t.Errorf("[]compatByte from binary: %v, %v", n.B, err)
	}
}

func arr2(key string, a, b int32) func([]byte) []byte {
	return arr(key, doc(i32("0", a), i32("1", b)))
}

func binElem(key string, sub byte, data []byte) func([]byte) []byte {
	return func(b []byte) []byte { return AppendBinaryElement(b, key, sub, data) }
}

// Item 6: into an interface that holds a pointer.
func TestCompatInterfaceHoldsPointer(t *testing.T) {
	// The official driver: {"x":{"a":7}} into struct{X any}{&T{}} fills the T.
	p := &compatInner{}
	v := struct{ X any }{p}
	if err := Unmarshal(doc(sub("x", doc(i32("a", 7)))), &v); err != nil || v.X != any(p) || p.A != 7 {
		t.Errorf("into any holding *T: %#v (%+v), %v", v.X, p, err)
	}
	n := new(int32)
	w := struct{ X any }{n}
	if err := Unmarshal(doc(i32("x", 7)), &w); err != nil || w.X != any(n) || *n != 7 {
		t.Errorf("into any holding *int32: %#v, %v", w.X, err)
	}
	if err := Unmarshal(doc(null("x")), &v); err != nil || v.X != any(p) || p.A != 0 {
		t.Errorf("null into any holding *T: %#v (%+v), %v; want the T zeroed", v.X, p, err)
	}
	var top any = p // at the top level too (a deliberate difference: the official driver makes a D)
	if err := Unmarshal(doc(i32("a", 9)), &top); err != nil || top != any(p) || p.A != 9 {
		t.Errorf("top-level any holding *T: %#v, %v", top, err)
	}
	s := struct{ X any }{compatInner{}} // not a pointer: replaced
	if err := Unmarshal(doc(sub("x", doc(i32("a", 7)))), &s); err != nil || !reflect.DeepEqual(s.X, D{{"a", int32(7)}}) {
		t.Errorf("into any holding a struct: %#v, %v", s.X, err)
	}
}

// Items 7 and 8: null into a map with a key type that has no BSON form,
// and into an array.
func TestCompatNulls(t *testing.T) {
	type m struct{ M map[float64]string }
	checkMarshal(t, m{}, "080000000a6d0000")
	if _, err := Marshal(m{map[float64]string{1: "a"}}); err == nil {
		t.Error("map[float64]string with an entry: no error")
	}
	v := m{map[float64]string{1: "a"}}
	if err := Unmarshal(unhex(t, "080000000a6d0000"), &v); err != nil || v.M != nil {
		t.Errorf("null into map[float64]string: %v, %v", v.M, err)
	}
	if err := Unmarshal(doc(sub("m", doc())), &v); err != nil || v.M == nil || len(v.M) != 0 {
		t.Errorf("{} into map[float64]string: %v, %v", v.M, err)
	}
	if err := Unmarshal(doc(sub("m", doc(str("1", "a")))), &v); err == nil {
		t.Error("a document with an entry into map[float64]string: no error")
	}
	a := struct{ A [2]int }{[2]int{1, 2}}
	if err := Unmarshal(doc(null("a")), &a); err != nil || a.A != [2]int{} {
		t.Errorf("null into [2]int: %v, %v", a.A, err)
	}
}

// Item 9: a tag without a leading comma is a key and an option.
func TestCompatTagWords(t *testing.T) {
	checkMarshal(t, struct {
		I compatInner `bson:"inline"`
	}{compatInner{1}}, "0c0000001061000100000000")
	checkMarshal(t, struct {
		I int32 `bson:"omitempty"`
	}{}, "0500000000")
	checkMarshal(t, struct {
		I int64 `bson:"minsize"`
	}{1}, "12000000106d696e73697a65000100000000")
	var tr struct {
		I int64 `bson:"truncate"`
	}
	if err := Unmarshal(doc(dbl("truncate", 1.5)), &tr); err != nil || tr.I != 1 {
		t.Errorf("truncate: %v, %v", tr.I, err)
	}
}

type compatVM struct{ A int32 }

func (p *compatVM) MarshalBSONValue() (byte, []byte, error) {
	return byte(TypeString), []byte{2, 0, 0, 0, 'x', 0}, nil
}

type compatPtrZero struct{ A int32 }

func (p *compatPtrZero) IsZero() bool { return true }

type compatValZero struct{ A int32 }

func (compatValZero) IsZero() bool { return true }

// Item 10: hooks on the pointer run only where the value is addressable;
// an IsZero on the pointer is not asked by omitempty.
func TestCompatPointerHooks(t *testing.T) {
	const plain, hooked = "140000000376000c000000106100010000000000", "0e00000002760002000000780000"
	checkMarshal(t, struct{ V compatVM }{compatVM{1}}, plain)
	checkMarshal(t, &struct{ V compatVM }{compatVM{1}}, hooked)
	checkMarshal(t, compatVM{1}, "0c0000001061000100000000")
	checkMarshal(t, D{{"v", compatVM{1}}}, plain)
	checkMarshal(t, struct{ V []compatVM }{[]compatVM{{1}}}, "160000000476000e0000000230000200000078000000")
	checkMarshal(t, struct {
		Z compatPtrZero `bson:",omitempty"`
	}{compatPtrZero{1}}, "14000000037a000c000000106100010000000000")
	checkMarshal(t, &struct {
		Z compatPtrZero `bson:",omitempty"`
	}{compatPtrZero{1}}, "14000000037a000c000000106100010000000000")
	checkMarshal(t, struct {
		Z compatValZero `bson:",omitempty"`
	}{compatValZero{1}}, "0500000000")
	checkMarshal(t, struct {
		Z *compatPtrZero `bson:",omitempty"`
	}{&compatPtrZero{1}}, "0500000000")
	checkMarshal(t, struct { // omitzero is encoding/json's: it asks the pointer
		Z compatPtrZero `bson:",omitzero"`
	}{compatPtrZero{1}}, "0500000000")
}

// Item 11: the lossless conversions, and StrictTypes.
func TestCompatConversions(t *testing.T) {
	oid := ObjectID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	when := time.Date(2024, 5, 6, 7, 8, 9, 123e6, time.UTC)
	cases := []struct {
		in   []byte
		v    any
		want any
	}{
		{doc(i32("v", 2)), new(bool), true},
		{doc(i64("v", 0)), new(bool), false},
		{doc(dbl("v", 0.5)), new(bool), true},
		{doc(boolean("v", true)), new(int8), int8(1)},
		{doc(boolean("v", true)), new(uint), uint(1)},
		{doc(boolean("v", false)), new(int64), int64(0)},
		{doc(boolean("v", true)), new(float32), float32(1)},
		{doc(str("v", "ab")), new([]byte), []byte("ab")},
		{doc(elem(func(b []byte) []byte { return AppendSymbolElement(b, "v", "cd") })), new([]byte), []byte("cd")},
		{doc(binElem("v", 0, []byte("ef"))), new(string), "ef"},
		{doc(binElem("v", 2, []byte("gh"))), new(string), "gh"},
		{doc(i64("v", when.UnixMilli())), new(time.Time), when},
		{doc(str("v", "2024-05-06T07:08:09.123Z")), new(time.Time), when},
		{doc(str("v", "2024-05-06T09:08:09.123+02:00")), new(time.Time), when},
		{doc(elem(func(b []byte) []byte { return AppendTimestampElement(b, "v", 1714979289, 7) })), new(time.Time),
			time.Unix(1714979289, 0).UTC()},
		{doc(str("v", oid.Hex())), new(ObjectID), oid},
		{doc(str("v", string(oid[:]))), new(ObjectID), oid},
		{doc(binElem("v", 0, []byte{1, 2})), new([2]byte), [2]byte{1, 2}},
	}
	for _, c := range cases {
		target := reflect.New(reflect.TypeOf(c.v).Elem())
		wrapped := reflect.New(reflect.StructOf([]reflect.StructField{{Name: "V", Type: target.Type().Elem()}}))
		if err := Unmarshal(c.in, wrapped.Interface()); err != nil {
			t.Errorf("%x into %s: %v", c.in, target.Type().Elem(), err)
			continue
		}
		if got := wrapped.Elem().Field(0).Interface(); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%x into %s = %#v, want %#v", c.in, target.Type().Elem(), got, c.want)
		}
		if c.want == any([2]byte{1, 2}) {
			continue // binary into [N]byte is how [N]byte is written, not a conversion
		}
		err := Decoder{StrictTypes: true}.Unmarshal(c.in, reflect.New(wrapped.Elem().Type()).Interface())
		var de *DecodeError
		if !errors.As(err, &de) || de.Key != "v" {
			t.Errorf("%x into %s under StrictTypes: %v, want a *DecodeError at v", c.in, target.Type().Elem(), err)
		}
	}
	// Lossy or malformed: refused.
	for _, c := range []struct {
		in  []byte
		v   any
		msg string
	}{
		{doc(dbl("v", -1e300)), new(struct{ V int64 }), "overflows"},
		{doc(dbl("v", nanBits())), new(struct{ V int }), "NaN"},
		{doc(str("v", "yesterday")), new(struct{ V time.Time }), "RFC 3339"},
		{doc(str("v", "0123")), new(struct{ V ObjectID }), "not an ObjectID"},
		{doc(str("v", strings.Repeat("z", 24))), new(struct{ V ObjectID }), "hex"},
		{doc(binElem("v", 4, []byte("x"))), new(struct{ V string }), "subtype 4"},
	} {
		err := Unmarshal(c.in, c.v)
		var de *DecodeError
		if !errors.As(err, &de) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%x into %T = %v, want a *DecodeError about %q", c.in, c.v, err, c.msg)
		}
	}
}

// Item 12: an empty binary decodes to an empty, non-nil slice.
func TestCompatEmptyBinary(t *testing.T) {
	in := doc(binElem("b", 0, nil))
	var b struct{ B Binary }
	var s struct{ B []byte }
	var a struct{ B any }
	for _, v := range []any{&b, &s, &a} {
		if err := Unmarshal(in, v); err != nil {
			t.Fatal(err)
		}
	}
	if b.B.Data == nil || s.B == nil || a.B.(Binary).Data == nil {
		t.Errorf("empty binary decoded to nil: %#v %#v %#v", b.B, s.B, a.B)
	}
}

func nanBits() float64 {
	var z float64
	return z / z
}

// Item 13: a filter with the $regex query operator beside other operators
// parses (in relaxed mode, plain numbers included), and so does the
// legacy regex form and the spec's $regex holding a $regularExpression.
func TestCompatExtJSONRegexOperator(t *testing.T) {
	filter := `{"name":{"$regex":"^a","$options":"i","$nin":["ab"]},"n":{"$gt":5}}`
	got, err := ExtJSONToRaw([]byte(filter))
	if err != nil {
		t.Fatalf("ExtJSONToRaw(%s): %v", filter, err)
	}
	want := doc(sub("name", doc(str("$regex", "^a"), str("$options", "i"), arr("$nin", doc(str("0", "ab"))))),
		sub("n", doc(i32("$gt", 5))))
	if !bytes.Equal(got, want) {
		t.Errorf("ExtJSONToRaw(%s) = %s, want %s", filter, got, Raw(want))
	}
	for js, want := range map[string][]byte{
		`{"r":{"$regex":"^a","$options":"i"}}`: doc(elem(func(b []byte) []byte { return AppendRegexElement(b, "r", "^a", "i") })),
		`{"r":{"$regex":"^a"}}`:                doc(elem(func(b []byte) []byte { return AppendRegexElement(b, "r", "^a", "") })),
		`{"r":{"$regex":{"$regularExpression":{"pattern":"a","options":""}},"$options":"i"}}`: doc(sub("r", doc(
			elem(func(b []byte) []byte { return AppendRegexElement(b, "$regex", "a", "") }), str("$options", "i")))),
		`{"r":{"$regex":"a","$options":1}}`: doc(sub("r", doc(str("$regex", "a"), i32("$options", 1)))),
	} {
		got, err := ExtJSONToRaw([]byte(js))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("ExtJSONToRaw(%s) = %s, %v; want %s", js, got, err, Raw(want))
		}
	}
	if err := UnmarshalExtJSON([]byte(`{"name":{"$regex":"^a","$nin":["ab"]}}`), true, new(D)); err != nil {
		t.Errorf("canonical mode: %v", err)
	}
}

// Item 14: a Decimal128 exponent that does not fit an int64 is an error.
func TestCompatDecimalExponent(t *testing.T) {
	if _, err := ExtJSONToRaw([]byte(`{"d":{"$numberDecimal":"0E-61400000000000000004"}}`)); err == nil {
		t.Error("0E-61400000000000000004 parsed, want an error")
	}
	got, err := ExtJSONToRaw([]byte(`{"d":{"$numberDecimal":"0E-6177"}}`))
	if d, ok := Raw(got).Lookup("d").Decimal128(); err != nil || !ok || d.String() != "0E-6176" {
		t.Errorf("0E-6177: %v, %v; want 0E-6176 (zero is clamped)", d, err)
	}
}
