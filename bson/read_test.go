package bson

import (
	"bytes"
	"math"
	"testing"
)

// TestReadRoundTrip reads back every value the Append functions write and
// checks that nothing is left over.
func TestReadRoundTrip(t *testing.T) {
	oid := NewObjectID()
	rest := func(name string, r []byte, ok bool) {
		t.Helper()
		if !ok || len(r) != 1 || r[0] != 0xAA {
			t.Errorf("%s: ok=%v rest=% x, want the one sentinel byte", name, ok, r)
		}
	}
	sentinel := []byte{0xAA}
	f, r, ok := ReadDouble(append(AppendDouble(nil, math.Inf(-1)), sentinel...))
	rest("double", r, ok && math.IsInf(f, -1))
	s, r, ok := ReadString(append(AppendString(nil, "a\x00b"), sentinel...))
	rest("string", r, ok && s == "a\x00b")
	doc := []byte{5, 0, 0, 0, 0}
	d, r, ok := ReadDocument(append(AppendDocument(nil, doc), sentinel...))
	rest("document", r, ok && bytes.Equal(d, doc))
	a, r, ok := ReadArray(append(AppendArray(nil, doc), sentinel...))
	rest("array", r, ok && bytes.Equal(a, doc))
	for _, st := range []byte{BinaryGeneric, BinaryBinaryOld, BinaryUUID, BinaryUserDefined} {
		sub, data, r, ok := ReadBinary(append(AppendBinary(nil, st, []byte("xyz")), sentinel...))
		rest("binary", r, ok && sub == st && string(data) == "xyz")
	}
	o, r, ok := ReadObjectID(append(AppendObjectID(nil, oid), sentinel...))
	rest("objectid", r, ok && o == oid)
	b, r, ok := ReadBoolean(append(AppendBoolean(nil, true), sentinel...))
	rest("boolean", r, ok && b)
	ms, r, ok := ReadDateTime(append(AppendDateTime(nil, math.MinInt64), sentinel...))
	rest("datetime", r, ok && ms == math.MinInt64)
	p, opt, r, ok := ReadRegex(append(AppendRegex(nil, "p", "ix"), sentinel...))
	rest("regex", r, ok && p == "p" && opt == "ix")
	ns, po, r, ok := ReadDBPointer(append(AppendDBPointer(nil, "a.b", oid), sentinel...))
	rest("dbpointer", r, ok && ns == "a.b" && po == oid)
	js, r, ok := ReadJavaScript(append(AppendJavaScript(nil, "1+1"), sentinel...))
	rest("javascript", r, ok && js == "1+1")
	sym, r, ok := ReadSymbol(append(AppendSymbol(nil, "s"), sentinel...))
	rest("symbol", r, ok && sym == "s")
	code, scope, r, ok := ReadCodeWithScope(append(AppendCodeWithScope(nil, "c", doc), sentinel...))
	rest("codewithscope", r, ok && code == "c" && bytes.Equal(scope, doc))
	i32, r, ok := ReadInt32(append(AppendInt32(nil, -7), sentinel...))
	rest("int32", r, ok && i32 == -7)
	ts, inc, r, ok := ReadTimestamp(append(AppendTimestamp(nil, math.MaxUint32, 3), sentinel...))
	rest("timestamp", r, ok && ts == math.MaxUint32 && inc == 3)
	i64, r, ok := ReadInt64(append(AppendInt64(nil, math.MinInt64), sentinel...))
	rest("int64", r, ok && i64 == math.MinInt64)
	dec := NewDecimal128(0x1234, 0x5678)
	dv, r, ok := ReadDecimal128(append(AppendDecimal128(nil, dec), sentinel...))
	rest("decimal128", r, ok && dv == dec)
	for _, empty := range [][]byte{AppendNull(sentinel), AppendUndefined(sentinel), AppendMinKey(sentinel), AppendMaxKey(sentinel)} {
		if !bytes.Equal(empty, sentinel) {
			t.Errorf("empty value appended bytes: % x", empty)
		}
	}
}

// TestReadRejectsBadFraming feeds each reader truncated or inconsistent
// bytes: each must say ok == false and return src unchanged.
func TestReadRejectsBadFraming(t *testing.T) {
	bad := map[string][]byte{
		"short":               {1, 2},
		"negative length":     {0xff, 0xff, 0xff, 0xff, 0},
		"length beyond input": {9, 0, 0, 0, 'a', 0},
		"no terminator":       {2, 0, 0, 0, 'a', 'b'},
		"zero length":         {0, 0, 0, 0, 0},
	}
	for name, src := range bad {
		if _, r, ok := ReadString(src); ok || !bytes.Equal(r, src) {
			t.Errorf("ReadString(%s) ok", name)
		}
		if _, r, ok := ReadDocument(src); ok || !bytes.Equal(r, src) {
			t.Errorf("ReadDocument(%s) ok", name)
		}
		if _, _, r, ok := ReadCodeWithScope(src); ok || !bytes.Equal(r, src) {
			t.Errorf("ReadCodeWithScope(%s) ok", name)
		}
		if _, _, r, ok := ReadDBPointer(src); ok || !bytes.Equal(r, src) {
			t.Errorf("ReadDBPointer(%s) ok", name)
		}
	}
	if _, _, _, ok := ReadBinary([]byte{4, 0, 0, 0, 2, 9, 0, 0, 0}); ok {
		t.Error("ReadBinary accepted subtype 2 with a wrong inner length")
	}
	if _, _, _, ok := ReadBinary([]byte{2, 0, 0, 0, 0, 1}); ok {
		t.Error("ReadBinary accepted data shorter than its length")
	}
	if _, _, ok := ReadBoolean([]byte{2}); ok {
		t.Error("ReadBoolean accepted 2")
	}
	if _, _, _, ok := ReadRegex([]byte("a\x00b")); ok {
		t.Error("ReadRegex accepted options without a terminator")
	}
	for n := range 16 {
		short := make([]byte, n)
		if _, _, ok := ReadDecimal128(short); ok {
			t.Errorf("ReadDecimal128 accepted %d bytes", n)
		}
		if _, _, ok := ReadObjectID(short[:min(n, 11)]); ok {
			t.Errorf("ReadObjectID accepted %d bytes", min(n, 11))
		}
		if _, _, _, ok := ReadTimestamp(short[:min(n, 7)]); ok {
			t.Errorf("ReadTimestamp accepted %d bytes", min(n, 7))
		}
	}
	// Code with scope whose total length disagrees with its parts.
	cws := AppendCodeWithScope(nil, "c", []byte{5, 0, 0, 0, 0})
	cws[0]++
	cws = append(cws, 0)
	if _, _, _, ok := ReadCodeWithScope(cws); ok {
		t.Error("ReadCodeWithScope accepted a total length longer than its parts")
	}
}

func TestReadElementAndValue(t *testing.T) {
	src := AppendInt32Element(nil, "k", 5)
	src = AppendStringElement(src, "s", "v")
	el, rest, ok := ReadElement(src)
	if !ok || el.Key() != "k" || el.Type() != TypeInt32 {
		t.Fatalf("ReadElement = %v %q %s", ok, el.Key(), el.Type())
	}
	if i, ok := el.Value().Int32(); !ok || i != 5 {
		t.Errorf("value = %d, %v", i, ok)
	}
	el2, rest, ok := ReadElement(rest)
	if !ok || len(rest) != 0 || el2.Key() != "s" {
		t.Errorf("second element: ok=%v rest=%d key=%q", ok, len(rest), el2.Key())
	}
	if _, _, ok := ReadElement([]byte{0x10, 'k', 0, 1}); ok {
		t.Error("ReadElement accepted a truncated int32")
	}
	if _, _, ok := ReadElement([]byte{0x10, 'k'}); ok {
		t.Error("ReadElement accepted a key without NUL")
	}
	v, rest, ok := ReadValue([]byte{1, 2, 3, 4, 9}, TypeInt32)
	if !ok || len(rest) != 1 || len(v.Value) != 4 {
		t.Errorf("ReadValue = %v, %v, %v", v, rest, ok)
	}
	if _, _, ok := ReadValue([]byte{1}, Type(0x42)); ok {
		t.Error("ReadValue accepted an unknown type")
	}
}
