package bson

import (
	"encoding/binary"
	"reflect"
	"slices"
	"strings"
	"time"
)

// This file holds the codecs of the types of this package (D, M, A, Raw,
// ObjectID, ...) and of time.Time: each of them stands for one BSON type.

// knownTypeCodec returns the codec of t when t is one of those types.
func knownTypeCodec(t reflect.Type, fl codecFlags) (codec, bool) {
	if c, ok := documentTypeCodec(t, fl.options()); ok {
		return c, true
	}
	if mk, ok := scalarCodecs[t]; ok {
		return mk(), true
	}
	return codec{}, false
}

var (
	typeD        = reflect.TypeFor[D]()
	typeM        = reflect.TypeFor[M]()
	typeA        = reflect.TypeFor[A]()
	typeRaw      = reflect.TypeFor[Raw]()
	typeRawArray = reflect.TypeFor[RawArray]()
	typeRawValue = reflect.TypeFor[RawValue]()
	typeE        = reflect.TypeFor[E]()
	typeByte     = reflect.TypeFor[byte]()
)

// namedDCodec is the codec of []E and of named document types (type Filter
// D, type Fields []E): documents, as D, by conversion.
func namedDCodec(t reflect.Type, fl codecFlags) codec {
	env := envOf(fl)
	return codec{
		encode: nilAsNull(fl.has(optNilSliceEmpty), func(dst []byte, v reflect.Value, depth int) ([]byte, error) {
			return appendD(dst, v.Convert(typeD).Interface().(D), depth, env)
		}),
		encodeDoc: func(dst []byte, v reflect.Value, depth int) ([]byte, error) {
			return appendD(dst, v.Convert(typeD).Interface().(D), depth, env)
		},
		decode: decodeGeneric(TypeEmbeddedDocument, func(d *decState, val []byte, v reflect.Value) error {
			x, err := d.decodeD(val)
			if err == nil {
				v.Set(reflect.ValueOf(x).Convert(t))
			}
			return err
		}),
	}
}

// documentTypeCodec covers D, M, A and the raw types; fl holds the options
// of the values inside D, M and A.
func documentTypeCodec(t reflect.Type, fl codecFlags) (codec, bool) {
	env := envOf(fl)
	switch t {
	case typeD:
		return codec{
			encode: nilAsNull(fl.has(optNilSliceEmpty), func(dst []byte, v reflect.Value, depth int) ([]byte, error) {
				return appendD(dst, *ptrTo[D](v), depth, env)
			}),
			encodeDoc: func(dst []byte, v reflect.Value, depth int) ([]byte, error) {
				return appendD(dst, *ptrTo[D](v), depth, env)
			},
			decode: decodeGeneric(TypeEmbeddedDocument, func(d *decState, val []byte, v reflect.Value) (err error) {
				*ptrTo[D](v), err = d.decodeD(val)
				return err
			}),
		}, true
	case typeM:
		return codec{
			encode: nilAsNull(fl.has(optNilMapEmpty), func(dst []byte, v reflect.Value, depth int) ([]byte, error) {
				return appendM(dst, v.Interface().(M), depth, env)
			}),
			encodeDoc: func(dst []byte, v reflect.Value, depth int) ([]byte, error) {
				return appendM(dst, v.Interface().(M), depth, env)
			},
			decode: decodeGeneric(TypeEmbeddedDocument, func(d *decState, val []byte, v reflect.Value) (err error) {
				*ptrTo[M](v), err = d.decodeM(val)
				return err
			}),
		}, true
	case typeA:
		return codec{
			encode: func(dst []byte, key string, v reflect.Value, depth int) ([]byte, error) {
				return appendAElement(dst, key, *ptrTo[A](v), depth, env)
			},
			decode: decodeGeneric(TypeArray, func(d *decState, val []byte, v reflect.Value) (err error) {
				*ptrTo[A](v), err = d.decodeA(val)
				return err
			}),
		}, true
	case typeRaw:
		return rawCodec(TypeEmbeddedDocument), true
	case typeRawArray:
		return rawCodec(TypeArray), true
	case typeRawValue:
		return rawValueCodec(), true
	}
	return codec{}, false
}

// nilAsNull is the element encoder of a document type held in a slice or
// map (D, M, named D): a nil one is written as null, as the official driver
// writes it (an empty document when asEmpty, as with the Encoder's
// NilSliceAsEmpty for D and NilMapAsEmpty for M), a non-nil one (empty or
// not) as the document doc appends. A nil value at the top level of
// Marshal is still an empty document.
func nilAsNull(asEmpty bool, doc func([]byte, reflect.Value, int) ([]byte, error)) func([]byte, string, reflect.Value, int) ([]byte, error) {
	return func(dst []byte, key string, v reflect.Value, depth int) ([]byte, error) {
		if v.IsNil() && !asEmpty {
			return AppendHeader(dst, TypeNull, key), nil
		}
		return doc(AppendHeader(dst, TypeEmbeddedDocument, key), v, depth)
	}
}

// ptrTo returns a pointer to the value v holds, without copying it when v
// is addressable.
func ptrTo[T any](v reflect.Value) *T {
	if v.CanAddr() {
		return v.Addr().Interface().(*T)
	}
	x := v.Interface().(T)
	return &x
}

// decodeGeneric wraps the decoder of a generic container: null and
// undefined leave it nil, type want is decoded, others are errors.
func decodeGeneric(want Type, dec func(*decState, []byte, reflect.Value) error) func(*decState, Type, []byte, reflect.Value) error {
	return func(d *decState, t Type, val []byte, v reflect.Value) error {
		switch t {
		case want:
			return dec(d, val, v)
		case TypeNull, TypeUndefined:
			v.SetZero()
			return nil
		}
		return d.errType(val, t, v.Type().String())
	}
}

// rawCodec is the codec of Raw (t is a document) and RawArray: they are
// written as they are (after a check of their framing) and read as a
// validated copy of the input.
func rawCodec(t Type) codec {
	c := codec{
		encode: func(dst []byte, key string, v reflect.Value, _ int) ([]byte, error) {
			b := v.Bytes()
			if b == nil {
				return AppendNullElement(dst, key), nil
			}
			if err := checkValue(v.Type(), t, b); err != nil {
				return dst, err
			}
			return append(AppendHeader(dst, t, key), b...), nil
		},
		decode: func(d *decState, bt Type, val []byte, v reflect.Value) error {
			switch bt {
			case t:
			case TypeNull, TypeUndefined:
				v.SetZero()
				return nil
			default:
				return d.errType(val, bt, v.Type().String())
			}
			if err := d.validate(bt, val); err != nil {
				return err
			}
			v.SetBytes(append(make([]byte, 0, len(val)), val...))
			return nil
		},
	}
	if t == TypeEmbeddedDocument {
		c.encodeDoc = func(dst []byte, v reflect.Value, _ int) ([]byte, error) {
			b := v.Bytes()
			if err := checkValue(v.Type(), t, b); err != nil {
				return dst, err
			}
			return append(dst, b...), nil
		}
	}
	return c
}

// validate checks a framed value of type t in depth, with the offsets and
// key paths of errors relative to the whole input: its structure, as
// ValidateStructure does, and its contents too (as Validate does) under
// StrictUTF8.
func (d *decState) validate(t Type, val []byte) error {
	// d.depth counts the documents open around val, so a document val is
	// at depth d.depth+1, as Validate counts.
	if (t == TypeEmbeddedDocument || t == TypeArray) && scanElements(val, d.depth+1, d.opts.StrictUTF8) {
		return nil // the fast path; validateValue below explains a failure
	}
	if err := validateValue(t, val, d.offset(val), d.depth, d.opts.StrictUTF8); err != nil {
		return err
	}
	return nil
}

// rawValueCodec writes a RawValue as its type and bytes (the zero RawValue
// as null) and reads any value into a validated copy.
func rawValueCodec() codec {
	return codec{
		encode: func(dst []byte, key string, v reflect.Value, _ int) ([]byte, error) {
			rv := *ptrTo[RawValue](v)
			if rv.IsZero() {
				return AppendNullElement(dst, key), nil
			}
			if err := checkValue(v.Type(), rv.Type, rv.Value); err != nil {
				return dst, err
			}
			return append(AppendHeader(dst, rv.Type, key), rv.Value...), nil
		},
		encodeDoc: func(dst []byte, v reflect.Value, _ int) ([]byte, error) {
			rv := *ptrTo[RawValue](v)
			if rv.Type != TypeEmbeddedDocument {
				return dst, &MarshalError{Msg: "cannot marshal a RawValue of type " + rv.Type.String() + " as a document"}
			}
			if err := checkValue(v.Type(), rv.Type, rv.Value); err != nil {
				return dst, err
			}
			return append(dst, rv.Value...), nil
		},
		decode: func(d *decState, bt Type, val []byte, v reflect.Value) error {
			if err := d.validate(bt, val); err != nil {
				return err
			}
			*ptrTo[RawValue](v) = RawValue{Type: bt, Value: append(make([]byte, 0, len(val)), val...)}
			return nil
		},
	}
}

// scalarCodecs maps the value types of this package and time.Time to their
// codecs. (It is filled in init because the codec of CodeWithScope refers
// back to codecFor.)
var scalarCodecs map[reflect.Type]func() codec

func init() {
	scalarCodecs = map[reflect.Type]func() codec{
		reflect.TypeFor[ObjectID](): func() codec {
			return convCodec(scalar(TypeObjectID, AppendObjectID, func(d *decState, val []byte) (ObjectID, error) {
				return ObjectID(val), nil
			}), TypeObjectID, (*decState).convObjectID)
		},
		reflect.TypeFor[Vector](): vectorCodec,
		reflect.TypeFor[DateTime](): func() codec {
			return scalar(TypeDateTime, func(dst []byte, x DateTime) []byte { return AppendDateTime(dst, int64(x)) },
				func(d *decState, val []byte) (DateTime, error) { return DateTime(readInt64LE(val)), nil })
		},
		reflect.TypeFor[time.Time](): func() codec {
			return convCodec(scalar(TypeDateTime, func(dst []byte, x time.Time) []byte { return AppendDateTime(dst, x.UnixMilli()) },
				func(d *decState, val []byte) (time.Time, error) { return d.inZone(decodeTime(val)), nil }),
				TypeDateTime, (*decState).convTime)
		},
		reflect.TypeFor[Decimal128](): func() codec {
			return scalar(TypeDecimal128, AppendDecimal128, func(d *decState, val []byte) (Decimal128, error) {
				return NewDecimal128(uint64(readInt64LE(val[8:])), uint64(readInt64LE(val))), nil
			})
		},
		reflect.TypeFor[Timestamp](): func() codec {
			return scalar(TypeTimestamp, func(dst []byte, x Timestamp) []byte { return AppendTimestamp(dst, x.T, x.I) },
				func(d *decState, val []byte) (Timestamp, error) {
					return Timestamp{I: uint32(readInt32LE(val)), T: uint32(readInt32LE(val[4:]))}, nil
				})
		},
		reflect.TypeFor[Binary](): func() codec {
			return scalar(TypeBinary, func(dst []byte, x Binary) []byte { return AppendBinary(dst, x.Subtype, x.Data) },
				func(d *decState, val []byte) (Binary, error) {
					sub, data := splitBinary(val)
					return Binary{Subtype: sub, Data: cloneBytes(data)}, nil
				})
		},
		reflect.TypeFor[UUID](): func() codec {
			return scalar(TypeBinary, func(dst []byte, x UUID) []byte { return AppendBinary(dst, BinaryUUID, x[:]) },
				func(d *decState, val []byte) (UUID, error) {
					sub, data := splitBinary(val)
					if sub != BinaryUUID || len(data) != 16 {
						return UUID{}, d.errAt(val, "binary is not a UUID (subtype 4, 16 bytes)")
					}
					return UUID(data), nil
				})
		},
		reflect.TypeFor[Regex](): func() codec {
			c := scalar(TypeRegex, func(dst []byte, x Regex) []byte { return AppendRegex(dst, x.Pattern, sortedOptions(x.Options)) },
				func(d *decState, val []byte) (Regex, error) {
					p, o, err := d.readRegex(val)
					return Regex{Pattern: p, Options: o}, err
				})
			enc := c.encode
			c.encode = func(dst []byte, key string, v reflect.Value, depth int) ([]byte, error) {
				if err := checkRegex(*ptrTo[Regex](v)); err != nil {
					return dst, err
				}
				return enc(dst, key, v, depth)
			}
			return c
		},
		reflect.TypeFor[DBPointer](): func() codec {
			return scalar(TypeDBPointer, func(dst []byte, x DBPointer) []byte { return AppendDBPointer(dst, x.DB, x.Pointer) },
				func(d *decState, val []byte) (DBPointer, error) {
					x, err := d.decodeAnyRare(TypeDBPointer, val)
					p, _ := x.(DBPointer)
					return p, err
				})
		},
	}
	addStringAndMarkerCodecs()
}

// addStringAndMarkerCodecs adds the string-like types and the types
// without a value to scalarCodecs.
func addStringAndMarkerCodecs() {
	for t, mk := range map[reflect.Type]func() codec{
		reflect.TypeFor[JavaScript](): func() codec {
			return scalar(TypeJavaScript, func(dst []byte, x JavaScript) []byte { return AppendJavaScript(dst, string(x)) },
				func(d *decState, val []byte) (JavaScript, error) {
					s, err := d.readString(val)
					return JavaScript(s), err
				})
		},
		reflect.TypeFor[Symbol](): func() codec {
			return scalar(TypeSymbol, func(dst []byte, x Symbol) []byte { return AppendSymbol(dst, string(x)) },
				func(d *decState, val []byte) (Symbol, error) { s, err := d.readString(val); return Symbol(s), err })
		},
		reflect.TypeFor[Undefined]():     func() codec { return marker[Undefined](TypeUndefined) },
		reflect.TypeFor[Null]():          func() codec { return marker[Null](TypeNull) },
		reflect.TypeFor[MinKey]():        func() codec { return marker[MinKey](TypeMinKey) },
		reflect.TypeFor[MaxKey]():        func() codec { return marker[MaxKey](TypeMaxKey) },
		reflect.TypeFor[CodeWithScope](): codeWithScopeCodec,
	} {
		scalarCodecs[t] = mk
	}
}

// scalar builds the codec of a Go type T that stands for the BSON type bt.
// Null and undefined decode to the zero T.
func scalar[T any](bt Type, enc func([]byte, T) []byte, dec func(*decState, []byte) (T, error)) codec {
	return codec{
		encode: func(dst []byte, key string, v reflect.Value, _ int) ([]byte, error) {
			return enc(AppendHeader(dst, bt, key), *ptrTo[T](v)), nil
		},
		decode: func(d *decState, t Type, val []byte, v reflect.Value) error {
			p := ptrTo[T](v)
			switch t {
			case bt:
				x, err := dec(d, val)
				if err != nil {
					return err
				}
				*p = x
				return nil
			case TypeNull, TypeUndefined:
				var zero T
				*p = zero
				return nil
			}
			return d.errType(val, t, v.Type().String())
		},
	}
}

// marker builds the codec of an empty struct type that stands for a BSON
// type without a value (null, undefined, min key, max key).
func marker[T any](bt Type) codec {
	return codec{
		encode: func(dst []byte, key string, v reflect.Value, _ int) ([]byte, error) {
			return AppendHeader(dst, bt, key), nil
		},
		decode: func(d *decState, t Type, val []byte, v reflect.Value) error {
			if t != bt {
				return d.errType(val, t, v.Type().String())
			}
			return nil
		},
	}
}

func codeWithScopeCodec() codec {
	return codec{
		encode: func(dst []byte, key string, v reflect.Value, depth int) ([]byte, error) {
			return appendCodeWithScope(dst, key, ptrTo[CodeWithScope](v), depth, nil)
		},
		decode: func(d *decState, t Type, val []byte, v reflect.Value) error {
			switch t {
			case TypeCodeWithScope:
				x, err := d.decodeAnyRare(t, val)
				if err == nil {
					*ptrTo[CodeWithScope](v) = x.(CodeWithScope)
				}
				return err
			case TypeNull, TypeUndefined:
				v.SetZero()
				return nil
			}
			return d.errType(val, t, v.Type().String())
		},
	}
}

// checkRegex refuses a pattern or options with a NUL byte, which a C string
// cannot hold.
func checkRegex(r Regex) error {
	if strings.IndexByte(r.Pattern, 0) >= 0 || strings.IndexByte(r.Options, 0) >= 0 {
		return &MarshalError{Msg: "regex pattern or options contain a NUL byte"}
	}
	return nil
}

// sortedOptions returns regex options in alphabetical order, the canonical
// form that the BSON corpus and the official driver write.
func sortedOptions(o string) string {
	for i := 1; i < len(o); i++ {
		if o[i] < o[i-1] {
			b := []byte(o)
			slices.Sort(b)
			return string(b)
		}
	}
	return o
}

// appendCodeWithScope appends the element {key: cws}; a nil Scope is an
// empty document.
func appendCodeWithScope(dst []byte, key string, cws *CodeWithScope, depth int, fl *codecFlags) ([]byte, error) {
	dst = AppendHeader(dst, TypeCodeWithScope, key)
	start := len(dst)
	dst = AppendString(append(dst, 0, 0, 0, 0), string(cws.Code))
	if cws.Scope == nil {
		dst = append(dst, 5, 0, 0, 0, 0)
	} else {
		var err error
		if dst, err = appendAnyDocument(dst, cws.Scope, depth+1, fl); err != nil {
			return dst, withKey(err, "$scope")
		}
	}
	binary.LittleEndian.PutUint32(dst[start:], uint32(len(dst)-start))
	return dst, nil
}
