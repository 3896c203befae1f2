package bson

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
)

// This file holds the codecs of the standard library types that the
// official driver gives a BSON form of their own (time.Time is in
// codec_bsontypes.go):
//
//   - json.Number: an int64 when it is an integer that fits, else a double
//     (a number that is neither is a *MarshalError); it decodes from int32,
//     int64 and double as their decimal text.
//   - url.URL (and so *url.URL): a string, its String(); it decodes from a
//     string with url.Parse. (net/url is not imported: the type is found by
//     name and used through its methods.)

var jsonNumberType = reflect.TypeFor[json.Number]()

// isURLType reports whether t is net/url's URL.
func isURLType(t reflect.Type) bool { return t.PkgPath() == "net/url" && t.Name() == "URL" }

// stdlibCodec returns the codec of json.Number or url.URL.
func stdlibCodec(t reflect.Type, fl codecFlags) (codec, bool) {
	switch {
	case t == jsonNumberType:
		return jsonNumberCodec(fl), true
	case isURLType(t):
		return urlCodec(t), true
	}
	return codec{}, false
}

func jsonNumberCodec(fl codecFlags) codec {
	minSize := fl.minSize()
	return codec{
		encode: func(dst []byte, key string, v reflect.Value, _ int) ([]byte, error) {
			n := json.Number(v.String())
			if i, err := n.Int64(); err == nil {
				if minSize {
					return appendIntElement(dst, key, i), nil
				}
				return AppendInt64Element(dst, key, i), nil
			}
			f, err := n.Float64()
			if err != nil {
				return dst, &MarshalError{Msg: "json.Number " + strconv.Quote(string(n)) + " is not a number"}
			}
			return AppendDoubleElement(dst, key, f), nil
		},
		decode: func(d *decState, t Type, val []byte, v reflect.Value) error {
			var s string
			switch t {
			case TypeInt32:
				s = strconv.FormatInt(int64(readInt32LE(val)), 10)
			case TypeInt64:
				s = strconv.FormatInt(readInt64LE(val), 10)
			case TypeDouble:
				s = strconv.FormatFloat(readFloat64(val), 'f', -1, 64)
			case TypeNull, TypeUndefined:
			default:
				return d.errType(val, t, "json.Number")
			}
			v.SetString(s)
			return nil
		},
	}
}

func urlCodec(t reflect.Type) codec {
	return codec{
		encode: func(dst []byte, key string, v reflect.Value, _ int) ([]byte, error) {
			if !v.CanAddr() {
				p := reflect.New(t)
				p.Elem().Set(v)
				v = p.Elem()
			}
			return AppendStringElement(dst, key, v.Addr().Interface().(fmt.Stringer).String()), nil
		},
		decode: func(d *decState, bt Type, val []byte, v reflect.Value) error {
			switch bt {
			case TypeString:
			case TypeNull, TypeUndefined:
				v.SetZero()
				return nil
			default:
				return d.errType(val, bt, t.String())
			}
			s, err := d.readStringBytes(val)
			if err != nil {
				return err
			}
			if err := v.Addr().Interface().(encoding.BinaryUnmarshaler).UnmarshalBinary(s); err != nil {
				return d.errAt(val, "url.URL: "+err.Error())
			}
			return nil
		},
	}
}
