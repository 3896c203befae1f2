package bson

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

// coreReply builds a reply shaped like a find command's:
// {ok: 1.0, cursor: {id: int64(0), ns: "db.c", firstBatch: [{_id: 1, name: "a"}, {_id: 2, tags: ["x", "y"]}]}}
func coreReply() Raw {
	first := coreDoc(AppendInt32Element(nil, "_id", 1), AppendStringElement(nil, "name", "a"))
	tags := coreDoc(AppendStringElement(nil, "0", "x"), AppendStringElement(nil, "1", "y"))
	second := coreDoc(AppendInt32Element(nil, "_id", 2), AppendArrayElement(nil, "tags", tags))
	batch := coreDoc(AppendDocumentElement(nil, "0", first), AppendDocumentElement(nil, "1", second))
	cursor := coreDoc(AppendInt64Element(nil, "id", 0), AppendStringElement(nil, "ns", "db.c"),
		AppendArrayElement(nil, "firstBatch", batch))
	return coreDoc(AppendDoubleElement(nil, "ok", 1), AppendDocumentElement(nil, "cursor", cursor))
}

func TestLookupPaths(t *testing.T) {
	r := coreReply()
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	if ok, _ := r.Lookup("ok").AsInt64(); ok != 1 {
		t.Errorf("ok = %d", ok)
	}
	if ns, _ := r.Lookup("cursor", "ns").StringValue(); ns != "db.c" {
		t.Errorf("cursor.ns = %q", ns)
	}
	if name, _ := r.Lookup("cursor", "firstBatch", "0", "name").StringValue(); name != "a" {
		t.Errorf("name = %q", name)
	}
	if tag, _ := r.Lookup("cursor", "firstBatch", "1", "tags", "1").StringValue(); tag != "y" {
		t.Errorf("tag = %q", tag)
	}
	for _, path := range [][]string{{}, {"missing"}, {"cursor", "missing"}, {"cursor", "firstBatch", "2"}} {
		v, err := r.LookupErr(path...)
		if !errors.Is(err, ErrElementNotFound) || !v.IsZero() {
			t.Errorf("LookupErr(%q) = %v, %v; want zero, ErrElementNotFound", path, v, err)
		}
		if !r.Lookup(path...).IsZero() {
			t.Errorf("Lookup(%q) not zero", path)
		}
	}
	// Descending into a value that is not a document.
	_, err := r.LookupErr("cursor", "ns", "x")
	if !errors.Is(err, ErrElementNotFound) || !strings.Contains(err.Error(), `"cursor.ns" is a string`) {
		t.Errorf("LookupErr into a string: %v", err)
	}
}

func TestLookupMalformed(t *testing.T) {
	// {a: {b: 1, c: <truncated int32>}} with consistent outer lengths.
	inner := coreDoc(AppendInt32Element(nil, "b", 1), []byte{0x10, 'c', 0, 1, 2})
	r := coreDoc(AppendDocumentElement(nil, "a", inner))
	if v, err := r.LookupErr("a", "b"); err != nil {
		t.Errorf("a.b before the damage: %v", err)
	} else if i, _ := v.Int32(); i != 1 {
		t.Errorf("a.b = %d", i)
	}
	_, err := r.LookupErr("a", "zz")
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("LookupErr past a truncated element: %v", err)
	}
	// The damaged value starts at 4 (outer length) + 3 ("a" header) + 4
	// (inner length) + 7 (element b) + 3 ("c" header) = 21.
	if de.Offset != 21 || de.Key != "a.c" {
		t.Errorf("offset %d key %q, want 21 \"a.c\"", de.Offset, de.Key)
	}
	for _, bad := range []Raw{nil, {1}, {5, 0, 0, 0, 1}, {0xff, 0xff, 0xff, 0x7f, 0}} {
		if _, err := bad.LookupErr("a"); err == nil || errors.Is(err, ErrElementNotFound) {
			t.Errorf("LookupErr on % x: %v, want a decode error", []byte(bad), err)
		}
		if _, err := bad.Elements(); err == nil {
			t.Errorf("Elements on % x succeeded", []byte(bad))
		}
		if _, err := bad.Index(0); err == nil {
			t.Errorf("Index on % x succeeded", []byte(bad))
		}
		for range bad.All() {
			t.Errorf("All on % x yielded", []byte(bad))
		}
	}
}

func TestLookupDoesNotAllocate(t *testing.T) {
	r := coreReply()
	n := testing.AllocsPerRun(100, func() {
		v := r.Lookup("cursor", "firstBatch", "1", "tags", "1")
		if v.Type != TypeString {
			panic("lookup failed")
		}
		if _, err := r.LookupErr("cursor", "nothere"); err != ErrElementNotFound {
			panic(err)
		}
	})
	if n != 0 {
		t.Errorf("Lookup allocates %v times per run", n)
	}
	n = testing.AllocsPerRun(100, func() {
		if err := r.Validate(); err != nil {
			panic(err)
		}
	})
	if n != 0 {
		t.Errorf("Validate allocates %v times per run", n)
	}
}

func TestElementsIndexAll(t *testing.T) {
	r := coreDoc(AppendInt32Element(nil, "a", 1), AppendStringElement(nil, "b", "two"), AppendNullElement(nil, "c"))
	els, err := r.Elements()
	if err != nil || len(els) != 3 {
		t.Fatalf("Elements = %d, %v", len(els), err)
	}
	var keys []string
	for _, el := range els {
		keys = append(keys, el.Key())
	}
	if !slices.Equal(keys, []string{"a", "b", "c"}) {
		t.Errorf("keys = %q", keys)
	}
	el, err := r.Index(1)
	if s, _ := el.Value().StringValue(); err != nil || el.Key() != "b" || s != "two" {
		t.Errorf("Index(1) = %q %q %v", el.Key(), s, err)
	}
	if _, err := r.Index(3); !errors.Is(err, ErrElementNotFound) {
		t.Errorf("Index(3) = %v", err)
	}
	if _, err := r.Index(-1); !errors.Is(err, ErrElementNotFound) {
		t.Errorf("Index(-1) = %v", err)
	}
	keys = keys[:0]
	var types []Type
	for k, v := range r.All() {
		keys = append(keys, k)
		types = append(types, v.Type)
	}
	if !slices.Equal(keys, []string{"a", "b", "c"}) || !slices.Equal(types, []Type{TypeInt32, TypeString, TypeNull}) {
		t.Errorf("All = %q %v", keys, types)
	}
	n := 0
	for range r.All() {
		n++
		break
	}
	for range r.AllElements() {
		n++
		break
	}
	if n != 2 {
		t.Errorf("break inside the loops: %d iterations", n)
	}
	// A malformed element stops the iteration after the good ones.
	bad := coreDoc(AppendInt32Element(nil, "a", 1), []byte{0x10, 'z', 0, 1})
	keys = keys[:0]
	for k := range bad.All() {
		keys = append(keys, k)
	}
	if !slices.Equal(keys, []string{"a"}) {
		t.Errorf("All over a bad document = %q", keys)
	}
	if els, err := bad.Elements(); err == nil || len(els) != 1 {
		t.Errorf("Elements over a bad document = %d, %v", len(els), err)
	}
}

func TestRawArray(t *testing.T) {
	arr := RawArray(coreDoc(AppendInt32Element(nil, "0", 10), AppendInt64Element(nil, "1", 20), AppendDoubleElement(nil, "2", 30)))
	if err := arr.Validate(); err != nil {
		t.Fatal(err)
	}
	vals, err := arr.Values()
	if err != nil || len(vals) != 3 {
		t.Fatalf("Values = %d, %v", len(vals), err)
	}
	sum := int64(0)
	for i, v := range arr.All() {
		n, ok := v.AsInt64()
		if !ok || n != int64(10*(i+1)) {
			t.Errorf("element %d = %d, %v", i, n, ok)
		}
		sum += n
	}
	if sum != 60 {
		t.Errorf("sum = %d", sum)
	}
	if v, err := arr.Index(1); err != nil || v.Type != TypeInt64 {
		t.Errorf("Index(1) = %v, %v", v, err)
	}
	if _, err := arr.Index(5); !errors.Is(err, ErrElementNotFound) {
		t.Errorf("Index(5) = %v", err)
	}
	if vals, err := RawArray(coreDoc()).Values(); err != nil || len(vals) != 0 {
		t.Errorf("empty array Values = %v, %v", vals, err)
	}
	if _, err := (RawArray{1, 2}).Values(); err == nil {
		t.Error("Values of 2 bytes succeeded")
	}
}

func TestRawValueAccessorsRefuse(t *testing.T) {
	i32 := RawValue{Type: TypeInt32, Value: []byte{1, 0, 0, 0}}
	if _, ok := i32.Double(); ok {
		t.Error("Double on int32")
	}
	if _, ok := i32.StringValue(); ok {
		t.Error("StringValue on int32")
	}
	if _, ok := i32.Int64(); ok {
		t.Error("Int64 on int32")
	}
	if n, ok := i32.AsInt64(); !ok || n != 1 {
		t.Errorf("AsInt64 on int32 = %d, %v", n, ok)
	}
	if f, ok := i32.AsFloat64(); !ok || f != 1 {
		t.Errorf("AsFloat64 on int32 = %v, %v", f, ok)
	}
	for _, f := range []float64{1.5, math.NaN(), math.Inf(1), 1e19, -1e19} {
		v := RawValue{Type: TypeDouble, Value: AppendDouble(nil, f)}
		if n, ok := v.AsInt64(); ok {
			t.Errorf("AsInt64(%v) = %d, want refusal", f, n)
		}
	}
	if n, ok := (RawValue{Type: TypeDouble, Value: AppendDouble(nil, -42)}).AsInt64(); !ok || n != -42 {
		t.Errorf("AsInt64(-42.0) = %d, %v", n, ok)
	}
	if _, ok := (RawValue{Type: TypeString, Value: AppendString(nil, "1")}).AsInt64(); ok {
		t.Error("AsInt64 on a string")
	}
	// Every accessor on truncated bytes of its own type says no.
	short := []byte{1}
	checks := map[string]bool{}
	_, checks["Double"] = RawValue{TypeDouble, short}.Double()
	_, checks["StringValue"] = RawValue{TypeString, short}.StringValue()
	_, checks["Document"] = RawValue{TypeEmbeddedDocument, short}.Document()
	_, checks["Array"] = RawValue{TypeArray, short}.Array()
	_, checks["Binary"] = RawValue{TypeBinary, short}.Binary()
	_, checks["ObjectID"] = RawValue{TypeObjectID, short}.ObjectID()
	_, checks["Boolean"] = RawValue{TypeBoolean, []byte{9}}.Boolean()
	_, checks["DateTime"] = RawValue{TypeDateTime, short}.DateTime()
	_, checks["Time"] = RawValue{TypeDateTime, short}.Time()
	_, _, checks["Regex"] = RawValue{TypeRegex, short}.Regex()
	_, _, checks["DBPointer"] = RawValue{TypeDBPointer, short}.DBPointer()
	_, checks["JavaScript"] = RawValue{TypeJavaScript, short}.JavaScript()
	_, checks["Symbol"] = RawValue{TypeSymbol, short}.Symbol()
	_, _, checks["CodeWithScope"] = RawValue{TypeCodeWithScope, short}.CodeWithScope()
	_, checks["Int32"] = RawValue{TypeInt32, short}.Int32()
	_, _, checks["Timestamp"] = RawValue{TypeTimestamp, short}.Timestamp()
	_, checks["Int64"] = RawValue{TypeInt64, short}.Int64()
	_, checks["Decimal128"] = RawValue{TypeDecimal128, short}.Decimal128()
	for name, ok := range checks {
		if ok {
			t.Errorf("%s accepted one byte", name)
		}
	}
	if zero := (RawValue{}); !zero.IsZero() || i32.IsZero() {
		t.Error("IsZero wrong")
	}
	if !i32.Equal(RawValue{Type: TypeInt32, Value: []byte{1, 0, 0, 0}}) || i32.Equal(RawValue{Type: TypeInt32, Value: []byte{2, 0, 0, 0}}) {
		t.Error("Equal wrong")
	}
}

func TestRawValueTime(t *testing.T) {
	v := RawValue{Type: TypeDateTime, Value: AppendDateTime(nil, 1700000000123)}
	tm, ok := v.Time()
	if !ok || tm.UnixMilli() != 1700000000123 || tm.Location().String() != "UTC" {
		t.Errorf("Time = %v, %v", tm, ok)
	}
}

func TestRawElementMalformed(t *testing.T) {
	for _, e := range []RawElement{nil, {0x10}, {0x10, 'a'}} {
		if e.Key() != "" || !e.Value().IsZero() || e.Validate() == nil {
			t.Errorf("RawElement % x: key %q value %v", []byte(e), e.Key(), e.Value())
		}
	}
	if (RawElement{}).Type() != 0 {
		t.Error("Type of empty element")
	}
}
