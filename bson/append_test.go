package bson

import (
	"bytes"
	"encoding/hex"
	"math"
	"strconv"
	"strings"
	"testing"
)

// coreAllTypesDoc builds one document with an element of every type, using
// the Append API only.
func coreAllTypesDoc(t testing.TB) Raw {
	t.Helper()
	oid := ObjectID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	dec, err := ParseDecimal128("-12.345E-7")
	if err != nil {
		t.Fatal(err)
	}
	start, doc := AppendDocumentStart(nil)
	doc = AppendDoubleElement(doc, "double", 3.25)
	doc = AppendStringElement(doc, "string", "héllo")
	sub, doc := AppendDocumentElementStart(doc, "doc")
	doc = AppendInt32Element(doc, "inner", 7)
	doc, err = AppendDocumentEnd(doc, sub)
	if err != nil {
		t.Fatal(err)
	}
	arr, doc := AppendArrayElementStart(doc, "array")
	for i, s := range []string{"x", "y", "z"} {
		doc = AppendStringElement(doc, ArrayKey(i), s)
	}
	if doc, err = AppendDocumentEnd(doc, arr); err != nil {
		t.Fatal(err)
	}
	doc = AppendBinaryElement(doc, "binary", BinaryGeneric, []byte{0xde, 0xad})
	doc = AppendBinaryElement(doc, "binold", BinaryBinaryOld, []byte{1, 2, 3})
	doc = AppendUndefinedElement(doc, "undefined")
	doc = AppendObjectIDElement(doc, "oid", oid)
	doc = AppendBooleanElement(doc, "true", true)
	doc = AppendBooleanElement(doc, "false", false)
	doc = AppendDateTimeElement(doc, "date", -1234567)
	doc = AppendNullElement(doc, "null")
	doc = AppendRegexElement(doc, "regex", "^a.*b$", "im")
	doc = AppendDBPointerElement(doc, "dbptr", "db.coll", oid)
	doc = AppendJavaScriptElement(doc, "js", "function() {}")
	doc = AppendSymbolElement(doc, "symbol", "sym")
	scope := AppendInt32Element(coreEmptyDocStart(), "x", 1)
	scope, _ = AppendDocumentEnd(scope, 0)
	doc = AppendCodeWithScopeElement(doc, "cws", "x + 1", scope)
	doc = AppendInt32Element(doc, "int32", math.MinInt32)
	doc = AppendTimestampElement(doc, "ts", 1700000000, 42)
	doc = AppendInt64Element(doc, "int64", math.MaxInt64)
	doc = AppendDecimal128Element(doc, "dec", dec)
	doc = AppendMaxKeyElement(doc, "max")
	doc = AppendMinKeyElement(doc, "min")
	doc, err = AppendDocumentEnd(doc, start)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// coreEmptyDocStart starts a document in a fresh buffer at offset 0.
func coreEmptyDocStart() []byte {
	_, b := AppendDocumentStart(nil)
	return b
}

func TestAppendAllTypesRoundTrip(t *testing.T) {
	doc := coreAllTypesDoc(t)
	if err := doc.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	check := func(key string, want Type, ok bool) {
		t.Helper()
		v := doc.Lookup(key)
		if v.Type != want {
			t.Errorf("%s: type %s, want %s", key, v.Type, want)
		}
		if !ok {
			t.Errorf("%s: accessor failed or returned the wrong value", key)
		}
	}
	f, ok := doc.Lookup("double").Double()
	check("double", TypeDouble, ok && f == 3.25)
	s, ok := doc.Lookup("string").StringValue()
	check("string", TypeString, ok && s == "héllo")
	d, ok := doc.Lookup("doc").Document()
	i32, ok2 := d.Lookup("inner").Int32()
	check("doc", TypeEmbeddedDocument, ok && ok2 && i32 == 7)
	a, ok := doc.Lookup("array").Array()
	z, err := a.Index(2)
	zs, _ := z.StringValue()
	check("array", TypeArray, ok && err == nil && zs == "z")
	b, ok := doc.Lookup("binary").Binary()
	check("binary", TypeBinary, ok && b.Subtype == 0 && bytes.Equal(b.Data, []byte{0xde, 0xad}))
	b, ok = doc.Lookup("binold").Binary()
	check("binold", TypeBinary, ok && b.Subtype == 2 && bytes.Equal(b.Data, []byte{1, 2, 3}))
	check("undefined", TypeUndefined, len(doc.Lookup("undefined").Value) == 0)
	oid, ok := doc.Lookup("oid").ObjectID()
	check("oid", TypeObjectID, ok && oid == ObjectID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	tr, ok := doc.Lookup("true").Boolean()
	check("true", TypeBoolean, ok && tr)
	fa, ok := doc.Lookup("false").Boolean()
	check("false", TypeBoolean, ok && !fa)
	ms, ok := doc.Lookup("date").DateTime()
	check("date", TypeDateTime, ok && ms == -1234567)
	check("null", TypeNull, len(doc.Lookup("null").Value) == 0)
	p, o, ok := doc.Lookup("regex").Regex()
	check("regex", TypeRegex, ok && p == "^a.*b$" && o == "im")
	ns, poid, ok := doc.Lookup("dbptr").DBPointer()
	check("dbptr", TypeDBPointer, ok && ns == "db.coll" && poid == oid)
	js, ok := doc.Lookup("js").JavaScript()
	check("js", TypeJavaScript, ok && js == "function() {}")
	sym, ok := doc.Lookup("symbol").Symbol()
	check("symbol", TypeSymbol, ok && sym == "sym")
	code, scope, ok := doc.Lookup("cws").CodeWithScope()
	x, _ := scope.Lookup("x").Int32()
	check("cws", TypeCodeWithScope, ok && code == "x + 1" && x == 1)
	i32, ok = doc.Lookup("int32").Int32()
	check("int32", TypeInt32, ok && i32 == math.MinInt32)
	ts, inc, ok := doc.Lookup("ts").Timestamp()
	check("ts", TypeTimestamp, ok && ts == 1700000000 && inc == 42)
	i64, ok := doc.Lookup("int64").Int64()
	check("int64", TypeInt64, ok && i64 == math.MaxInt64)
	dec, ok := doc.Lookup("dec").Decimal128()
	check("dec", TypeDecimal128, ok && dec.String() == "-0.0000012345")
	check("max", TypeMaxKey, len(doc.Lookup("max").Value) == 0)
	check("min", TypeMinKey, len(doc.Lookup("min").Value) == 0)
}

// TestAppendBytes pins the exact encoding of each value against bytes
// written out by hand from the BSON specification.
func TestAppendBytes(t *testing.T) {
	oid := ObjectID{0x56, 0xe1, 0xfc, 0x72, 0xe0, 0xc9, 0x17, 0xe9, 0xc4, 0x71, 0x41, 0x61}
	for _, tc := range []struct {
		name string
		got  []byte
		want string
	}{
		{"double", AppendDoubleElement(nil, "d", 1.0), "01 6400 000000000000F03F"},
		{"string", AppendStringElement(nil, "a", "b"), "02 6100 02000000 6200"},
		{"empty string", AppendString(nil, ""), "01000000 00"},
		{"binary", AppendBinaryElement(nil, "x", 0x80, []byte{1}), "05 7800 01000000 80 01"},
		{"binary subtype 2", AppendBinary(nil, 2, []byte{0xff}), "05000000 02 01000000 ff"},
		{"undefined", AppendUndefinedElement(nil, "u"), "06 7500"},
		{"oid", AppendObjectIDElement(nil, "o", oid), "07 6f00 56e1fc72e0c917e9c4714161"},
		{"true", AppendBooleanElement(nil, "t", true), "08 7400 01"},
		{"false", AppendBoolean(nil, false), "00"},
		{"datetime", AppendDateTimeElement(nil, "t", 1), "09 7400 0100000000000000"},
		{"null", AppendNullElement(nil, "n"), "0A 6e00"},
		{"regex", AppendRegexElement(nil, "r", "a", "i"), "0B 7200 6100 6900"},
		{"dbpointer", AppendDBPointer(nil, "b", oid), "02000000 6200 56e1fc72e0c917e9c4714161"},
		{"javascript", AppendJavaScriptElement(nil, "j", "c"), "0D 6a00 02000000 6300"},
		{"symbol", AppendSymbolElement(nil, "s", "c"), "0E 7300 02000000 6300"},
		{"code with scope", AppendCodeWithScope(nil, "c", []byte{5, 0, 0, 0, 0}), "0f000000 02000000 6300 0500000000"},
		{"int32", AppendInt32Element(nil, "i", -1), "10 6900 ffffffff"},
		{"timestamp", AppendTimestampElement(nil, "t", 1, 2), "11 7400 02000000 01000000"},
		{"int64", AppendInt64Element(nil, "i", 258), "12 6900 0201000000000000"},
		{"decimal128", AppendDecimal128(nil, NewDecimal128(0x3040000000000000, 1)), "0100000000000000 0000000000004030"},
		{"maxkey", AppendMaxKeyElement(nil, "m"), "7F 6d00"},
		{"minkey", AppendMinKeyElement(nil, "m"), "FF 6d00"},
		{"document", AppendDocumentElement(nil, "d", []byte{5, 0, 0, 0, 0}), "03 6400 0500000000"},
		{"array", AppendArrayElement(nil, "a", []byte{5, 0, 0, 0, 0}), "04 6100 0500000000"},
	} {
		want, err := hex.DecodeString(strings.ReplaceAll(tc.want, " ", ""))
		if err != nil {
			t.Fatalf("%s: bad hex in test: %v", tc.name, err)
		}
		if !bytes.Equal(tc.got, want) {
			t.Errorf("%s: got % x, want % x", tc.name, tc.got, want)
		}
	}
}

func TestAppendDocumentEnd(t *testing.T) {
	start, buf := AppendDocumentStart([]byte("prefix"))
	if start != 6 {
		t.Fatalf("start = %d, want 6", start)
	}
	buf, err := AppendDocumentEnd(buf, start)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(buf[:6]); got != "prefix" || !bytes.Equal(buf[6:], []byte{5, 0, 0, 0, 0}) {
		t.Errorf("buffer = %q", buf)
	}
	for _, bad := range []int{-1, len(buf) - 3, len(buf) + 10} {
		if _, err := AppendDocumentEnd(buf, bad); err == nil {
			t.Errorf("AppendDocumentEnd(start %d) of %d bytes succeeded", bad, len(buf))
		}
	}
}

func TestArrayKey(t *testing.T) {
	for _, tc := range []struct {
		i    int
		want string
	}{{0, "0"}, {9, "9"}, {10, "10"}, {999, "999"}, {1000, "1000"}, {123456, "123456"}, {-1, "-1"}} {
		if got := ArrayKey(tc.i); got != tc.want {
			t.Errorf("ArrayKey(%d) = %q, want %q", tc.i, got, tc.want)
		}
	}
	for i := -5; i < 1100; i++ {
		if got, want := ArrayKey(i), strconv.Itoa(i); got != want {
			t.Fatalf("ArrayKey(%d) = %q, want %q", i, got, want)
		}
	}
	for _, i := range []int{0, 9, 10, 99, 100, 517, 999} {
		if n := testing.AllocsPerRun(100, func() { _ = ArrayKey(i) }); n != 0 {
			t.Errorf("ArrayKey(%d) allocates %v times", i, n)
		}
	}
}

func TestAppendDoesNotAllocateWithCapacity(t *testing.T) {
	buf := make([]byte, 0, 256)
	oid := NewObjectID()
	n := testing.AllocsPerRun(100, func() {
		start, b := AppendDocumentStart(buf[:0])
		b = AppendStringElement(b, "insert", "coll")
		b = AppendBooleanElement(b, "ordered", true)
		b = AppendObjectIDElement(b, "_id", oid)
		b = AppendInt64Element(b, "n", 5)
		_, _ = AppendDocumentEnd(b, start)
	})
	if n != 0 {
		t.Errorf("building a command in a buffer with room allocates %v times", n)
	}
}

func BenchmarkArrayKey(b *testing.B) {
	n := 0
	for i := range b.N {
		n += len(ArrayKey(i % 1200))
	}
	if n == 0 {
		b.Fatal("no keys")
	}
}
