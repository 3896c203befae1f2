package bson

import (
	"encoding/hex"
	"reflect"
	"strconv"
	"time"
)

// This file holds the conversions between BSON and Go types that the
// official driver makes and that torque makes too, so that data stored
// through it loads unchanged. Each is lossless, and each is refused under
// Decoder.StrictTypes (the codecs try them only after the BSON type they
// stand for):
//
//   - bool from int32, int64 and double (non-zero is true); integers and
//     floats from bool (1 and 0)
//   - []byte from string and symbol; string from binary of subtype 0 or 2
//   - time.Time from int64 (milliseconds since the epoch), from a string
//     in RFC 3339 form (as the official driver writes with
//     "2006-01-02T15:04:05.999Z07:00") and from a timestamp (its seconds)
//   - ObjectID from a string of 24 hex digits or of exactly 12 bytes
//
// (Binary into [N]byte is not a conversion: Marshal writes [N]byte so.)

// officialTimeLayout is the layout the official driver parses strings with
// when it decodes them into time.Time.
const officialTimeLayout = "2006-01-02T15:04:05.999Z07:00"

// convBool converts a number to a bool.
func (d *decState) convBool(t Type, val []byte) (b, ok bool) {
	if d.opts.StrictTypes {
		return false, false
	}
	switch t {
	case TypeInt32:
		return readInt32LE(val) != 0, true
	case TypeInt64:
		return readInt64LE(val) != 0, true
	case TypeDouble:
		return readFloat64(val) != 0, true
	}
	return false, false
}

// convFromBool converts a bool to 1 or 0; ok is false for other types
// and under StrictTypes.
func (d *decState) convFromBool(t Type, val []byte) (n int64, ok bool, err error) {
	if t != TypeBoolean || d.opts.StrictTypes {
		return 0, false, nil
	}
	b, err := d.readBool(val)
	if b {
		n = 1
	}
	return n, true, err
}

// convBytes converts a string or symbol to its bytes.
func (d *decState) convBytes(t Type, val []byte) ([]byte, bool, error) {
	if (t != TypeString && t != TypeSymbol) || d.opts.StrictTypes {
		return nil, false, nil
	}
	s, err := d.readStringBytes(val)
	return cloneBytes(s), true, err
}

// convString converts binary of subtype 0 or 2 to a string.
func (d *decState) convString(t Type, val []byte) (string, bool, error) {
	if t == TypeObjectID && d.opts.ObjectIDAsHexString {
		return ObjectID(val).Hex(), true, nil
	}
	if t != TypeBinary || d.opts.StrictTypes {
		return "", false, nil
	}
	sub, data := splitBinary(val)
	if sub != BinaryGeneric && sub != BinaryBinaryOld {
		return "", true, d.errAt(val, "cannot decode binary subtype "+strconv.Itoa(int(sub))+" into a string")
	}
	return string(data), true, nil
}

// convTime converts an int64, a string or a timestamp to a time.Time.
func (d *decState) convTime(t Type, val []byte) (time.Time, bool, error) {
	if d.opts.StrictTypes {
		return time.Time{}, false, nil
	}
	switch t {
	case TypeInt64:
		return d.inZone(decodeTime(val)), true, nil
	case TypeTimestamp:
		return d.inZone(time.Unix(int64(uint32(readInt32LE(val[4:]))), 0).UTC()), true, nil
	case TypeString:
		s, err := d.readStringBytes(val)
		if err != nil {
			return time.Time{}, true, err
		}
		tm, err := time.Parse(officialTimeLayout, string(s))
		if err != nil {
			return time.Time{}, true, d.errAt(val, "string "+strconv.Quote(string(s))+" is not an RFC 3339 time")
		}
		return d.inZone(tm.UTC()), true, nil
	}
	return time.Time{}, false, nil
}

// convObjectID converts a string of 24 hex digits or of 12 bytes to an
// ObjectID.
func (d *decState) convObjectID(t Type, val []byte) (ObjectID, bool, error) {
	if t != TypeString || d.opts.StrictTypes {
		return ObjectID{}, false, nil
	}
	s, err := d.readStringBytes(val)
	var oid ObjectID
	switch {
	case err != nil:
	case len(s) == 24:
		if _, herr := hex.Decode(oid[:], s); herr != nil {
			err = d.errAt(val, "string "+strconv.Quote(string(s))+" is not an ObjectID in hex")
		}
	case len(s) == 12:
		copy(oid[:], s)
	default:
		err = d.errAt(val, "a string of "+strconv.Itoa(len(s))+" bytes is not an ObjectID (24 hex digits or 12 bytes)")
	}
	return oid, true, err
}

// convCodec wraps the decoder of c (the codec of a type of this package or
// time.Time) with conv, which is tried for the BSON types other than the
// one the type stands for.
func convCodec[T any](c codec, bt Type, conv func(*decState, Type, []byte) (T, bool, error)) codec {
	dec := c.decode
	c.decode = func(d *decState, t Type, val []byte, v reflect.Value) error {
		if t != bt {
			if x, ok, err := conv(d, t, val); ok {
				if err == nil {
					*ptrTo[T](v) = x
				}
				return err
			}
		}
		return dec(d, t, val, v)
	}
	return c
}
