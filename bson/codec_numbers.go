package bson

import (
	"math"
	"reflect"
	"strconv"
)

// This file holds the codecs of the scalar kinds: bool, the integers, the
// floats and string.
//
// Encoding follows the official driver: int8, int16, int32, uint8 and
// uint16 become int32; int becomes int32 when it fits, else int64; int64,
// uint, uint32 and uint64 become int64 (int32 with the minsize tag when the
// value fits), and a uint beyond the int64 range is an error.
//
// Decoding accepts int32, int64 and double for every numeric kind as long as
// nothing is lost: an integer out of the Go type's range, a double with a
// fraction (unless the truncate tag allows it), an int64 that a float
// cannot hold exactly are errors. Null and undefined leave the zero value.

func boolCodec() codec {
	return codec{
		encode: func(dst []byte, key string, v reflect.Value, _ int) ([]byte, error) {
			return AppendBooleanElement(dst, key, v.Bool()), nil
		},
		decode: func(d *decState, t Type, val []byte, v reflect.Value) error {
			switch t {
			case TypeBoolean:
				b, err := d.readBool(val)
				v.SetBool(b)
				return err
			case TypeNull, TypeUndefined:
				v.SetBool(false)
				return nil
			}
			if b, ok := d.convBool(t, val); ok {
				v.SetBool(b)
				return nil
			}
			return d.errType(val, t, v.Type().String())
		},
	}
}

func intCodec(t reflect.Type, fl codecFlags) codec {
	bits := t.Bits()
	c := codec{decode: decodeInt(bits, fl.truncate())}
	switch {
	case bits <= 32:
		c.encode = func(dst []byte, key string, v reflect.Value, _ int) ([]byte, error) {
			return AppendInt32Element(dst, key, int32(v.Int())), nil
		}
	case t.Kind() == reflect.Int || fl.minSize():
		c.encode = func(dst []byte, key string, v reflect.Value, _ int) ([]byte, error) {
			return appendIntElement(dst, key, v.Int()), nil
		}
	default:
		c.encode = func(dst []byte, key string, v reflect.Value, _ int) ([]byte, error) {
			return AppendInt64Element(dst, key, v.Int()), nil
		}
	}
	return c
}

// appendIntElement writes i as int32 when it fits, else as int64.
func appendIntElement(dst []byte, key string, i int64) []byte {
	if i >= math.MinInt32 && i <= math.MaxInt32 {
		return AppendInt32Element(dst, key, int32(i))
	}
	return AppendInt64Element(dst, key, i)
}

func uintCodec(t reflect.Type, fl codecFlags) codec {
	c := codec{decode: decodeUint(t.Bits(), fl.truncate())}
	switch k := t.Kind(); {
	case k == reflect.Uint8 || k == reflect.Uint16:
		c.encode = func(dst []byte, key string, v reflect.Value, _ int) ([]byte, error) {
			return AppendInt32Element(dst, key, int32(v.Uint())), nil
		}
	default:
		minSize := fl.minSize()
		c.encode = func(dst []byte, key string, v reflect.Value, _ int) ([]byte, error) {
			u := v.Uint()
			switch {
			case u > math.MaxInt64:
				return dst, &MarshalError{Msg: strconv.FormatUint(u, 10) + " overflows a BSON int64"}
			case minSize && u <= math.MaxInt32:
				return AppendInt32Element(dst, key, int32(u)), nil
			}
			return AppendInt64Element(dst, key, int64(u)), nil
		}
	}
	return c
}

func floatCodec(t reflect.Type, fl codecFlags) codec {
	return codec{
		encode: func(dst []byte, key string, v reflect.Value, _ int) ([]byte, error) {
			return AppendDoubleElement(dst, key, v.Float()), nil
		},
		decode: decodeFloat(t.Bits(), fl.truncate()),
	}
}

func stringCodec() codec {
	return codec{
		encode: func(dst []byte, key string, v reflect.Value, _ int) ([]byte, error) {
			return AppendStringElement(dst, key, v.String()), nil
		},
		decode: func(d *decState, t Type, val []byte, v reflect.Value) error {
			switch t {
			case TypeString, TypeSymbol, TypeJavaScript:
				s, err := d.readString(val)
				v.SetString(s)
				return err
			case TypeNull, TypeUndefined:
				v.SetString("")
				return nil
			}
			if s, ok, err := d.convString(t, val); ok {
				v.SetString(s)
				return err
			}
			return d.errType(val, t, v.Type().String())
		},
	}
}

// numberAsInt reads an int32, int64 or double as an int64. ok is false for
// other types; msg is set when the double cannot be an integer.
func numberAsInt(t Type, val []byte, truncate bool) (i int64, ok bool, msg string) {
	switch t {
	case TypeInt32:
		return int64(readInt32LE(val)), true, ""
	case TypeInt64:
		return readInt64LE(val), true, ""
	case TypeDouble:
		f := readFloat64(val)
		if math.IsNaN(f) {
			return 0, true, "double NaN is not a number an integer can hold"
		}
		if f != math.Trunc(f) && !truncate {
			return 0, true, "double " + strconv.FormatFloat(f, 'g', -1, 64) + " has a fraction; use the truncate tag to allow that"
		}
		if math.IsNaN(f) || f < math.MinInt64 || f >= math.MaxInt64 {
			return 0, true, "double " + strconv.FormatFloat(f, 'g', -1, 64) + " overflows"
		}
		return int64(f), true, ""
	}
	return 0, false, ""
}

func decodeInt(bits int, truncate bool) func(*decState, Type, []byte, reflect.Value) error {
	return func(d *decState, t Type, val []byte, v reflect.Value) error {
		i, ok, msg := numberAsInt(t, val, truncate)
		switch {
		case !ok && (t == TypeNull || t == TypeUndefined):
			v.SetInt(0)
			return nil
		case !ok:
			return d.decodeBoolInto(t, val, v)
		case msg != "":
			return d.errAt(val, msg+" (decoding into "+v.Type().String()+")")
		case bits < 64 && (i < -1<<(bits-1) || i >= 1<<(bits-1)):
			return d.errAt(val, strconv.FormatInt(i, 10)+" overflows "+v.Type().String())
		}
		v.SetInt(i)
		return nil
	}
}

func decodeUint(bits int, truncate bool) func(*decState, Type, []byte, reflect.Value) error {
	return func(d *decState, t Type, val []byte, v reflect.Value) error {
		i, ok, msg := numberAsInt(t, val, truncate)
		switch {
		case !ok && (t == TypeNull || t == TypeUndefined):
			v.SetUint(0)
			return nil
		case !ok:
			return d.decodeBoolInto(t, val, v)
		case msg != "":
			return d.errAt(val, msg+" (decoding into "+v.Type().String()+")")
		case i < 0 || (bits < 64 && uint64(i) >= 1<<bits):
			return d.errAt(val, strconv.FormatInt(i, 10)+" overflows "+v.Type().String())
		}
		v.SetUint(uint64(i))
		return nil
	}
}

func decodeFloat(bits int, truncate bool) func(*decState, Type, []byte, reflect.Value) error {
	return func(d *decState, t Type, val []byte, v reflect.Value) error {
		var f float64
		switch t {
		case TypeDouble:
			f = readFloat64(val)
			if bits == 32 && !truncate && !math.IsNaN(f) && float64(float32(f)) != f {
				return d.errAt(val, "double "+strconv.FormatFloat(f, 'g', -1, 64)+" does not fit float32 exactly; use the truncate tag to allow that")
			}
		case TypeInt32:
			f = float64(readInt32LE(val))
		case TypeInt64:
			i := readInt64LE(val)
			f = float64(i)
			if int64(f) != i || (bits == 32 && float64(float32(f)) != f) {
				return d.errAt(val, strconv.FormatInt(i, 10)+" cannot be held exactly by "+v.Type().String())
			}
		case TypeNull, TypeUndefined:
		default:
			return d.decodeBoolInto(t, val, v)
		}
		v.SetFloat(f)
		return nil
	}
}

// decodeBoolInto decodes a bool as 1 or 0 into the integer or float v, the
// only other BSON type numbers accept (not under StrictTypes).
func (d *decState) decodeBoolInto(t Type, val []byte, v reflect.Value) error {
	n, ok, err := d.convFromBool(t, val)
	switch {
	case !ok:
		return d.errType(val, t, v.Type().String())
	case err != nil:
		return err
	case v.CanInt():
		v.SetInt(n)
	case v.CanUint():
		v.SetUint(uint64(n))
	default:
		v.SetFloat(float64(n))
	}
	return nil
}
