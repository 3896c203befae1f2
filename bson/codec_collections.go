package bson

import (
	"encoding"
	"reflect"
	"strconv"
	"strings"
)

// This file holds the codecs of the container kinds: pointers, interfaces,
// slices, arrays and maps.

// pointerCodec writes a nil pointer as null and otherwise what it points to;
// decoding null sets the pointer to nil, anything else allocates the target
// when the pointer is nil and decodes into it.
func pointerCodec(t reflect.Type, fl codecFlags) codec {
	if pointsToItself(t) {
		// type P *P: decoding would allocate pointer after pointer and
		// never reach a value.
		return errorCodec("Go type " + t.String() + " is a pointer to itself and has no BSON form")
	}
	elem := compileCodec(t.Elem(), fl)
	return codec{
		encode: func(dst []byte, key string, v reflect.Value, depth int) ([]byte, error) {
			if v.IsNil() {
				return AppendNullElement(dst, key), nil
			}
			if depth > maxEncodeDepth {
				return dst, &MarshalError{Msg: "values nested too deeply (a pointer cycle?)"}
			}
			return elem.encode(dst, key, v.Elem(), depth+1)
		},
		encodeDoc: func(dst []byte, v reflect.Value, depth int) ([]byte, error) {
			if v.IsNil() {
				return dst, &MarshalError{Msg: "cannot marshal a nil " + v.Type().String() + " as a document"}
			}
			if elem.encodeDoc == nil {
				return dst, &MarshalError{Msg: "cannot marshal " + v.Type().String() + " as a document"}
			}
			return elem.encodeDoc(dst, v.Elem(), depth+1)
		},
		decode: func(d *decState, bt Type, val []byte, v reflect.Value) error {
			if bt == TypeNull || bt == TypeUndefined {
				v.SetZero()
				return nil
			}
			if v.IsNil() {
				v.Set(reflect.New(t.Elem()))
			}
			return elem.decode(d, bt, val, v.Elem())
		},
	}
}

// pointsToItself reports whether following the pointer type t through its
// element types (while they are pointers) comes back to t.
func pointsToItself(t reflect.Type) bool {
	e := t.Elem()
	for seen := 0; e.Kind() == reflect.Pointer && seen < 64; seen++ {
		if e == t {
			return true
		}
		e = e.Elem()
	}
	return e.Kind() == reflect.Pointer // a chain this long must loop
}

// interfaceCodec writes the dynamic value of an interface (null when nil).
// It decodes into the non-nil pointer an interface already holds; into an
// empty interface that holds anything else, the generic value (D, A,
// int32, ...); a non-empty interface can only receive a value into the
// non-nil pointer it holds.
func interfaceCodec(t reflect.Type, fl codecFlags) codec {
	env := envOf(fl)
	c := codec{
		encode: func(dst []byte, key string, v reflect.Value, depth int) ([]byte, error) {
			if v.IsNil() {
				return AppendNullElement(dst, key), nil
			}
			return appendAnyElement(dst, key, v.Elem().Interface(), depth, env)
		},
		encodeDoc: func(dst []byte, v reflect.Value, depth int) ([]byte, error) {
			if v.IsNil() {
				return dst, &MarshalError{Msg: "cannot marshal a nil interface as a document"}
			}
			return appendAnyDocument(dst, v.Elem().Interface(), depth, env)
		},
	}
	if t.NumMethod() == 0 {
		c.decode = func(d *decState, bt Type, val []byte, v reflect.Value) error {
			if !v.IsNil() && v.Elem().Kind() == reflect.Pointer && !v.Elem().IsNil() {
				// Into the *T it holds, as the official driver does (null
				// included: that zeroes the T).
				p := v.Elem()
				return codecFor(p.Type().Elem(), fl).decode(d, bt, val, p.Elem())
			}
			x, err := d.decodeAny(bt, val)
			if err != nil {
				return err
			}
			if x == nil {
				v.SetZero()
			} else {
				v.Set(reflect.ValueOf(x))
			}
			return nil
		}
		return c
	}
	c.decode = func(d *decState, bt Type, val []byte, v reflect.Value) error {
		if bt == TypeNull || bt == TypeUndefined {
			v.SetZero()
			return nil
		}
		if !v.IsNil() && v.Elem().Kind() == reflect.Pointer && !v.Elem().IsNil() {
			p := v.Elem()
			return codecFor(p.Type(), fl).decode(d, bt, val, p)
		}
		return d.errType(val, bt, t.String()+" (a nil non-empty interface)")
	}
	return c
}

// sliceCodec writes a nil slice as null (an empty array with
// Encoder.NilSliceAsEmpty) and other slices as arrays.
func sliceCodec(t reflect.Type, fl codecFlags) codec {
	elem := compileCodec(t.Elem(), fl)
	nilAsEmpty := fl.has(optNilSliceEmpty)
	return codec{
		encode: func(dst []byte, key string, v reflect.Value, depth int) ([]byte, error) {
			if v.IsNil() && !nilAsEmpty {
				return AppendNullElement(dst, key), nil
			}
			return appendArrayElement(dst, key, elem, v, depth)
		},
		decode: func(d *decState, bt Type, val []byte, v reflect.Value) error {
			switch bt {
			case TypeNull, TypeUndefined:
				v.SetZero()
				return nil
			case TypeArray:
			case TypeBinary:
				if t.Elem().Kind() == reflect.Uint8 { // []myByte, as torque wrote it before v0.x
					return decodeBinaryElems(d, val, v, true)
				}
				return d.errType(val, bt, t.String())
			default:
				return d.errType(val, bt, t.String())
			}
			body, n, err := d.openCounted(val)
			if err != nil {
				return err
			}
			if v.IsNil() || v.Cap() < n {
				v.Set(reflect.MakeSlice(t, n, n))
			} else { // reuse the backing array, as encoding/json does
				v.SetLen(n)
				for i := range n {
					v.Index(i).SetZero()
				}
			}
			return decodeElements(d, body, elem, v)
		},
	}
}

// arrayCodec writes a Go array as a BSON array and reads a BSON array of
// at most its length, zeroing the elements the input does not have.
func arrayCodec(t reflect.Type, fl codecFlags) codec {
	elem := compileCodec(t.Elem(), fl)
	return codec{
		encode: func(dst []byte, key string, v reflect.Value, depth int) ([]byte, error) {
			return appendArrayElement(dst, key, elem, v, depth)
		},
		decode: func(d *decState, bt Type, val []byte, v reflect.Value) error {
			switch bt {
			case TypeArray:
			case TypeNull, TypeUndefined:
				v.SetZero()
				return nil
			default:
				return d.errType(val, bt, t.String())
			}
			body, n, err := d.openCounted(val)
			if err != nil {
				return err
			}
			if n > v.Len() {
				return d.errAt(val, "array of "+strconv.Itoa(n)+" elements does not fit "+t.String())
			}
			v.SetZero()
			return decodeElements(d, body, elem, v)
		},
	}
}

// byteArrayCodec writes [N]byte as binary subtype 0, as the official driver
// does, and reads binary (subtype 0 or 2, at most N bytes, the rest zeroed)
// or an array of numbers.
func byteArrayCodec(t reflect.Type, fl codecFlags) codec {
	arr := arrayCodec(t, fl)
	return codec{
		encode: func(dst []byte, key string, v reflect.Value, _ int) ([]byte, error) {
			if !v.CanAddr() {
				p := reflect.New(t)
				p.Elem().Set(v)
				v = p.Elem()
			}
			return AppendBinaryElement(dst, key, BinaryGeneric, v.Bytes()), nil
		},
		decode: func(d *decState, bt Type, val []byte, v reflect.Value) error {
			if bt == TypeBinary {
				return decodeBinaryElems(d, val, v, false)
			}
			return arr.decode(d, bt, val, v)
		},
	}
}

// decodeBinaryElems decodes binary data of subtype 0 or 2 into the byte
// slice (made to measure) or byte array v, element by element, so that the
// element type may be a named byte type.
func decodeBinaryElems(d *decState, val []byte, v reflect.Value, slice bool) error {
	sub, data := splitBinary(val)
	switch {
	case sub != BinaryGeneric && sub != BinaryBinaryOld:
		return d.errAt(val, "cannot decode binary subtype "+strconv.Itoa(int(sub))+" into "+v.Type().String())
	case slice:
		v.Set(reflect.MakeSlice(v.Type(), len(data), len(data)))
	case len(data) > v.Len():
		return d.errAt(val, "binary of "+strconv.Itoa(len(data))+" bytes does not fit "+v.Type().String())
	default:
		v.SetZero()
	}
	for i, b := range data {
		v.Index(i).SetUint(uint64(b))
	}
	return nil
}

// appendArrayElement writes the elements of the slice or array v.
func appendArrayElement(dst []byte, key string, elem *codec, v reflect.Value, depth int) ([]byte, error) {
	if depth > maxEncodeDepth {
		return dst, &MarshalError{Msg: "values nested too deeply (a cycle?)"}
	}
	start, dst := AppendArrayElementStart(dst, key)
	var err error
	for i, n := 0, v.Len(); i < n; i++ {
		if dst, err = elem.encode(dst, ArrayKey(i), v.Index(i), depth+1); err != nil {
			return dst, withKey(err, ArrayKey(i))
		}
	}
	return AppendDocumentEnd(dst, start)
}

// openCounted opens a document or array value and counts its elements.
func (d *decState) openCounted(val []byte) (body []byte, n int, err error) {
	if d.depth >= MaxNestingDepth {
		return nil, 0, d.errAt(val, "documents nested too deeply")
	}
	if body, err = d.openDocument(val); err != nil {
		return nil, 0, err
	}
	n, err = d.countElements(body)
	return body, n, err
}

// decodeElements decodes the elements of an opened array into v[0], v[1],
// ... (v has room for all of them).
func decodeElements(d *decState, body []byte, elem *codec, v reflect.Value) error {
	d.depth++
	defer func() { d.depth-- }()
	for i := 0; len(body) > 0; i++ {
		t, k, val, rest, _ := d.nextElement(body) // framing checked by countElements
		body = rest
		if err := d.checkKey(k); err != nil {
			return prefixKey(err, k)
		}
		if err := elem.decode(d, t, val, v.Index(i)); err != nil {
			return prefixKey(err, k)
		}
	}
	return nil
}

// byteSliceCodec writes []byte as binary subtype 0 (nil as null, or empty
// with Encoder.NilByteSliceAsEmpty) and reads binary of subtype 0 or 2
// into a copy.
func byteSliceCodec(fl codecFlags) codec {
	nilAsEmpty := fl.has(optNilByteSliceEmpty)
	return codec{
		encode: func(dst []byte, key string, v reflect.Value, _ int) ([]byte, error) {
			if v.IsNil() && !nilAsEmpty {
				return AppendNullElement(dst, key), nil
			}
			return AppendBinaryElement(dst, key, BinaryGeneric, v.Bytes()), nil
		},
		decode: func(d *decState, bt Type, val []byte, v reflect.Value) error {
			switch bt {
			case TypeNull, TypeUndefined:
				v.SetZero()
				return nil
			case TypeBinary:
				sub, data := splitBinary(val)
				if sub != BinaryGeneric && sub != BinaryBinaryOld {
					return d.errAt(val, "cannot decode binary subtype "+strconv.Itoa(int(sub))+" into "+v.Type().String())
				}
				v.SetBytes(cloneBytes(data))
				return nil
			}
			if b, ok, err := d.convBytes(bt, val); ok {
				if err == nil {
					v.SetBytes(b)
				}
				return err
			}
			return d.errType(val, bt, v.Type().String())
		},
	}
}

// mapCodec writes a map as a document (nil as null, or empty with
// Encoder.NilMapAsEmpty) in map order. Keys are
// strings, integers, or types that implement encoding.TextMarshaler (and
// TextUnmarshaler to decode).
func mapCodec(t reflect.Type, fl codecFlags) codec {
	kc, ok := mapKeyCoderFor(t.Key())
	if !ok {
		return badKeyMapCodec(t)
	}
	elem := compileCodec(t.Elem(), fl)
	c := codec{
		encodeDoc: func(dst []byte, v reflect.Value, depth int) ([]byte, error) {
			if v.IsNil() {
				return dst, &MarshalError{Msg: "cannot marshal a nil " + t.String() + " as a document"}
			}
			return appendMapDocument(dst, kc, elem, v, depth)
		},
		decode: func(d *decState, bt Type, val []byte, v reflect.Value) error {
			switch bt {
			case TypeNull, TypeUndefined:
				v.SetZero()
				return nil
			case TypeEmbeddedDocument:
				return decodeMap(d, kc, elem, val, v)
			}
			return d.errType(val, bt, t.String())
		},
	}
	nilAsEmpty := fl.has(optNilMapEmpty)
	c.encode = func(dst []byte, key string, v reflect.Value, depth int) ([]byte, error) {
		if v.IsNil() && !nilAsEmpty {
			return AppendNullElement(dst, key), nil
		}
		dst = AppendHeader(dst, TypeEmbeddedDocument, key)
		return appendMapDocument(dst, kc, elem, v, depth)
	}
	return c
}

// badKeyMapCodec is the codec of a map whose key type has no BSON form
// (map[float64]string): as in the official driver, a nil map is written as
// null, null and an empty document are read, and anything else is an error.
func badKeyMapCodec(t reflect.Type) codec {
	msg := "map key type " + t.Key().String() + " cannot be a BSON key"
	return codec{
		encode: func(dst []byte, key string, v reflect.Value, _ int) ([]byte, error) {
			if v.IsNil() {
				return AppendNullElement(dst, key), nil
			}
			return dst, &MarshalError{Msg: msg}
		},
		encodeDoc: func(dst []byte, _ reflect.Value, _ int) ([]byte, error) {
			return dst, &MarshalError{Msg: msg}
		},
		decode: func(d *decState, bt Type, val []byte, v reflect.Value) error {
			switch bt {
			case TypeNull, TypeUndefined:
				v.SetZero()
				return nil
			case TypeEmbeddedDocument:
				if len(val) == 5 {
					v.Set(reflect.MakeMap(t))
					return nil
				}
				return d.errAt(val, msg)
			}
			return d.errType(val, bt, t.String())
		},
	}
}

// appendMapDocument writes the entries of the map v as a document.
func appendMapDocument(dst []byte, kc mapKeyCoder, elem *codec, v reflect.Value, depth int) ([]byte, error) {
	if depth > maxEncodeDepth {
		return dst, &MarshalError{Msg: "values nested too deeply (a cycle?)"}
	}
	start, dst := AppendDocumentStart(dst)
	dst, err := appendMapEntries(dst, kc, elem, v, depth)
	if err != nil {
		return dst, err
	}
	return AppendDocumentEnd(dst, start)
}

// appendMapEntries writes the entries of the map v as elements; an inline
// map of a struct uses it directly.
func appendMapEntries(dst []byte, kc mapKeyCoder, elem *codec, v reflect.Value, depth int) ([]byte, error) {
	iter := v.MapRange()
	for iter.Next() {
		key, err := kc.encode(iter.Key())
		if err != nil {
			return dst, err
		}
		if strings.IndexByte(key, 0) >= 0 {
			return dst, &MarshalError{Msg: "key " + strconv.Quote(key) + " contains a NUL byte"}
		}
		if dst, err = elem.encode(dst, key, iter.Value(), depth+1); err != nil {
			return dst, withKey(err, key)
		}
	}
	return dst, nil
}

// decodeMap decodes the document val into the map v, making it if nil.
func decodeMap(d *decState, kc mapKeyCoder, elem *codec, val []byte, v reflect.Value) error {
	body, n, err := d.openCounted(val)
	if err != nil {
		return err
	}
	if v.IsNil() {
		v.Set(reflect.MakeMapWithSize(v.Type(), n))
	} else if d.opts.ZeroMaps {
		v.Clear()
	}
	d.depth++
	defer func() { d.depth-- }()
	kv := reflect.New(v.Type().Key()).Elem()
	ev := reflect.New(v.Type().Elem()).Elem()
	for len(body) > 0 {
		t, k, val, rest, _ := d.nextElement(body)
		body = rest
		if err := decodeMapEntry(d, kc, elem, t, k, val, v, kv, ev); err != nil {
			return prefixKey(err, k)
		}
	}
	return nil
}

// decodeMapEntry decodes one element into the map v, using kv and ev as
// scratch for its key and value.
func decodeMapEntry(d *decState, kc mapKeyCoder, elem *codec, t Type, k, val []byte, v, kv, ev reflect.Value) error {
	ks, err := d.key(k)
	if err != nil {
		return err
	}
	if err := kc.decode(ks, kv); err != nil {
		return d.errAt(k, "key "+strconv.Quote(ks)+": "+err.Error())
	}
	ev.SetZero()
	if err := elem.decode(d, t, val, ev); err != nil {
		return err
	}
	v.SetMapIndex(kv, ev)
	return nil
}

// mapKeyCoder converts map keys to and from document keys.
type mapKeyCoder struct {
	encode func(k reflect.Value) (string, error)
	decode func(s string, k reflect.Value) error // sets the settable k
}

var (
	textMarshalerType   = reflect.TypeFor[encoding.TextMarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// mapKeyCoderFor returns the key coder for map keys of type t.
func mapKeyCoderFor(t reflect.Type) (mapKeyCoder, bool) {
	switch {
	case t.Kind() == reflect.String:
		return mapKeyCoder{
			encode: func(k reflect.Value) (string, error) { return k.String(), nil },
			decode: func(s string, k reflect.Value) error { k.SetString(s); return nil },
		}, true
	case t.Implements(textMarshalerType) && reflect.PointerTo(t).Implements(textUnmarshalerType):
		return mapKeyCoder{
			encode: func(k reflect.Value) (string, error) {
				b, err := k.Interface().(encoding.TextMarshaler).MarshalText()
				if err != nil {
					return "", &MarshalError{Msg: "map key", Err: err}
				}
				return string(b), nil
			},
			decode: func(s string, k reflect.Value) error {
				return k.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s))
			},
		}, true
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return mapKeyCoder{
			encode: func(k reflect.Value) (string, error) { return strconv.FormatInt(k.Int(), 10), nil },
			decode: func(s string, k reflect.Value) error {
				i, err := strconv.ParseInt(s, 10, k.Type().Bits())
				k.SetInt(i)
				return err
			},
		}, true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return mapKeyCoder{
			encode: func(k reflect.Value) (string, error) { return strconv.FormatUint(k.Uint(), 10), nil },
			decode: func(s string, k reflect.Value) error {
				u, err := strconv.ParseUint(s, 10, k.Type().Bits())
				k.SetUint(u)
				return err
			},
		}, true
	}
	return mapKeyCoder{}, false
}
