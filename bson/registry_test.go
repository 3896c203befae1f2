package bson

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// testDecimal stands for a decimal type of a package the user does not own
// (shopspring/decimal-like): unexported fields, no BSON methods. Its value
// is units * 10^-scale.
type testDecimal struct {
	units int64
	scale int32
}

func (d testDecimal) String() string {
	s := strconv.FormatInt(d.units, 10)
	if d.scale == 0 {
		return s
	}
	return s + "E-" + strconv.Itoa(int(d.scale))
}

// testUUID stands for a UUID type (google/uuid-like): a named [16]byte,
// which Marshal writes as binary subtype 0 unless a codec says 4.
type testUUID [16]byte

var errTestCodec = errors.New("test codec refuses this")

func testRegistry() *Registry {
	reg := NewRegistry()
	RegisterCodec(reg, Codec[testDecimal]{
		Encode: func(dst []byte, d testDecimal) (Type, []byte, error) {
			if d.units < 0 {
				return 0, dst, errTestCodec
			}
			x, err := ParseDecimal128(d.String())
			return TypeDecimal128, AppendDecimal128(dst, x), err
		},
		Decode: func(v RawValue, p *testDecimal) error {
			x, ok := v.Decimal128()
			if !ok {
				return fmt.Errorf("want a decimal128, got %s", v.Type)
			}
			s := x.String() // "123.45", or "1E-7" for small exponents
			var d testDecimal
			if i := strings.Index(s, "E-"); i >= 0 {
				sc, _ := strconv.Atoi(s[i+2:])
				d.scale, s = int32(sc), s[:i]
			}
			if i := strings.IndexByte(s, '.'); i >= 0 {
				d.scale += int32(len(s) - i - 1)
				s = s[:i] + s[i+1:]
			}
			var err error
			d.units, err = strconv.ParseInt(s, 10, 64)
			*p = d
			return err
		},
	})
	RegisterCodec(reg, Codec[testUUID]{
		Encode: func(dst []byte, u testUUID) (Type, []byte, error) {
			return TypeBinary, AppendBinary(dst, BinaryUUID, u[:]), nil
		},
		Decode: func(v RawValue, p *testUUID) error {
			b, ok := v.Binary()
			if !ok || b.Subtype != BinaryUUID || len(b.Data) != 16 {
				return errors.New("want binary subtype 4 of 16 bytes")
			}
			*p = testUUID(b.Data)
			return nil
		},
	})
	return reg
}

type order struct {
	ID     testUUID
	Price  testDecimal
	Backup *testUUID
	Lines  []testDecimal
	ByCode map[string]testUUID
	Any    any
}

func TestRegistryRoundTrip(t *testing.T) {
	reg := testRegistry()
	u := testUUID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	in := order{ID: u, Price: testDecimal{12345, 2}, Lines: []testDecimal{{1, 0}, {25, 1}},
		ByCode: map[string]testUUID{"a": u}, Any: testDecimal{7, 0}}
	got, err := Encoder{Registry: reg}.Marshal(&in)
	if err != nil {
		t.Fatal(err)
	}
	dec := func(s string) Decimal128 { d, _ := ParseDecimal128(s); return d }
	arr := func(vs ...Decimal128) []byte {
		a := testDoc(func(b []byte) []byte {
			for i, v := range vs {
				b = AppendDecimal128Element(b, ArrayKey(i), v)
			}
			return b
		})
		return a
	}
	want := testDoc(func(b []byte) []byte {
		b = AppendBinaryElement(b, "id", BinaryUUID, u[:])
		b = AppendDecimal128Element(b, "price", dec("12345E-2"))
		b = AppendNullElement(b, "backup")
		b = AppendArrayElement(b, "lines", arr(dec("1"), dec("25E-1")))
		b = AppendDocumentElement(b, "bycode", testDoc(func(b []byte) []byte {
			return AppendBinaryElement(b, "a", BinaryUUID, u[:])
		}))
		return AppendDecimal128Element(b, "any", dec("7"))
	})
	if !bytes.Equal(got, want) {
		t.Fatalf("Marshal with the registry:\n got %v\nwant %v", Raw(got), Raw(want))
	}
	var out order
	out.Any = new(testDecimal) // into the *T an interface holds
	if err := (Decoder{Registry: reg}).Unmarshal(got, &out); err != nil {
		t.Fatal(err)
	}
	if out.ID != u || out.Price != in.Price || out.Backup != nil || len(out.Lines) != 2 ||
		out.Lines[1] != in.Lines[1] || out.ByCode["a"] != u || *out.Any.(*testDecimal) != (testDecimal{7, 0}) {
		t.Errorf("Unmarshal with the registry: %+v", out)
	}

	// Without the registry, the same types keep their default forms.
	plain, err := Marshal(struct{ ID testUUID }{u})
	if err != nil {
		t.Fatal(err)
	}
	if v := Raw(plain).Lookup("id"); v.Type != TypeBinary || v.Value[4] != BinaryGeneric {
		t.Errorf("without the registry the UUID is %v", Raw(plain))
	}
}

// testDoc builds a document from the elements fill appends.
func testDoc(fill func([]byte) []byte) []byte {
	start, b := AppendDocumentStart(nil)
	b, _ = AppendDocumentEnd(fill(b), start)
	return b
}

func TestRegistryInGenericContainers(t *testing.T) {
	reg := testRegistry()
	u := testUUID{15: 1}
	for name, v := range map[string]any{
		"D": D{{Key: "id", Value: u}},
		"M": M{"id": u},
		"A": D{{Key: "id", Value: A{u}}},
		"*": D{{Key: "id", Value: &u}},
	} {
		b, err := Encoder{Registry: reg}.Marshal(v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		val := Raw(b).Lookup("id")
		if name == "A" {
			val, _ = RawArray(val.Value).Index(0)
		}
		if bin, ok := val.Binary(); !ok || bin.Subtype != BinaryUUID {
			t.Errorf("%s: %v", name, Raw(b))
		}
	}
	typ, val, err := Encoder{Registry: reg}.MarshalValue(testDecimal{5, 0})
	if err != nil || typ != TypeDecimal128 || len(val) != 16 {
		t.Errorf("MarshalValue: %v %v %v", typ, val, err)
	}
}

func TestRegistryOverridesKnownTypes(t *testing.T) {
	reg := NewRegistry()
	RegisterCodec(reg, Codec[time.Time]{Encode: func(dst []byte, x time.Time) (Type, []byte, error) {
		return TypeString, AppendString(dst, x.UTC().Format(time.RFC3339)), nil
	}})
	tm := time.Date(2026, 12, 5, 14, 0, 0, 0, time.UTC)
	for _, v := range []any{D{{Key: "t", Value: tm}}, struct{ T time.Time }{tm}} {
		b, err := Encoder{Registry: reg}.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if s, ok := Raw(b).Lookup("t").StringValue(); !ok || s != "2026-12-05T14:00:00Z" {
			t.Errorf("%T: %v", v, Raw(b))
		}
	}
	// Decode was left nil: the default conversion from an RFC 3339 string.
	var out struct{ T time.Time }
	b, _ := Encoder{Registry: reg}.Marshal(struct{ T time.Time }{tm})
	if err := (Decoder{Registry: reg}).Unmarshal(b, &out); err != nil || !out.T.Equal(tm) {
		t.Errorf("decode with the default codec: %v %v", out.T, err)
	}
}

func TestRegistryErrors(t *testing.T) {
	reg := testRegistry()
	_, err := Encoder{Registry: reg}.Marshal(struct{ P testDecimal }{testDecimal{-1, 0}})
	var me *MarshalError
	if !errors.As(err, &me) || !errors.Is(err, errTestCodec) || me.Key != "p" {
		t.Errorf("encoder error: %#v", err)
	}

	bad := NewRegistry()
	RegisterCodec(bad, Codec[testUUID]{Encode: func(dst []byte, u testUUID) (Type, []byte, error) {
		return TypeInt64, append(dst, 1, 2, 3), nil // three bytes are no int64
	}})
	if _, err := (Encoder{Registry: bad}).Marshal(struct{ U testUUID }{}); !errors.As(err, &me) || !strings.Contains(err.Error(), "malformed") {
		t.Errorf("malformed custom value: %v", err)
	}
	if _, err := (Encoder{Registry: reg}).Marshal(testUUID{}); err == nil || !strings.Contains(err.Error(), "custom codec writes a binary") {
		t.Errorf("top-level non-document: %v", err)
	}

	// A value the decoder refuses: an error with the key path and the
	// codec's own error.
	doc := testDoc(func(b []byte) []byte {
		return AppendDocumentElement(b, "o", testDoc(func(b []byte) []byte {
			return AppendStringElement(b, "id", "not a uuid")
		}))
	})
	var out struct{ O struct{ ID testUUID } }
	err = Decoder{Registry: reg}.Unmarshal(doc, &out)
	var de *DecodeError
	if !errors.As(err, &de) || de.Key != "o.id" || de.Err == nil {
		t.Errorf("decoder error: %#v", err)
	}
}

func TestRegistryRegisterAfterUse(t *testing.T) {
	reg := NewRegistry()
	type box struct{ U testUUID }
	b1, err := Encoder{Registry: reg}.Marshal(box{})
	if err != nil {
		t.Fatal(err)
	}
	RegisterCodec(reg, Codec[testUUID]{Encode: func(dst []byte, u testUUID) (Type, []byte, error) {
		return TypeString, AppendString(dst, "uuid"), nil
	}})
	b2, err := Encoder{Registry: reg}.Marshal(box{})
	if err != nil {
		t.Fatal(err)
	}
	if Raw(b1).Lookup("u").Type != TypeBinary || Raw(b2).Lookup("u").Type != TypeString {
		t.Errorf("before %v, after %v", Raw(b1), Raw(b2))
	}
}

func TestRegistryConcurrent(t *testing.T) {
	reg := testRegistry()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := order{ID: testUUID{0: byte(i)}, Price: testDecimal{int64(i), 1}}
			for range 50 {
				b, err := Encoder{Registry: reg}.Marshal(&in)
				var out order
				if err == nil {
					err = Decoder{Registry: reg}.Unmarshal(b, &out)
				}
				if err != nil || out.ID != in.ID || out.Price != in.Price {
					t.Errorf("goroutine %d: %+v %v", i, out, err)
					return
				}
			}
		}()
	}
	RegisterCodec(reg, Codec[int8]{}) // a registration while they run
	wg.Wait()
}
