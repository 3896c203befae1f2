package bson

import (
	"reflect"
	"strconv"
)

// Marshaler is implemented by types that marshal themselves into a BSON
// document.
type Marshaler interface {
	MarshalBSON() ([]byte, error)
}

// Unmarshaler is implemented by types that unmarshal themselves from BSON.
// UnmarshalBSON receives the bytes of the value (a document, usually); they
// belong to the caller's input and must be copied if kept.
type Unmarshaler interface {
	UnmarshalBSON([]byte) error
}

// ValueMarshaler is implemented by types that marshal themselves into any
// BSON value. The type is a byte, as in the official Go driver v2, so such
// types move over unchanged; it is one of the Type constants.
type ValueMarshaler interface {
	MarshalBSONValue() (typ byte, data []byte, err error)
}

// ValueUnmarshaler is implemented by types that unmarshal themselves from a
// BSON value of any type. The data belongs to the caller and must be copied
// if kept.
type ValueUnmarshaler interface {
	UnmarshalBSONValue(typ byte, data []byte) error
}

var (
	marshalerType        = reflect.TypeFor[Marshaler]()
	unmarshalerType      = reflect.TypeFor[Unmarshaler]()
	valueMarshalerType   = reflect.TypeFor[ValueMarshaler]()
	valueUnmarshalerType = reflect.TypeFor[ValueUnmarshaler]()
)

// hookCodec returns the codec of a type that implements one of the
// interfaces above, on its value or on its pointer. The directions without
// a hook use the codec the type would have otherwise. Pointers and
// interfaces get no hooks of their own: their codecs reach the hooks of
// what they point to.
func hookCodec(t reflect.Type, fl codecFlags) (codec, bool) {
	if t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface {
		return codec{}, false
	}
	pt := reflect.PointerTo(t)
	encVM, encM := t.Implements(valueMarshalerType), t.Implements(marshalerType)
	ptrVM, ptrM := pt.Implements(valueMarshalerType), pt.Implements(marshalerType)
	decVU, decU := pt.Implements(valueUnmarshalerType), pt.Implements(unmarshalerType)
	if !(ptrVM || ptrM || decVU || decU) { // the pointer's method set includes the value's
		return codec{}, false
	}
	plain := new(codec)
	*plain = buildPlainCodec(t, fl)
	if plain.encode == nil {
		plain.encode = encodeDocElement(plain)
	}
	c := *plain
	switch {
	case encVM || ptrVM:
		c.encode = hookEncoder(plain, !encVM, encodeValueMarshaler)
		c.encodeDoc = func(dst []byte, v reflect.Value, depth int) ([]byte, error) {
			return hookDocEncoder(plain, !encVM, v, dst, depth)
		}
	case encM || ptrM:
		c.encode = hookEncoder(plain, !encM, encodeMarshaler)
		c.encodeDoc = func(dst []byte, v reflect.Value, depth int) ([]byte, error) {
			return hookDocEncoder(plain, !encM, v, dst, depth)
		}
	}
	switch {
	case decVU:
		c.decode = func(d *decState, bt Type, val []byte, v reflect.Value) error {
			if err := d.validate(bt, val); err != nil { // hooks see valid BSON only
				return err
			}
			err := v.Addr().Interface().(ValueUnmarshaler).UnmarshalBSONValue(byte(bt), val)
			return d.hookErr(val, err, v)
		}
	case decU:
		c.decode = func(d *decState, bt Type, val []byte, v reflect.Value) error {
			if bt == TypeNull || bt == TypeUndefined { // nothing to give UnmarshalBSON
				v.SetZero()
				return nil
			}
			if err := d.validate(bt, val); err != nil {
				return err
			}
			err := v.Addr().Interface().(Unmarshaler).UnmarshalBSON(val)
			return d.hookErr(val, err, v)
		}
	}
	return c, true
}

// hookErr wraps the error of an Unmarshaler in a *DecodeError that says
// where it happened.
func (d *decState) hookErr(val []byte, err error, v reflect.Value) error {
	if err == nil {
		return nil
	}
	return &DecodeError{Offset: d.offset(val), Msg: v.Type().String() + ": " + err.Error(), Err: err}
}

// hookTarget returns the value whose method to call: v itself, or its
// address when only the pointer has the method. ok is false when the
// method is on the pointer and v is not addressable; the plain codec
// applies then, as in the official driver.
func hookTarget(v reflect.Value, onPointer bool) (any, bool) {
	if !onPointer {
		return v.Interface(), true
	}
	if !v.CanAddr() {
		return nil, false
	}
	return v.Addr().Interface(), true
}

func hookEncoder(plain *codec, onPointer bool, enc func([]byte, string, any) ([]byte, error)) func([]byte, string, reflect.Value, int) ([]byte, error) {
	return func(dst []byte, key string, v reflect.Value, depth int) ([]byte, error) {
		x, ok := hookTarget(v, onPointer)
		if !ok {
			return plain.encode(dst, key, v, depth)
		}
		return enc(dst, key, x)
	}
}

// hookDocEncoder writes a hook type as a top-level document.
func hookDocEncoder(plain *codec, onPointer bool, v reflect.Value, dst []byte, depth int) ([]byte, error) {
	x, ok := hookTarget(v, onPointer)
	if !ok {
		if plain.encodeDoc == nil {
			return dst, &MarshalError{Msg: "cannot marshal " + v.Type().String() + " as a document"}
		}
		return plain.encodeDoc(dst, v, depth)
	}
	return appendHookDocument(dst, x)
}

// appendHookDocument writes the document a Marshaler or ValueMarshaler x
// returns.
func appendHookDocument(dst []byte, x any) ([]byte, error) {
	if vm, ok := x.(ValueMarshaler); ok {
		t, b, err := vm.MarshalBSONValue()
		if err != nil {
			return dst, &MarshalError{Msg: "MarshalBSONValue of " + reflect.TypeOf(x).String(), Err: err}
		}
		if Type(t) != TypeEmbeddedDocument {
			return dst, &MarshalError{Msg: reflect.TypeOf(x).String() + " marshals to " + Type(t).String() + ", not a document"}
		}
		if err := checkValue(reflect.TypeOf(x), Type(t), b); err != nil {
			return dst, err
		}
		return append(dst, b...), nil
	}
	b, err := x.(Marshaler).MarshalBSON()
	if err != nil {
		return dst, &MarshalError{Msg: "MarshalBSON of " + reflect.TypeOf(x).String(), Err: err}
	}
	if err := checkValue(reflect.TypeOf(x), TypeEmbeddedDocument, b); err != nil {
		return dst, err
	}
	return append(dst, b...), nil
}

func encodeValueMarshaler(dst []byte, key string, x any) ([]byte, error) {
	t, b, err := x.(ValueMarshaler).MarshalBSONValue()
	if err != nil {
		return dst, &MarshalError{Msg: "MarshalBSONValue of " + reflect.TypeOf(x).String(), Err: err}
	}
	if err := checkValue(reflect.TypeOf(x), Type(t), b); err != nil {
		return dst, err
	}
	return append(AppendHeader(dst, Type(t), key), b...), nil
}

func encodeMarshaler(dst []byte, key string, x any) ([]byte, error) {
	b, err := x.(Marshaler).MarshalBSON()
	if err != nil {
		return dst, &MarshalError{Msg: "MarshalBSON of " + reflect.TypeOf(x).String(), Err: err}
	}
	if err := checkValue(reflect.TypeOf(x), TypeEmbeddedDocument, b); err != nil {
		return dst, err
	}
	return append(AppendHeader(dst, TypeEmbeddedDocument, key), b...), nil
}

// checkValue checks that b frames exactly one value of type t, so that a
// faulty hook cannot corrupt the document around it. (The contents of a
// document it returns are not checked: that is the hook's business.)
func checkValue(from reflect.Type, t Type, b []byte) error {
	n, msg := frameValue(t, b)
	if msg == "" && n != len(b) {
		msg = strconv.Itoa(len(b)) + " bytes hold a " + t.String() + " of " + strconv.Itoa(n)
	}
	if msg == "" && (t == TypeEmbeddedDocument || t == TypeArray) && b[len(b)-1] != 0 {
		msg = "document does not end with a NUL byte"
	}
	if msg != "" {
		return &MarshalError{Msg: "the BSON that " + from.String() + " returned is malformed: " + msg}
	}
	return nil
}
