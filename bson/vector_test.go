package bson

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// The bson-binary-vector runner (specifications: source/bson-binary-vector).
// Every file below $MONGO_SPEC_DIR/bson-binary-vector/tests is read.

// vectorSkips is the runner's one skip list (empty: every case passes).
var vectorSkips = spectest.Skips{}

type vectorFile struct {
	TestKey string `json:"test_key"`
	Tests   []struct {
		Description string            `json:"description"`
		Valid       bool              `json:"valid"`
		Vector      []json.RawMessage `json:"vector"`
		DtypeHex    string            `json:"dtype_hex"`
		Padding     int               `json:"padding"`
		Canonical   string            `json:"canonical_bson"`
	} `json:"tests"`
}

func TestBSONBinaryVectorSpec(t *testing.T) {
	root := spectest.Dir(t, "bson-binary-vector", "tests")
	for _, path := range spectest.Files(t, ".json", "bson-binary-vector", "tests") {
		name := spectest.Name(root, path)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var f vectorFile
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, c := range f.Tests {
			t.Run(name+"/"+c.Description, func(t *testing.T) {
				vectorSkips.Check(t, name+"/"+c.Description)
				dtype, err := strconv.ParseUint(c.DtypeHex, 0, 8)
				if err != nil {
					t.Fatal(err)
				}
				var canonical []byte
				if c.Canonical != "" {
					if canonical, err = hex.DecodeString(c.Canonical); err != nil {
						t.Fatal(err)
					}
				}
				if c.Valid {
					runVectorValid(t, f.TestKey, byte(dtype), c.Padding, c.Vector, canonical)
					return
				}
				runVectorInvalid(t, byte(dtype), c.Padding, c.Vector, canonical)
			})
		}
	}
}

// runVectorValid encodes the values and compares with the canonical bytes,
// then decodes those and compares with the values.
func runVectorValid(t *testing.T, key string, dtype byte, padding int, raw []json.RawMessage, canonical []byte) {
	v, err := vectorFromSpec(dtype, padding, raw)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	got, err := Marshal(D{{Key: key, Value: v}})
	if err != nil || !bytes.Equal(got, canonical) {
		t.Fatalf("Marshal: %X, %v; want %X", got, err, canonical)
	}
	var out struct {
		V Vector `bson:"vector"`
	}
	if err := Unmarshal(canonical, &out); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	if !equalVectors(out.V, v) {
		t.Errorf("decoded %+v, want %+v", out.V, v)
	}
	// The same through Binary.
	bin, _ := Raw(canonical).Lookup(key).Binary()
	if v2, err := NewVectorFromBinary(bin); err != nil || !equalVectors(v2, v) {
		t.Errorf("NewVectorFromBinary: %+v, %v", v2, err)
	}
	if b := v.Binary(); b.Subtype != BinaryVector || !bytes.Equal(b.Data, bin.Data) {
		t.Errorf("Vector.Binary: %+v, want %+v", b, bin)
	}
}

// runVectorInvalid checks that the values (when given) cannot be encoded
// and that the bytes (when given) cannot be decoded.
func runVectorInvalid(t *testing.T, dtype byte, padding int, raw []json.RawMessage, canonical []byte) {
	if raw != nil {
		if v, err := vectorFromSpec(dtype, padding, raw); err == nil {
			t.Errorf("encoded %+v, want an error", v)
		}
	}
	if canonical != nil {
		var out struct {
			V Vector `bson:"vector"`
		}
		err := Unmarshal(canonical, &out)
		var de *DecodeError
		if !errors.As(err, &de) || de.Key != "vector" {
			t.Errorf("Unmarshal: %v, want a *DecodeError at vector", err)
		}
		bin, _ := Raw(canonical).Lookup("vector").Binary()
		if _, err := NewVectorFromBinary(bin); err == nil {
			t.Error("NewVectorFromBinary accepted it")
		}
	}
}

// vectorFromSpec makes a Vector of the spec's numbers, dtype and padding
// through the public API: NewVector for int8 and float32 without padding
// (Go's types refuse values out of range), the bytes of binary subtype 9
// and NewVectorFromBinary for those with padding (which no constructor
// takes), NewPackedBitVector for bits.
func vectorFromSpec(dtype byte, padding int, raw []json.RawMessage) (Vector, error) {
	nums := make([]float64, len(raw))
	for i, r := range raw {
		var x struct {
			D string `json:"$numberDouble"`
		}
		if json.Unmarshal(r, &x) == nil && x.D != "" {
			nums[i], _ = strconv.ParseFloat(x.D, 64)
		} else if err := json.Unmarshal(r, &nums[i]); err != nil {
			return Vector{}, err
		}
	}
	if padding < 0 || padding > math.MaxUint8 {
		return Vector{}, fmt.Errorf("padding %d is not a byte", padding)
	}
	switch dtype {
	case Int8Vector, PackedBitVector:
		lo, hi := -128.0, 127.0
		if dtype == PackedBitVector {
			lo, hi = 0, 255
		}
		b := make([]byte, len(nums))
		for i, x := range nums {
			if x != math.Trunc(x) || x < lo || x > hi {
				return Vector{}, fmt.Errorf("%v is not a %s", x, vectorDtypeName(dtype))
			}
			b[i] = byte(int(x))
		}
		if dtype == PackedBitVector {
			return NewPackedBitVector(b, uint8(padding))
		}
		if padding != 0 {
			return NewVectorFromBinary(Binary{Subtype: BinaryVector, Data: append([]byte{dtype, byte(padding)}, b...)})
		}
		i8 := make([]int8, len(b))
		for i := range b {
			i8[i] = int8(b[i])
		}
		return NewVector(i8), nil
	case Float32Vector:
		f := make([]float32, len(nums))
		for i, x := range nums {
			f[i] = float32(x)
		}
		if padding != 0 {
			data := NewVector(f).Binary().Data
			data[1] = byte(padding)
			return NewVectorFromBinary(Binary{Subtype: BinaryVector, Data: data})
		}
		return NewVector(f), nil
	}
	return NewVectorFromBinary(Binary{Subtype: BinaryVector, Data: []byte{dtype, byte(padding)}})
}

func equalVectors(a, b Vector) bool {
	if a.Type() != b.Type() {
		return false
	}
	ai, _ := a.Int8OK()
	bi, _ := b.Int8OK()
	af, _ := a.Float32OK()
	bf, _ := b.Float32OK()
	ab, ap, _ := a.PackedBitOK()
	bb, bp, _ := b.PackedBitOK()
	return slices.Equal(ai, bi) && slices.Equal(af, bf) && bytes.Equal(ab, bb) && ap == bp
}

// The specification's prose tests: non-zero ignored bits are refused when
// encoding and when decoding (the behaviour it prefers).
func TestVectorIgnoredBits(t *testing.T) {
	if _, err := NewPackedBitVector([]byte{0xFF}, 7); err == nil {
		t.Error("NewPackedBitVector([0xFF], 7) accepted non-zero padding bits")
	}
	if _, err := NewVectorFromBinary(Binary{Subtype: BinaryVector, Data: []byte{0x10, 0x07, 0xFF}}); err == nil {
		t.Error("decoding [0x10 0x07 0xFF] accepted non-zero padding bits")
	}
	v1, err1 := NewVectorFromBinary(Binary{Subtype: BinaryVector, Data: []byte{0x10, 0x07, 0x80}})
	v3, err3 := NewPackedBitVector([]byte{0x80}, 7)
	if err1 != nil || err3 != nil || !equalVectors(v1, v3) {
		t.Errorf("one set bit: %+v %v, %+v %v", v1, err1, v3, err3)
	}
}

func TestVectorInStruct(t *testing.T) {
	type doc struct {
		Name  string
		Emb   Vector
		Bits  *Vector `bson:",omitempty"`
		Empty *Vector `bson:",omitempty"`
	}
	bits, _ := NewPackedBitVector([]byte{0xF0}, 4)
	in := doc{Name: "x", Emb: NewVector([]float32{1.5, -2}), Bits: &bits}
	b, err := Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	want := testDoc(func(b []byte) []byte {
		b = AppendStringElement(b, "name", "x")
		b = AppendBinaryElement(b, "emb", BinaryVector, []byte{0x27, 0, 0, 0, 0xC0, 0x3F, 0, 0, 0, 0xC0})
		return AppendBinaryElement(b, "bits", BinaryVector, []byte{0x10, 4, 0xF0})
	})
	if !bytes.Equal(b, want) {
		t.Fatalf("Marshal: %v\nwant %v", Raw(b), Raw(want))
	}
	var out doc
	if err := Unmarshal(b, &out); err != nil || !equalVectors(out.Emb, in.Emb) || out.Bits == nil || !equalVectors(*out.Bits, bits) || out.Empty != nil {
		t.Errorf("Unmarshal: %+v, %v", out, err)
	}
	// A vector in a D, and the zero Vector.
	if b, err := Marshal(D{{Key: "v", Value: NewVector([]int8{-1})}}); err != nil || Raw(b).Lookup("v").Value[4] != BinaryVector {
		t.Errorf("in a D: %v %v", Raw(b), err)
	}
	var me *MarshalError
	if _, err := Marshal(doc{}); !errors.As(err, &me) || me.Key != "emb" {
		t.Errorf("zero Vector: %v", err)
	}
	// Binary of another subtype into a Vector.
	bad := testDoc(func(b []byte) []byte { return AppendBinaryElement(b, "emb", BinaryGeneric, []byte{3, 0}) })
	if err := Unmarshal(bad, &out); err == nil {
		t.Error("binary subtype 0 decoded into a Vector")
	}
}
