package bson

import (
	"errors"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// decodeV unmarshals the document {v: ...} built by e into a wrap[T].
func decodeV[T any](e func([]byte) []byte) (T, error) {
	var w wrap[T]
	err := Unmarshal(doc(e), &w)
	return w.V, err
}

func TestUnmarshalConversions(t *testing.T) {
	check := func(name string, got, want any, err error) {
		t.Helper()
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %#v, %v; want %#v", name, got, err, want)
		}
	}
	g1, err := decodeV[int8](i32("v", -128))
	check("int32 -> int8", g1, int8(-128), err)
	if strconv.IntSize == 64 {
		large := int64(1) << 40 // a variable: the constant overflows a 32-bit int
		g2, err := decodeV[int](i64("v", large))
		check("int64 -> int", g2, int(large), err)
	}
	g3, err := decodeV[uint16](dbl("v", 65535))
	check("integral double -> uint16", g3, uint16(65535), err)
	g4, err := decodeV[float64](i64("v", 1<<53))
	check("int64 -> float64", g4, float64(1<<53), err)
	g5, err := decodeV[float32](i32("v", 3))
	check("int32 -> float32", g5, float32(3), err)
	g6, err := decodeV[string](elem(func(b []byte) []byte { return AppendSymbolElement(b, "v", "sym") }))
	check("symbol -> string", g6, "sym", err)
	g7, err := decodeV[time.Time](elem(func(b []byte) []byte { return AppendDateTimeElement(b, "v", 1500) }))
	check("datetime -> time.Time (UTC)", g7, time.UnixMilli(1500).UTC(), err)
	g8, err := decodeV[*int64](null("v"))
	check("null -> *int64", g8, (*int64)(nil), err)
	g9, err := decodeV[[]byte](elem(func(b []byte) []byte { return AppendBinaryElement(b, "v", 2, []byte{7}) }))
	check("binary subtype 2 -> []byte", g9, []byte{7}, err)
	g10, err := decodeV[[3]int32](arr("v", doc(i32("0", 1), i32("1", 2))))
	check("short array -> [3]int32", g10, [3]int32{1, 2, 0}, err)
	g11, err := decodeV[map[string]*string](sub("v", doc(null("a"))))
	check("null map value", g11, map[string]*string{"a": nil}, err)
	g12, err := decodeV[any](sub("v", doc(arr("a", doc(i64("0", 1))))))
	check("any <- document", g12, D{{"a", A{int64(1)}}}, err)
	g13, err := decodeV[RawValue](i32("v", 5))
	check("RawValue", g13, RawValue{Type: TypeInt32, Value: []byte{5, 0, 0, 0}}, err)
	g14, err := decodeV[int32](null("v"))
	check("null -> int32", g14, int32(0), err)
}

func TestUnmarshalIntoAny(t *testing.T) {
	oid := ObjectID{1}
	in := doc(dbl("d", 1.5), str("s", "x"), sub("doc", doc(boolean("b", true))), arr("arr", doc(null("0"))),
		elem(func(b []byte) []byte { return AppendObjectIDElement(b, "oid", oid) }),
		elem(func(b []byte) []byte { return AppendDateTimeElement(b, "dt", 9) }),
		i32("i", 1), i64("l", 2),
		elem(func(b []byte) []byte { return AppendBinaryElement(b, "bin", 0x80, []byte{1}) }),
		elem(func(b []byte) []byte { return AppendTimestampElement(b, "ts", 3, 4) }),
		elem(func(b []byte) []byte { return AppendRegexElement(b, "re", "a", "i") }),
		elem(func(b []byte) []byte { return AppendMinKeyElement(b, "min") }),
		elem(func(b []byte) []byte { return AppendMaxKeyElement(b, "max") }),
		elem(func(b []byte) []byte { return AppendUndefinedElement(b, "u") }))
	want := D{{"d", 1.5}, {"s", "x"}, {"doc", D{{"b", true}}}, {"arr", A{nil}}, {"oid", oid},
		{"dt", DateTime(9)}, {"i", int32(1)}, {"l", int64(2)}, {"bin", Binary{0x80, []byte{1}}},
		{"ts", Timestamp{T: 3, I: 4}}, {"re", Regex{"a", "i"}}, {"min", MinKey{}}, {"max", MaxKey{}},
		{"u", Undefined{}}}
	var got any
	if err := Unmarshal(in, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %#v\nwant %#v", got, want)
	}
	// With DefaultDocumentM, documents become M; arrays stay A.
	var m any
	if err := (Decoder{DefaultDocumentM: true}).Unmarshal(doc(sub("a", doc(arr("b", doc(sub("0", doc())))))), &m); err != nil {
		t.Fatal(err)
	}
	if want := (M{"a": M{"b": A{M{}}}}); !reflect.DeepEqual(m, want) {
		t.Errorf("DefaultDocumentM: got %#v, want %#v", m, want)
	}
}

func TestUnmarshalTypeErrors(t *testing.T) {
	type inner struct{ N int8 }
	type outer struct{ List []inner }
	in := doc(arr("list", doc(sub("0", doc(i32("n", 1))), sub("1", doc(i32("n", 300))))))
	var v outer
	err := Unmarshal(in, &v)
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("error %v (%T), want a *DecodeError", err, err)
	}
	if de.Key != "list.1.n" || !strings.Contains(de.Msg, "300 overflows int8") {
		t.Errorf("got %+v", de)
	}
	// The offset is that of the value 300 in the input.
	if off := de.Offset; off < 0 || off+4 > len(in) || readInt32LE(in[off:]) != 300 {
		t.Errorf("offset %d does not point at the value", de.Offset)
	}

	cases := []struct {
		name string
		in   []byte
		v    any
		msg  string
	}{
		{"string into int", doc(str("v", "x")), new(wrap[int]), `"v": cannot decode string into Go value of type int`},
		{"fraction into int", doc(dbl("v", 1.5)), new(wrap[int64]), "has a fraction"},
		{"negative into uint", doc(i32("v", -1)), new(wrap[uint]), "-1 overflows uint"},
		{"int64 into float64, inexact", doc(i64("v", 1<<53+1)), new(wrap[float64]), "cannot be held exactly"},
		{"double into float32, inexact", doc(dbl("v", 0.1)), new(wrap[float32]), "does not fit float32"},
		{"array too long", doc(arr("v", doc(i32("0", 1), i32("1", 2)))), new(wrap[[1]int]), "does not fit [1]int"},
		{"document into slice", doc(sub("v", doc())), new(wrap[[]int]), "cannot decode embedded document into Go value of type []int"},
		{"document into int", doc(), new(int), "cannot decode embedded document into Go value of type int"},
		{"binary subtype into []byte", doc(elem(func(b []byte) []byte { return AppendBinaryElement(b, "v", 4, make([]byte, 16)) })),
			new(wrap[[]byte]), "binary subtype 4"},
		{"bad map key", doc(sub("v", doc(i32("x", 1)))), new(wrap[map[int]int]), `key "x"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Unmarshal(c.in, c.v)
			var de *DecodeError
			if !errors.As(err, &de) || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("got %v, want a *DecodeError containing %q", err, c.msg)
			}
		})
	}
}

func TestUnmarshalMalformed(t *testing.T) {
	good := doc(str("a", "hello"), sub("b", doc(i32("c", 1))))
	// Every truncation of a good document is an error, never a panic.
	for n := 0; n < len(good); n++ {
		for _, v := range []any{new(D), new(M), new(any), new(struct{ A string }), new(Raw)} {
			var de *DecodeError
			if err := Unmarshal(good[:n], v); !errors.As(err, &de) {
				t.Fatalf("Unmarshal(%d of %d bytes) into %T = %v, want a *DecodeError", n, len(good), v, err)
			}
		}
	}
	cases := []struct {
		name string
		in   []byte
		key  string
		msg  string
	}{
		{"trailing bytes", append(doc(), 0), "", "1 bytes after the end"},
		{"bad UTF-8 (strict)", doc(sub("x", doc(str("s", "\xff")))), "x.s", "UTF-8"},
		{"bad bool (strict)", doc(elem(func(b []byte) []byte { return append(AppendHeader(b, TypeBoolean, "b"), 2) })), "b", "boolean"},
		{"unknown type", doc(elem(func(b []byte) []byte { return AppendHeader(b, 0x42, "q") })), "q", "unknown element type"},
		{"inner length", doc(elem(func(b []byte) []byte {
			return append(AppendHeader(b, TypeEmbeddedDocument, "d"), 6, 0, 0, 0, 0, 0)
		})), "d", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dec := Decoder{StrictUTF8: strings.HasSuffix(c.name, "(strict)")}
			for _, v := range []any{new(D), new(struct{ X struct{ S string } }), new(struct{}), new(map[string]any)} {
				err := dec.Unmarshal(c.in, v)
				var de *DecodeError
				if !errors.As(err, &de) || !strings.Contains(de.Msg, c.msg) || !strings.HasPrefix(de.Key, c.key) {
					t.Errorf("into %T: got %v, want a *DecodeError at key %q containing %q", v, err, c.key, c.msg)
				}
			}
		})
	}
}

func TestUnmarshalTarget(t *testing.T) {
	var nilPtr *D
	for _, v := range []any{nil, D{}, nilPtr, 5} {
		err := Unmarshal(doc(), v)
		var te *UnmarshalTargetError
		if !errors.As(err, &te) {
			t.Errorf("Unmarshal into %#v = %v, want an *UnmarshalTargetError", v, err)
		}
	}
}

func TestUnmarshalReplacesAndKeeps(t *testing.T) {
	v := struct {
		A string
		B []int32
		M map[string]int32
	}{A: "keep", B: []int32{9, 9, 9}, M: map[string]int32{"old": 1}}
	if err := Unmarshal(doc(arr("b", doc(i32("0", 1))), sub("m", doc(i32("new", 2)))), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != "keep" || !reflect.DeepEqual(v.B, []int32{1}) || !reflect.DeepEqual(v.M, map[string]int32{"old": 1, "new": 2}) {
		t.Errorf("got %+v", v)
	}
}

// A hostile document that claims large sizes must not make Unmarshal
// allocate more than its own size justifies.
func TestUnmarshalAllocationBound(t *testing.T) {
	// The smallest elements: an array of 20,000 nulls with empty keys.
	start, b := AppendDocumentStart(nil)
	for i := 0; i < 20000; i++ {
		b = AppendNullElement(b, "")
	}
	inner, _ := AppendDocumentEnd(b, start)
	in := doc(arr("a", inner))
	// Claim a huge length in the middle: framing must fail before any
	// allocation of that size.
	bad := append([]byte(nil), in...)
	bad[4+1+2] = 0xff // the array's length, now too large
	bad[4+1+2+3] = 0x7f
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	var v struct{ A []*int }
	err := Unmarshal(bad, &v)
	runtime.ReadMemStats(&ms1)
	if err == nil {
		t.Fatal("accepted a bad length")
	}
	if grown := ms1.TotalAlloc - ms0.TotalAlloc; grown > 1<<20 {
		t.Errorf("allocated %d bytes for a %d-byte input", grown, len(bad))
	}
	if err := Unmarshal(in, &v); err != nil || len(v.A) != 20000 || cap(v.A) != 20000 {
		t.Errorf("got len %d cap %d, %v", len(v.A), cap(v.A), err)
	}
}

func TestUnmarshalDepthLimit(t *testing.T) {
	b := doc()
	for i := 0; i < MaxNestingDepth+5; i++ {
		b = doc(sub("x", b))
	}
	for _, v := range []any{new(D), new(any), new(Raw), new(map[string]any)} {
		var de *DecodeError
		if err := Unmarshal(b, v); !errors.As(err, &de) {
			t.Errorf("into %T: %v, want a *DecodeError", v, err)
		}
	}
}

// selfPointer is a pointer type whose element is itself: no BSON value can
// ever be stored through it.
type selfPointer *selfPointer

// A recursive pointer type used to send Unmarshal (and Marshal) down an
// endless chain of pointers until the stack overflowed, a fatal error.
func TestSelfPointerTypeIsAnError(t *testing.T) {
	in := doc(i32("p", 1))
	var s struct {
		P selfPointer `bson:"p"`
	}
	var de *DecodeError
	if err := Unmarshal(in, &s); !errors.As(err, &de) || de.Key != "p" || !strings.Contains(de.Msg, "pointer to itself") {
		t.Errorf("Unmarshal into a self pointer: %v, want a *DecodeError at \"p\" about the type", err)
	}
	var p selfPointer
	var me *MarshalError
	if _, err := Marshal(struct{ P selfPointer }{&p}); !errors.As(err, &me) || me.Key != "p" {
		t.Errorf("Marshal of a self pointer: %v, want a *MarshalError at \"p\"", err)
	}
}

// deepStruct is a recursive struct for the depth limit of the struct codec.
type deepStruct struct {
	X *deepStruct `bson:"x"`
}

func TestUnmarshalDepthLimitStruct(t *testing.T) {
	ok := doc()
	for i := 1; i < MaxNestingDepth; i++ {
		ok = doc(sub("x", ok))
	}
	if err := Unmarshal(ok, new(deepStruct)); err != nil {
		t.Fatalf("%d levels: %v", MaxNestingDepth, err)
	}
	if err := Raw(ok).Validate(); err != nil {
		t.Fatalf("Validate of %d levels: %v", MaxNestingDepth, err)
	}
	tooDeep := doc(sub("x", ok))
	var de *DecodeError
	if err := Unmarshal(tooDeep, new(deepStruct)); !errors.As(err, &de) {
		t.Errorf("%d levels: %v, want a *DecodeError", MaxNestingDepth+1, err)
	}
	if err := Raw(tooDeep).Validate(); !errors.As(err, &de) {
		t.Errorf("Validate of %d levels: %v, want a *DecodeError", MaxNestingDepth+1, err)
	}
}
