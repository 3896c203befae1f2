package bson

import (
	"encoding/binary"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// The dtypes of a Vector: the first byte of the data of binary subtype 9
// (BinaryVector). The names are the official Go driver's.
const (
	Int8Vector      byte = 0x03 // signed 8-bit integers
	Float32Vector   byte = 0x27 // little-endian IEEE 754 float32
	PackedBitVector byte = 0x10 // single bits, eight to a byte, most significant first
)

// Vector is a dense array of numbers or bits, stored as binary subtype 9
// (the BSON binary vector specification): the dtype byte, a padding byte
// (how many bits of the last byte a packed-bit vector does not use; 0 for
// the other dtypes), then the values. MongoDB's vector search indexes read
// it. Make one with NewVector, NewPackedBitVector or NewVectorFromBinary;
// a struct field of type Vector marshals to binary subtype 9 and unmarshals
// from it, with the same checks. The zero Vector has no dtype and cannot be
// marshaled (use *Vector with omitempty for an optional one).
//
// A Vector holds its own copy of its values, which its methods return
// without copying: do not modify them.
type Vector struct {
	dtype   byte
	int8s   []int8
	floats  []float32
	bits    []byte
	padding uint8
}

// NewVector returns an int8 or float32 vector of a copy of data.
func NewVector[T int8 | float32](data []T) Vector {
	switch d := any(data).(type) {
	case []int8:
		return Vector{dtype: Int8Vector, int8s: append(make([]int8, 0, len(d)), d...)}
	case []float32:
		return Vector{dtype: Float32Vector, floats: append(make([]float32, 0, len(d)), d...)}
	}
	return Vector{} // unreachable: T is int8 or float32
}

// NewPackedBitVector returns a packed-bit vector of a copy of bits, whose
// last byte leaves its padding lowest bits unused. padding is at most 7,
// 0 when bits is empty, and the unused bits must be zero (the
// specification prefers refusing them to keeping them).
func NewPackedBitVector(bits []byte, padding uint8) (Vector, error) {
	if err := checkPackedBits(bits, padding); err != nil {
		return Vector{}, err
	}
	return Vector{dtype: PackedBitVector, bits: append(make([]byte, 0, len(bits)), bits...), padding: padding}, nil
}

// checkPackedBits applies the padding rules of a packed-bit vector.
func checkPackedBits(bits []byte, padding uint8) error {
	switch {
	case padding > 7:
		return errors.New("bson: vector padding " + strconv.Itoa(int(padding)) + " is larger than 7")
	case padding > 0 && len(bits) == 0:
		return errors.New("bson: vector padding must be 0 for an empty vector")
	case padding > 0 && bits[len(bits)-1]&(1<<padding-1) != 0:
		return errors.New("bson: the " + strconv.Itoa(int(padding)) + " padding bits of a packed-bit vector must be zero")
	}
	return nil
}

// NewVectorFromBinary reads the Vector that b holds, which must be binary
// subtype 9 with a known dtype, a padding of 0 (at most 7 and with zero
// unused bits for packed bits), and whole values (a multiple of 4 bytes
// for float32).
func NewVectorFromBinary(b Binary) (Vector, error) {
	if b.Subtype != BinaryVector {
		return Vector{}, errors.New("bson: binary subtype " + strconv.Itoa(int(b.Subtype)) + " is not a vector (9)")
	}
	return readVector(b.Data)
}

// readVector reads the data of a binary subtype 9 into a new Vector.
func readVector(data []byte) (Vector, error) {
	if len(data) < 2 {
		return Vector{}, errors.New("bson: vector of " + strconv.Itoa(len(data)) + " bytes has no dtype and padding")
	}
	dtype, padding, vals := data[0], data[1], data[2:]
	if dtype == PackedBitVector {
		return NewPackedBitVector(vals, padding)
	}
	if padding != 0 {
		return Vector{}, errors.New("bson: vector padding must be 0 for dtype " + vectorDtypeName(dtype))
	}
	switch dtype {
	case Int8Vector:
		v := Vector{dtype: Int8Vector, int8s: make([]int8, len(vals))}
		for i, x := range vals {
			v.int8s[i] = int8(x)
		}
		return v, nil
	case Float32Vector:
		if len(vals)%4 != 0 {
			return Vector{}, errors.New("bson: float32 vector of " + strconv.Itoa(len(vals)) + " bytes is not a multiple of 4")
		}
		v := Vector{dtype: Float32Vector, floats: make([]float32, len(vals)/4)}
		for i := range v.floats {
			v.floats[i] = math.Float32frombits(binary.LittleEndian.Uint32(vals[4*i:]))
		}
		return v, nil
	}
	return Vector{}, errors.New("bson: unknown vector dtype 0x" + strconv.FormatUint(uint64(dtype), 16))
}

// vectorDtypeName names a dtype for errors.
func vectorDtypeName(dtype byte) string {
	switch dtype {
	case Int8Vector:
		return "int8"
	case Float32Vector:
		return "float32"
	case PackedBitVector:
		return "packed bit"
	}
	return "0x" + strconv.FormatUint(uint64(dtype), 16)
}

// Type returns the dtype of v (Int8Vector, Float32Vector,
// PackedBitVector), 0 for the zero Vector.
func (v Vector) Type() byte { return v.dtype }

// Int8OK returns the values of an int8 vector; ok is false for the others.
func (v Vector) Int8OK() (vals []int8, ok bool) { return v.int8s, v.dtype == Int8Vector }

// Float32OK returns the values of a float32 vector; ok is false for the
// others.
func (v Vector) Float32OK() (vals []float32, ok bool) { return v.floats, v.dtype == Float32Vector }

// PackedBitOK returns the bytes and padding of a packed-bit vector; ok is
// false for the others.
func (v Vector) PackedBitOK() (bits []byte, padding uint8, ok bool) {
	return v.bits, v.padding, v.dtype == PackedBitVector
}

// Binary returns v as binary subtype 9, in new memory. The zero Vector
// gives the zero Binary.
func (v Vector) Binary() Binary {
	data, ok := v.appendData(nil)
	if !ok {
		return Binary{}
	}
	return Binary{Subtype: BinaryVector, Data: data}
}

// appendData appends the data of binary subtype 9 (dtype, padding,
// values); ok is false for the zero Vector.
func (v Vector) appendData(dst []byte) ([]byte, bool) {
	switch v.dtype {
	case Int8Vector:
		dst = append(dst, Int8Vector, 0)
		for _, x := range v.int8s {
			dst = append(dst, byte(x))
		}
	case Float32Vector:
		dst = append(dst, Float32Vector, 0)
		for _, x := range v.floats {
			dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(x))
		}
	case PackedBitVector:
		dst = append(append(dst, PackedBitVector, v.padding), v.bits...)
	default:
		return dst, false
	}
	return dst, true
}

// vectorCodec writes a Vector as binary subtype 9 and reads one from it.
func vectorCodec() codec {
	return codec{
		encode: func(dst []byte, key string, rv reflect.Value, _ int) ([]byte, error) {
			v := ptrTo[Vector](rv)
			if v.dtype == 0 {
				return dst, &MarshalError{Msg: "the zero bson.Vector has no dtype"}
			}
			dst = append(AppendHeader(dst, TypeBinary, key), 0, 0, 0, 0, BinaryVector)
			lenAt := len(dst) - 5
			dst, _ = v.appendData(dst)
			binary.LittleEndian.PutUint32(dst[lenAt:], uint32(len(dst)-lenAt-5))
			return dst, nil
		},
		decode: func(d *decState, t Type, val []byte, rv reflect.Value) error {
			switch t {
			case TypeNull, TypeUndefined:
				rv.SetZero()
				return nil
			case TypeBinary:
			default:
				return d.errType(val, t, "bson.Vector")
			}
			sub, data := splitBinary(val)
			if sub != BinaryVector {
				return d.errAt(val, "cannot decode binary subtype "+strconv.Itoa(int(sub))+" into bson.Vector")
			}
			v, err := readVector(data)
			if err != nil {
				return d.errAt(val, strings.TrimPrefix(err.Error(), "bson: "))
			}
			*ptrTo[Vector](rv) = v
			return nil
		},
	}
}
