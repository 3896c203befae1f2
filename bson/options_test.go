package bson

import (
	"testing"
	"time"
)

// The Encoder and Decoder options, each on a value where it matters
// (bench/compat_options_test.go checks the same bytes against the
// official driver).

type optsInner struct{ A int32 }

type optsDoc struct {
	S   []int32
	B   []byte
	M   map[string]int32
	D   D
	I64 int64
	U32 uint32
	In  optsInner
	E   string
	J   int32 `json:"jay,omitempty"`
}

func TestEncoderOptions(t *testing.T) {
	v := optsDoc{I64: 5, U32: 6}
	for _, c := range []struct {
		enc  Encoder
		want string
	}{
		{Encoder{}, `{"s":null,"b":null,"m":null,"d":null,"i64":{"$numberLong":"5"},"u32":{"$numberLong":"6"},"in":{"a":{"$numberInt":"0"}},"e":"","j":{"$numberInt":"0"}}`},
		{Encoder{NilSliceAsEmpty: true}, `{"s":[],"b":null,"m":null,"d":{},"i64":{"$numberLong":"5"},"u32":{"$numberLong":"6"},"in":{"a":{"$numberInt":"0"}},"e":"","j":{"$numberInt":"0"}}`},
		{Encoder{NilByteSliceAsEmpty: true}, `{"s":null,"b":{"$binary":{"base64":"","subType":"00"}},"m":null,"d":null,"i64":{"$numberLong":"5"},"u32":{"$numberLong":"6"},"in":{"a":{"$numberInt":"0"}},"e":"","j":{"$numberInt":"0"}}`},
		{Encoder{NilMapAsEmpty: true}, `{"s":null,"b":null,"m":{},"d":null,"i64":{"$numberLong":"5"},"u32":{"$numberLong":"6"},"in":{"a":{"$numberInt":"0"}},"e":"","j":{"$numberInt":"0"}}`},
		{Encoder{IntMinSize: true}, `{"s":null,"b":null,"m":null,"d":null,"i64":{"$numberInt":"5"},"u32":{"$numberInt":"6"},"in":{"a":{"$numberInt":"0"}},"e":"","j":{"$numberInt":"0"}}`},
		{Encoder{OmitEmpty: true}, `{"i64":{"$numberLong":"5"},"u32":{"$numberLong":"6"},"in":{"a":{"$numberInt":"0"}}}`},
		{Encoder{OmitEmpty: true, OmitZeroStruct: true}, `{"i64":{"$numberLong":"5"},"u32":{"$numberLong":"6"}}`},
		{Encoder{UseJSONStructTags: true}, `{"s":null,"b":null,"m":null,"d":null,"i64":{"$numberLong":"5"},"u32":{"$numberLong":"6"},"in":{"a":{"$numberInt":"0"}},"e":""}`},
	} {
		b, err := c.enc.Marshal(v)
		if err != nil {
			t.Fatalf("%+v: %v", c.enc, err)
		}
		if got := canonicalJSON(t, b); got != c.want {
			t.Errorf("%+v:\n got %s\nwant %s", c.enc, got, c.want)
		}
	}
	// The options reach the values of a D too.
	b, err := Encoder{IntMinSize: true, NilMapAsEmpty: true}.Marshal(D{{Key: "i", Value: int64(1)}, {Key: "m", Value: M(nil)}})
	if got := canonicalJSON(t, b); err != nil || got != `{"i":{"$numberInt":"1"},"m":{}}` {
		t.Errorf("D: %s %v", got, err)
	}
}

// canonicalJSON is doc in canonical Extended JSON, which tells int32 from
// int64.
func canonicalJSON(t *testing.T, doc []byte) string {
	t.Helper()
	j, err := AppendExtJSON(nil, doc, true)
	if err != nil {
		t.Fatal(err)
	}
	return string(j)
}

func TestDecoderOptions(t *testing.T) {
	when := time.Date(2026, 12, 5, 14, 0, 0, 0, time.UTC)
	doc := testDoc(func(b []byte) []byte {
		b = AppendDateTimeElement(b, "t", when.UnixMilli())
		b = AppendDoubleElement(b, "i", 2.75)
		b = AppendObjectIDElement(b, "s", ObjectID{11: 1})
		b = AppendBinaryElement(b, "x", BinaryGeneric, []byte{1})
		b = AppendDocumentElement(b, "m", testDoc(func(b []byte) []byte { return AppendInt32Element(b, "b", 2) }))
		return AppendInt32Element(b, "jay", 3)
	})
	type target struct {
		T time.Time
		I int32
		S string
		X any
		M map[string]int32
		J int32 `json:"jay"`
		K int32
	}
	if err := Unmarshal(doc, &target{}); err == nil {
		t.Error("default: a double with a fraction and an ObjectID into a string decoded")
	}
	out := target{M: map[string]int32{"a": 1}, K: 9}
	dec := Decoder{UseLocalTimeZone: true, AllowTruncatingDoubles: true, ObjectIDAsHexString: true,
		BinaryAsSlice: true, ZeroMaps: true, ZeroStructs: true, UseJSONStructTags: true}
	if err := dec.Unmarshal(doc, &out); err != nil {
		t.Fatal(err)
	}
	if out.T.Location() != time.Local || !out.T.Equal(when) || out.I != 2 || out.S != "000000000000000000000001" ||
		len(out.M) != 1 || out.M["b"] != 2 || out.J != 3 || out.K != 0 {
		t.Errorf("decoded %+v", out)
	}
	if x, ok := out.X.([]byte); !ok || len(x) != 1 {
		t.Errorf("BinaryAsSlice: %#v", out.X)
	}
}
