package bson

import (
	"bytes"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

// doc builds the bytes of a document from element appenders, with the
// append API, so that the expected bytes of a test never come from the
// code under test.
func doc(elems ...func([]byte) []byte) []byte {
	start, b := AppendDocumentStart(nil)
	for _, e := range elems {
		b = e(b)
	}
	b, err := AppendDocumentEnd(b, start)
	if err != nil {
		panic(err)
	}
	return b
}

func i32(key string, v int32) func([]byte) []byte {
	return func(b []byte) []byte { return AppendInt32Element(b, key, v) }
}
func i64(key string, v int64) func([]byte) []byte {
	return func(b []byte) []byte { return AppendInt64Element(b, key, v) }
}
func dbl(key string, v float64) func([]byte) []byte {
	return func(b []byte) []byte { return AppendDoubleElement(b, key, v) }
}
func str(key, v string) func([]byte) []byte {
	return func(b []byte) []byte { return AppendStringElement(b, key, v) }
}
func boolean(key string, v bool) func([]byte) []byte {
	return func(b []byte) []byte { return AppendBooleanElement(b, key, v) }
}
func null(key string) func([]byte) []byte {
	return func(b []byte) []byte { return AppendNullElement(b, key) }
}
func sub(key string, d []byte) func([]byte) []byte {
	return func(b []byte) []byte { return AppendDocumentElement(b, key, d) }
}
func arr(key string, d []byte) func([]byte) []byte {
	return func(b []byte) []byte { return AppendArrayElement(b, key, d) }
}
func elem(f func([]byte) []byte) func([]byte) []byte { return f }

type wrap[T any] struct{ V T }

func TestMarshalKinds(t *testing.T) {
	oid := ObjectID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	when := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC)
	dec, _ := ParseDecimal128("1.5")
	uuid := UUID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	one := 1
	large := int64(1) << 40 // a variable: the constant overflows a 32-bit int
	cases := []struct {
		name string
		v    any
		want []byte
	}{
		{"bool", wrap[bool]{true}, doc(boolean("v", true))},
		{"int small", wrap[int]{7}, doc(i32("v", 7))},
		{"int large", wrap[int]{int(large)}, doc(i64("v", large))},
		{"int8", wrap[int8]{-8}, doc(i32("v", -8))},
		{"int16", wrap[int16]{-16}, doc(i32("v", -16))},
		{"int32", wrap[int32]{math.MinInt32}, doc(i32("v", math.MinInt32))},
		{"int64", wrap[int64]{5}, doc(i64("v", 5))},
		{"uint8", wrap[uint8]{255}, doc(i32("v", 255))},
		{"uint16", wrap[uint16]{65535}, doc(i32("v", 65535))},
		{"uint32", wrap[uint32]{7}, doc(i64("v", 7))},
		{"uint64", wrap[uint64]{math.MaxInt64}, doc(i64("v", math.MaxInt64))},
		{"uint", wrap[uint]{3}, doc(i64("v", 3))},
		{"float32", wrap[float32]{1.5}, doc(dbl("v", 1.5))},
		{"float64", wrap[float64]{-2.25}, doc(dbl("v", -2.25))},
		{"string", wrap[string]{"héllo"}, doc(str("v", "héllo"))},
		{"[]byte", wrap[[]byte]{[]byte{1, 2}}, doc(elem(func(b []byte) []byte { return AppendBinaryElement(b, "v", 0, []byte{1, 2}) }))},
		{"nil []byte", wrap[[]byte]{}, doc(null("v"))},
		{"[]int32", wrap[[]int32]{[]int32{1, 2}}, doc(arr("v", doc(i32("0", 1), i32("1", 2))))},
		{"nil slice", wrap[[]string]{}, doc(null("v"))},
		{"empty slice", wrap[[]string]{[]string{}}, doc(arr("v", doc()))},
		{"[2]string", wrap[[2]string]{[2]string{"a", "b"}}, doc(arr("v", doc(str("0", "a"), str("1", "b"))))},
		{"map", wrap[map[string]int64]{map[string]int64{"a": 1}}, doc(sub("v", doc(i64("a", 1))))},
		{"nil map", wrap[map[string]int]{}, doc(null("v"))},
		{"int-keyed map", wrap[map[int]bool]{map[int]bool{-4: true}}, doc(sub("v", doc(boolean("-4", true))))},
		{"TextMarshaler keys", wrap[map[ObjectID]int32]{map[ObjectID]int32{oid: 1}}, doc(sub("v", doc(i32(oid.Hex(), 1))))},
		{"pointer", wrap[*int]{&one}, doc(i32("v", 1))},
		{"nil pointer", wrap[*int]{}, doc(null("v"))},
		{"interface", wrap[any]{int64(9)}, doc(i64("v", 9))},
		{"nil interface", wrap[any]{}, doc(null("v"))},
		{"struct", wrap[struct{ A string }]{struct{ A string }{"x"}}, doc(sub("v", doc(str("a", "x"))))},
		{"time.Time", wrap[time.Time]{when}, doc(elem(func(b []byte) []byte { return AppendDateTimeElement(b, "v", when.UnixMilli()) }))},
		{"D", wrap[D]{D{{"b", int32(1)}, {"a", "x"}}}, doc(sub("v", doc(i32("b", 1), str("a", "x"))))},
		{"M", wrap[M]{M{"k": true}}, doc(sub("v", doc(boolean("k", true))))},
		{"A", wrap[A]{A{int32(1), "two", nil}}, doc(arr("v", doc(i32("0", 1), str("1", "two"), null("2"))))},
		{"Raw", wrap[Raw]{Raw(doc(i32("x", 1)))}, doc(sub("v", doc(i32("x", 1))))},
		{"RawValue", wrap[RawValue]{RawValue{Type: TypeInt32, Value: []byte{3, 0, 0, 0}}}, doc(i32("v", 3))},
		{"ObjectID", wrap[ObjectID]{oid}, doc(elem(func(b []byte) []byte { return AppendObjectIDElement(b, "v", oid) }))},
		{"Decimal128", wrap[Decimal128]{dec}, doc(elem(func(b []byte) []byte { return AppendDecimal128Element(b, "v", dec) }))},
		{"Binary", wrap[Binary]{Binary{Subtype: 0x80, Data: []byte{9}}}, doc(elem(func(b []byte) []byte { return AppendBinaryElement(b, "v", 0x80, []byte{9}) }))},
		{"UUID", wrap[UUID]{uuid}, doc(elem(func(b []byte) []byte { return AppendBinaryElement(b, "v", 4, uuid[:]) }))},
		{"DateTime", wrap[DateTime]{DateTime(-5)}, doc(elem(func(b []byte) []byte { return AppendDateTimeElement(b, "v", -5) }))},
		{"Timestamp", wrap[Timestamp]{Timestamp{T: 10, I: 2}}, doc(elem(func(b []byte) []byte { return AppendTimestampElement(b, "v", 10, 2) }))},
		{"Regex", wrap[Regex]{Regex{"^a", "mi"}}, doc(elem(func(b []byte) []byte { return AppendRegexElement(b, "v", "^a", "im") }))},
		{"DBPointer", wrap[DBPointer]{DBPointer{"db.c", oid}}, doc(elem(func(b []byte) []byte { return AppendDBPointerElement(b, "v", "db.c", oid) }))},
		{"JavaScript", wrap[JavaScript]{"f()"}, doc(elem(func(b []byte) []byte { return AppendJavaScriptElement(b, "v", "f()") }))},
		{"Symbol", wrap[Symbol]{"s"}, doc(elem(func(b []byte) []byte { return AppendSymbolElement(b, "v", "s") }))},
		{"CodeWithScope", wrap[CodeWithScope]{CodeWithScope{"f()", D{{"x", int32(1)}}}},
			doc(elem(func(b []byte) []byte { return AppendCodeWithScopeElement(b, "v", "f()", doc(i32("x", 1))) }))},
		{"Undefined", wrap[Undefined]{}, doc(elem(func(b []byte) []byte { return AppendUndefinedElement(b, "v") }))},
		{"Null", wrap[Null]{}, doc(null("v"))},
		{"MinKey", wrap[MinKey]{}, doc(elem(func(b []byte) []byte { return AppendMinKeyElement(b, "v") }))},
		{"MaxKey", wrap[MaxKey]{}, doc(elem(func(b []byte) []byte { return AppendMaxKeyElement(b, "v") }))},
	}
	for _, c := range cases {
		if c.name == "int large" && strconv.IntSize == 32 {
			continue // int cannot hold 1<<40
		}
		t.Run(c.name, func(t *testing.T) {
			got, err := Marshal(c.v)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, c.want) {
				t.Fatalf("Marshal(%#v)\n got %X\nwant %X", c.v, got, c.want)
			}
			// The same bytes through a pointer, and in a D.
			if got2, err := Marshal(D{{"v", fieldV(c.v)}}); err != nil || !bytes.Equal(got2, c.want) {
				t.Errorf("Marshal(D) = %X, %v", got2, err)
			}
		})
	}
}

// fieldV returns the V field of a wrap[T] value.
func fieldV(v any) any {
	var out D
	b, err := Marshal(v)
	if err != nil {
		panic(err)
	}
	if err := Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out[0].Value
}

func TestMarshalTopLevel(t *testing.T) {
	var nilMap map[string]int
	var nilPtr *wrap[int]
	cases := []struct {
		name string
		v    any
		msg  string
	}{
		{"nil", nil, "nil"},
		{"nil map", nilMap, "nil map[string]int"},
		{"nil pointer", nilPtr, "nil *bson.wrap[int]"},
		{"int", 5, "cannot marshal int as a document"},
		{"slice", []int{1}, "cannot marshal []int as a document"},
		{"uint overflow", wrap[uint64]{math.MaxUint64}, `"v": 18446744073709551615 overflows`},
		{"NUL key", D{{"a\x00b", 1}}, "NUL"},
		{"NUL map key", M{"a\x00b": 1}, "NUL"},
		{"func field", wrap[func()]{func() {}}, "has no BSON form"},
		{"bad Raw", wrap[Raw]{Raw{1, 2}}, "malformed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := Marshal(c.v)
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("Marshal = %X, %v; want an error containing %q", b, err, c.msg)
			}
			var me *MarshalError
			if !errors.As(err, &me) {
				t.Errorf("error %T is not a *MarshalError", err)
			}
		})
	}
	// A nil D is an empty document; pointers to documents marshal.
	if b, err := Marshal(D(nil)); err != nil || !bytes.Equal(b, doc()) {
		t.Errorf("Marshal(D(nil)) = %X, %v", b, err)
	}
	if b, err := Marshal(&M{"a": int32(1)}); err != nil || !bytes.Equal(b, doc(i32("a", 1))) {
		t.Errorf("Marshal(&M) = %X, %v", b, err)
	}
}

func TestMarshalAppendKeepsDst(t *testing.T) {
	dst := []byte("prefix")
	out, err := MarshalAppend(dst, D{{"a", "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := append([]byte("prefix"), doc(str("a", "b"))...); !bytes.Equal(out, want) {
		t.Errorf("got %X, want %X", out, want)
	}
	out, err = MarshalAppend(dst, 3)
	if err == nil || string(out) != "prefix" {
		t.Errorf("on error: %q, %v; want dst unchanged and an error", out, err)
	}
}

func TestMarshalValue(t *testing.T) {
	cases := []struct {
		v     any
		typ   Type
		value []byte
	}{
		{int32(1), TypeInt32, []byte{1, 0, 0, 0}},
		{"a", TypeString, []byte{2, 0, 0, 0, 'a', 0}},
		{D{{"x", true}}, TypeEmbeddedDocument, doc(boolean("x", true))},
		{[]string{"q"}, TypeArray, doc(str("0", "q"))},
		{nil, TypeNull, []byte{}},
	}
	for _, c := range cases {
		typ, val, err := MarshalValue(c.v)
		if err != nil || typ != c.typ || !bytes.Equal(val, c.value) {
			t.Errorf("MarshalValue(%#v) = %v, %X, %v; want %v, %X", c.v, typ, val, err, c.typ, c.value)
		}
		// And back.
		var back any
		if err := UnmarshalValue(typ, val, &back); err != nil {
			t.Errorf("UnmarshalValue(%v, %X): %v", typ, val, err)
		}
		if err := (RawValue{Type: typ, Value: val}).Unmarshal(&back); err != nil {
			t.Errorf("RawValue.Unmarshal: %v", err)
		}
	}
}

// cyclic refers to itself through a pointer.
type cyclic struct {
	Name string
	Next *cyclic
}

func TestMarshalCycle(t *testing.T) {
	c := &cyclic{Name: "loop"}
	c.Next = c
	_, err := Marshal(c)
	if err == nil || !strings.Contains(err.Error(), "nested too deeply") {
		t.Fatalf("Marshal(cycle) = %v, want a nesting error", err)
	}
	// A finite chain of a recursive type round-trips.
	in := &cyclic{Name: "a", Next: &cyclic{Name: "b"}}
	b, err := Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	want := doc(str("name", "a"), sub("next", doc(str("name", "b"), null("next"))))
	if !bytes.Equal(b, want) {
		t.Fatalf("got %X, want %X", b, want)
	}
	var out cyclic
	if err := Unmarshal(b, &out); err != nil || out.Next == nil || out.Next.Name != "b" || out.Next.Next != nil {
		t.Fatalf("Unmarshal = %+v, %v", out, err)
	}
}
