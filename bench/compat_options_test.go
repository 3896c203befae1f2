package bench

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
	"time"

	obson "go.mongodb.org/mongo-driver/v2/bson"

	"github.com/torque-go/torque/bson"
)

// Issue 16: the Encoder and Decoder options of torque's bson against the
// official driver's options of the same names, byte for byte (encoding)
// and value for value (decoding).

type (
	optInner struct{ A int32 }
	optAll   struct {
		S   []int32
		B   []byte
		M   map[string]int32
		I64 int64
		U32 uint32
		U64 uint64
		U   uint
		I   int
		Str string
		In  optInner
		P   *optInner
		F   float64
		Any any
		Tm  time.Time
		Nst optNest
	}
	optNest struct {
		In optInner
		S  []int32
		X  int32
	}
	// Each JSON-tagged type is used under one option only: the official
	// driver caches a struct's description by type alone, whatever the
	// option it was described under.
	optJSON struct {
		Name  string `json:"full_name"`
		Age   int32  `json:"age,omitempty"`
		Both  int32  `bson:"b" json:"j"`
		Skip  int32  `json:"-"`
		Plain int32
	}
	optJSONZero optJSON
	optTagged   struct {
		X  optInner `bson:",omitempty"`
		Y  []int32  `bson:",omitempty"`
		I8 int64    `bson:",omitempty"`
		N  optNest  `bson:",omitempty"`
	}
)

// officialMarshal marshals v with the official driver's Encoder, after
// set has switched its options on.
func officialMarshal(v any, set func(*obson.Encoder)) ([]byte, error) {
	buf := new(bytes.Buffer)
	enc := obson.NewEncoder(obson.NewDocumentWriter(buf))
	set(enc)
	err := enc.Encode(v)
	return buf.Bytes(), err
}

func TestCompatEncoderOptions(t *testing.T) {
	same := func(v any) [2]any { return [2]any{v, v} }
	values := map[string][2]any{ // torque's value, the official driver's
		"nils":          same(optAll{}),
		"small ints":    same(optAll{I64: 5, U32: 6, U64: 7, U: 8, I: 9}),
		"big ints":      same(optAll{I64: 1 << 40, U32: 1 << 31, U64: 1 << 40, U: 1 << 33, I: 1 << 35}),
		"values":        same(optAll{S: []int32{}, B: []byte{}, M: map[string]int32{}, Str: "x", F: 1.5, P: &optInner{}, Nst: optNest{S: []int32{}}}),
		"tagged zero":   same(optTagged{}),
		"tagged values": same(optTagged{X: optInner{1}, Y: []int32{1}, I8: 2, N: optNest{X: 1}}),
		"map of struct": same(map[string]optNest{"k": {}}),
		"D nils": {
			bson.D{{Key: "s", Value: []int32(nil)}, {Key: "d", Value: bson.D(nil)}, {Key: "m", Value: bson.M(nil)}, {Key: "a", Value: bson.A(nil)}, {Key: "b", Value: []byte(nil)}, {Key: "i", Value: int64(3)}, {Key: "mp", Value: map[string]int32(nil)}},
			obson.D{{Key: "s", Value: []int32(nil)}, {Key: "d", Value: obson.D(nil)}, {Key: "m", Value: obson.M(nil)}, {Key: "a", Value: obson.A(nil)}, {Key: "b", Value: []byte(nil)}, {Key: "i", Value: int64(3)}, {Key: "mp", Value: map[string]int32(nil)}},
		},
		"D ints": {
			bson.D{{Key: "i", Value: int64(3)}, {Key: "j", Value: int64(1 << 40)}, {Key: "u", Value: uint64(4)}, {Key: "n", Value: bson.D{{Key: "i", Value: int64(5)}}}},
			obson.D{{Key: "i", Value: int64(3)}, {Key: "j", Value: int64(1 << 40)}, {Key: "u", Value: uint64(4)}, {Key: "n", Value: obson.D{{Key: "i", Value: int64(5)}}}},
		},
	}
	options := []struct {
		name     string
		torque   bson.Encoder
		official func(*obson.Encoder)
	}{
		{"none", bson.Encoder{}, func(*obson.Encoder) {}},
		{"NilSliceAsEmpty", bson.Encoder{NilSliceAsEmpty: true}, (*obson.Encoder).NilSliceAsEmpty},
		{"NilByteSliceAsEmpty", bson.Encoder{NilByteSliceAsEmpty: true}, (*obson.Encoder).NilByteSliceAsEmpty},
		{"NilMapAsEmpty", bson.Encoder{NilMapAsEmpty: true}, (*obson.Encoder).NilMapAsEmpty},
		{"OmitEmpty", bson.Encoder{OmitEmpty: true}, (*obson.Encoder).OmitEmpty},
		{"OmitZeroStruct", bson.Encoder{OmitZeroStruct: true}, (*obson.Encoder).OmitZeroStruct},
		{"OmitEmpty+OmitZeroStruct", bson.Encoder{OmitEmpty: true, OmitZeroStruct: true}, func(e *obson.Encoder) { e.OmitEmpty(); e.OmitZeroStruct() }},
		{"IntMinSize", bson.Encoder{IntMinSize: true}, (*obson.Encoder).IntMinSize},
		{"UseJSONStructTags", bson.Encoder{UseJSONStructTags: true}, (*obson.Encoder).UseJSONStructTags},
	}
	json := optJSON{Name: "n", Both: 2, Skip: 3, Plain: 4}
	want, _ := officialMarshal(json, (*obson.Encoder).UseJSONStructTags)
	got, err := bson.Encoder{UseJSONStructTags: true}.Marshal(json)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("UseJSONStructTags:\nofficial %v\n  torque %v %v", bson.Raw(want), bson.Raw(got), err)
	}
	want, _ = officialMarshal(optJSONZero{}, (*obson.Encoder).UseJSONStructTags)
	got, err = bson.Encoder{UseJSONStructTags: true}.Marshal(optJSONZero{})
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("UseJSONStructTags, zero:\nofficial %v\n  torque %v %v", bson.Raw(want), bson.Raw(got), err)
	}
	for _, o := range options {
		for name, v := range values {
			want, werr := officialMarshal(v[1], o.official)
			got, gerr := o.torque.Marshal(v[0])
			switch {
			case (werr != nil) != (gerr != nil):
				t.Errorf("%s / %s: official error %v, torque error %v", o.name, name, werr, gerr)
			case werr == nil && !bytes.Equal(got, want):
				t.Errorf("%s / %s:\nofficial %v\n  torque %v", o.name, name, bson.Raw(want), bson.Raw(got))
			}
		}
	}
}

type (
	optTime struct{ T time.Time }
	optMap  struct{ M map[string]int32 }
	optSt   struct {
		A int32
		B int32
		N optInner
	}
	optOID   struct{ S string }
	optTrunc struct{ I int32 }
)

func TestCompatDecoderOptions(t *testing.T) {
	doc := func(v any) []byte {
		b, err := obson.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	oid := obson.NewObjectID()
	tm := time.Date(2026, 12, 5, 14, 0, 0, 123e6, time.UTC)
	type optJSONDec optJSON
	cases := []struct {
		name     string
		data     []byte
		into     func() any // a fresh target, possibly with contents
		torque   bson.Decoder
		official func(*obson.Decoder)
	}{
		{"UseLocalTimeZone", doc(obson.D{{Key: "t", Value: tm}}), func() any { return new(optTime) },
			bson.Decoder{UseLocalTimeZone: true}, (*obson.Decoder).UseLocalTimeZone},
		{"UTC by default", doc(obson.D{{Key: "t", Value: tm}}), func() any { return new(optTime) },
			bson.Decoder{}, func(*obson.Decoder) {}},
		{"ZeroMaps", doc(obson.D{{Key: "m", Value: obson.D{{Key: "b", Value: int32(2)}}}}), func() any { return &optMap{M: map[string]int32{"a": 1}} },
			bson.Decoder{ZeroMaps: true}, (*obson.Decoder).ZeroMaps},
		{"maps merge by default", doc(obson.D{{Key: "m", Value: obson.D{{Key: "b", Value: int32(2)}}}}), func() any { return &optMap{M: map[string]int32{"a": 1}} },
			bson.Decoder{}, func(*obson.Decoder) {}},
		{"ZeroStructs", doc(obson.D{{Key: "a", Value: int32(5)}}), func() any { return &optSt{A: 1, B: 2, N: optInner{3}} },
			bson.Decoder{ZeroStructs: true}, (*obson.Decoder).ZeroStructs},
		{"ObjectIDAsHexString", doc(obson.D{{Key: "s", Value: oid}}), func() any { return new(optOID) },
			bson.Decoder{ObjectIDAsHexString: true}, (*obson.Decoder).ObjectIDAsHexString},
		{"AllowTruncatingDoubles", doc(obson.D{{Key: "i", Value: 2.75}}), func() any { return new(optTrunc) },
			bson.Decoder{AllowTruncatingDoubles: true}, (*obson.Decoder).AllowTruncatingDoubles},
		{"UseJSONStructTags", doc(obson.D{{Key: "full_name", Value: "n"}, {Key: "age", Value: int32(3)}, {Key: "b", Value: int32(4)}}), func() any { return new(optJSONDec) },
			bson.Decoder{UseJSONStructTags: true}, (*obson.Decoder).UseJSONStructTags},
		{"DefaultDocumentM", doc(obson.D{{Key: "x", Value: obson.D{{Key: "y", Value: int32(1)}}}}), func() any { return new(map[string]any) },
			bson.Decoder{DefaultDocumentM: true}, (*obson.Decoder).DefaultDocumentM},
		{"BinaryAsSlice", doc(obson.D{{Key: "x", Value: obson.Binary{Data: []byte{1, 2}}}}), func() any { return new(map[string]any) },
			bson.Decoder{BinaryAsSlice: true}, (*obson.Decoder).BinaryAsSlice},
	}
	for _, c := range cases {
		want, got := c.into(), c.into()
		od := obson.NewDecoder(obson.NewDocumentReader(bytes.NewReader(c.data)))
		c.official(od)
		werr := od.Decode(want)
		gerr := c.torque.Unmarshal(c.data, got)
		if (werr != nil) != (gerr != nil) {
			t.Errorf("%s: official error %v, torque error %v", c.name, werr, gerr)
			continue
		}
		if werr == nil && !sameDecoded(want, got) {
			t.Errorf("%s:\nofficial %#v\n  torque %#v", c.name, want, got)
		}
	}
}

// sameDecoded compares what both drivers decoded: the official driver's
// D, M, A and Binary against torque's types of the same shape, and times
// by instant and zone.
func sameDecoded(want, got any) bool {
	if wt, ok := want.(*optTime); ok {
		gt := got.(*optTime)
		return wt.T.Equal(gt.T) && wt.T.Location() == gt.T.Location()
	}
	return reflect.DeepEqual(normalize(reflect.ValueOf(want)), normalize(reflect.ValueOf(got)))
}

// normalize turns the official driver's generic values into torque's.
func normalize(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	switch x := v.Interface().(type) {
	case obson.M:
		m := bson.M{}
		for k, e := range x {
			m[k] = normalize(reflect.ValueOf(e))
		}
		return m
	case obson.Binary:
		return bson.Binary{Subtype: x.Subtype, Data: x.Data}
	case bson.M:
		m := bson.M{}
		for k, e := range x {
			m[k] = normalize(reflect.ValueOf(e))
		}
		return m
	case map[string]any:
		m := map[string]any{}
		for k, e := range x {
			m[k] = normalize(reflect.ValueOf(e))
		}
		return m
	}
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		return normalize(v.Elem())
	}
	return v.Interface()
}

// optKey is a map key that marshals itself as text.
type optKey struct{ a, b string }

func (k optKey) MarshalText() ([]byte, error) { return []byte(k.a + ":" + k.b), nil }
func (k *optKey) UnmarshalText(b []byte) error {
	a, rest, ok := bytes.Cut(b, []byte(":"))
	if !ok {
		return errTextKey
	}
	k.a, k.b = string(a), string(rest)
	return nil
}

var errTextKey = errors.New("key without a colon")

// Maps whose keys are not strings: integers and encoding.TextMarshaler
// keys, both ways (one key per map, so that Go's map order cannot vary).
func TestCompatMapKeys(t *testing.T) {
	values := map[string]any{
		"int":          struct{ M map[int]string }{map[int]string{-5: "a"}},
		"int8":         struct{ M map[int8]int32 }{map[int8]int32{7: 1}},
		"int64":        struct{ M map[int64]bool }{map[int64]bool{1 << 40: true}},
		"uint16":       struct{ M map[uint16]string }{map[uint16]string{9: "b"}},
		"uint64":       struct{ M map[uint64]string }{map[uint64]string{1 << 63: "c"}},
		"TextMarshal":  struct{ M map[optKey]int32 }{map[optKey]int32{{"x", "y"}: 3}},
		"top-level":    map[int]string{1: "a"},
		"nested value": struct{ M map[int]map[optKey]string }{map[int]map[optKey]string{2: {{"p", "q"}: "r"}}},
	}
	for name, v := range values {
		want, oerr := obson.Marshal(v)
		got, terr := bson.Marshal(v)
		if (oerr == nil) != (terr == nil) || !bytes.Equal(got, want) {
			t.Errorf("marshal %s: torque %v, %v; official %v, %v", name, bson.Raw(got), terr, bson.Raw(want), oerr)
			continue
		}
		if oerr != nil {
			continue
		}
		tv, ov := reflect.New(reflect.TypeOf(v)), reflect.New(reflect.TypeOf(v))
		terr = bson.Unmarshal(want, tv.Interface())
		oerr = obson.Unmarshal(want, ov.Interface())
		if (oerr == nil) != (terr == nil) || !reflect.DeepEqual(tv.Interface(), ov.Interface()) {
			t.Errorf("unmarshal %s: torque %+v, %v; official %+v, %v", name, tv.Elem(), terr, ov.Elem(), oerr)
		}
	}
	// Keys that do not parse: both refuse them.
	bad, _ := obson.Marshal(obson.D{{Key: "m", Value: obson.D{{Key: "nocolon", Value: int32(1)}}}})
	var tm, om struct{ M map[optKey]int32 }
	if terr, oerr := bson.Unmarshal(bad, &tm), obson.Unmarshal(bad, &om); terr == nil || oerr == nil {
		t.Errorf("bad text key: torque %v, official %v", terr, oerr)
	}
	big, _ := obson.Marshal(obson.D{{Key: "m", Value: obson.D{{Key: "300", Value: int32(1)}}}})
	var ti, oi struct{ M map[int8]int32 }
	if terr, oerr := bson.Unmarshal(big, &ti), obson.Unmarshal(big, &oi); terr == nil || oerr == nil {
		t.Errorf("int8 key 300: torque %v, official %v", terr, oerr)
	}
}
