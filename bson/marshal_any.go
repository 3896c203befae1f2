package bson

import (
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
)

// This file encodes values held in interfaces (the values of D, M and A)
// with a type switch over the common types, so that the generic
// containers need no reflection; other types go to their codec.

// appendAnyElement appends the element {key: x}, with the options and
// registry of fl: nil when Marshal has none, the common case, which then
// costs one comparison per value. (A pointer, so that the arguments stay
// in registers.)
func appendAnyElement(dst []byte, key string, x any, depth int, fl *codecFlags) ([]byte, error) {
	if fl != nil {
		if out, ok, err := appendOptElement(dst, key, x, depth, fl); ok {
			return out, err
		}
	}
	switch x := x.(type) {
	case nil:
		return AppendNullElement(dst, key), nil
	case string:
		return AppendStringElement(dst, key, x), nil
	case int32:
		return AppendInt32Element(dst, key, x), nil
	case int64:
		return AppendInt64Element(dst, key, x), nil
	case int:
		return appendIntElement(dst, key, int64(x)), nil
	case float64:
		return AppendDoubleElement(dst, key, x), nil
	case bool:
		return AppendBooleanElement(dst, key, x), nil
	case D:
		if x == nil {
			return AppendNullElement(dst, key), nil
		}
		return appendD(AppendHeader(dst, TypeEmbeddedDocument, key), x, depth, fl)
	case M:
		if x == nil {
			return AppendNullElement(dst, key), nil
		}
		return appendM(AppendHeader(dst, TypeEmbeddedDocument, key), x, depth, fl)
	case A:
		return appendAElement(dst, key, x, depth, fl)
	case ObjectID:
		return AppendObjectIDElement(dst, key, x), nil
	case DateTime:
		return AppendDateTimeElement(dst, key, int64(x)), nil
	case time.Time:
		return AppendDateTimeElement(dst, key, x.UnixMilli()), nil
	case []byte:
		if x == nil {
			return AppendNullElement(dst, key), nil
		}
		return AppendBinaryElement(dst, key, BinaryGeneric, x), nil
	case Binary:
		return AppendBinaryElement(dst, key, x.Subtype, x.Data), nil
	case Decimal128:
		return AppendDecimal128Element(dst, key, x), nil
	case Timestamp:
		return AppendTimestampElement(dst, key, x.T, x.I), nil
	}
	return appendRareElement(dst, key, x, depth, fl)
}

// appendOptElement handles the values of appendAnyElement's fast path
// that the options or the registry of fl write differently; ok is false
// for the others.
func appendOptElement(dst []byte, key string, x any, depth int, fl *codecFlags) (out []byte, ok bool, err error) {
	if x == nil {
		return dst, false, nil
	}
	if fl.reg != nil && fl.reg.lookup(reflect.TypeOf(x)) != nil {
		v := reflect.ValueOf(x)
		c := codecFor(v.Type(), *fl)
		out, err = c.encode(dst, key, addressable(v, c), depth)
		return out, true, err
	}
	switch x := x.(type) {
	case int64:
		if fl.minSize() {
			return appendIntElement(dst, key, x), true, nil
		}
	case D:
		if x == nil && fl.has(optNilSliceEmpty) {
			return AppendDocumentElement(dst, key, emptyDocument), true, nil
		}
	case M:
		if x == nil && fl.has(optNilMapEmpty) {
			return AppendDocumentElement(dst, key, emptyDocument), true, nil
		}
	case A:
		if x == nil && fl.has(optNilSliceEmpty) {
			return AppendArrayElement(dst, key, emptyDocument), true, nil
		}
	case []byte:
		if x == nil && fl.has(optNilByteSliceEmpty) {
			return AppendBinaryElement(dst, key, BinaryGeneric, nil), true, nil
		}
	}
	return dst, false, nil
}

// appendRareElement continues appendAnyElement with the less common types
// of this package, then hands everything else to its codec.
func appendRareElement(dst []byte, key string, x any, depth int, fl *codecFlags) ([]byte, error) {
	switch x := x.(type) {
	case Null:
		return AppendNullElement(dst, key), nil
	case MinKey:
		return AppendMinKeyElement(dst, key), nil
	case MaxKey:
		return AppendMaxKeyElement(dst, key), nil
	case Undefined:
		return AppendUndefinedElement(dst, key), nil
	case JavaScript:
		return AppendJavaScriptElement(dst, key, string(x)), nil
	case Symbol:
		return AppendSymbolElement(dst, key, string(x)), nil
	case DBPointer:
		return AppendDBPointerElement(dst, key, x.DB, x.Pointer), nil
	case Regex:
		if err := checkRegex(x); err != nil {
			return dst, err
		}
		return AppendRegexElement(dst, key, x.Pattern, sortedOptions(x.Options)), nil
	case CodeWithScope:
		return appendCodeWithScope(dst, key, &x, depth, fl)
	case float32:
		return AppendDoubleElement(dst, key, float64(x)), nil
	}
	v := reflect.ValueOf(x)
	c := codecFor(v.Type(), flagsOf(fl))
	return c.encode(dst, key, addressable(v, c), depth)
}

// appendAnyDocument appends x, which must marshal to a document.
func appendAnyDocument(dst []byte, x any, depth int, fl *codecFlags) ([]byte, error) {
	if fl != nil && fl.reg != nil && x != nil && fl.reg.lookup(reflect.TypeOf(x)) != nil {
		return appendCodecDocument(dst, x, depth, fl)
	}
	switch x := x.(type) {
	case D:
		return appendD(dst, x, depth, fl)
	case M:
		if x != nil {
			return appendM(dst, x, depth, fl)
		}
	case Raw:
		if err := checkValue(typeRaw, TypeEmbeddedDocument, x); err != nil {
			return dst, err
		}
		return append(dst, x...), nil
	case nil:
		return dst, &MarshalError{Msg: "cannot marshal nil as a document"}
	}
	return appendCodecDocument(dst, x, depth, fl)
}

// appendCodecDocument appends x, which must marshal to a document, with
// the codec of its type.
func appendCodecDocument(dst []byte, x any, depth int, fl *codecFlags) ([]byte, error) {
	v := reflect.ValueOf(x)
	if (v.Kind() == reflect.Map || v.Kind() == reflect.Pointer) && v.IsNil() {
		return dst, &MarshalError{Msg: "cannot marshal a nil " + v.Type().String() + " as a document"}
	}
	c := codecFor(v.Type(), flagsOf(fl))
	if c.encodeDoc == nil {
		return dst, &MarshalError{Msg: "cannot marshal " + v.Type().String() +
			" as a document: use a struct, a map, D, M, Raw or a pointer to one of those"}
	}
	return c.encodeDoc(dst, addressable(v, c), depth)
}

// appendD appends the document doc.
func appendD(dst []byte, doc D, depth int, fl *codecFlags) ([]byte, error) {
	if depth > maxEncodeDepth {
		return dst, &MarshalError{Msg: "values nested too deeply (a cycle?)"}
	}
	start, dst := AppendDocumentStart(dst)
	var err error
	if fl != nil {
		dst, err = appendDElements(dst, doc, depth, fl)
	} else {
		dst, err = appendDElements(dst, doc, depth, nil)
	}
	if err != nil {
		return dst, err
	}
	return AppendDocumentEnd(dst, start)
}

// appendDElements appends the elements of doc. (appendD calls it with a
// constant nil in the common case, which keeps fl out of the loop.)
func appendDElements(dst []byte, doc D, depth int, fl *codecFlags) ([]byte, error) {
	var err error
	for i := range doc {
		e := &doc[i]
		if err = checkKey(e.Key); err != nil {
			return dst, err
		}
		if dst, err = appendAnyElement(dst, e.Key, e.Value, depth+1, fl); err != nil {
			return dst, withKey(err, e.Key)
		}
	}
	return dst, nil
}

// appendM appends the document m, in map order.
func appendM(dst []byte, m M, depth int, fl *codecFlags) ([]byte, error) {
	if depth > maxEncodeDepth {
		return dst, &MarshalError{Msg: "values nested too deeply (a cycle?)"}
	}
	start, dst := AppendDocumentStart(dst)
	var err error
	for k, v := range m {
		if err = checkKey(k); err != nil {
			return dst, err
		}
		if dst, err = appendAnyElement(dst, k, v, depth+1, fl); err != nil {
			return dst, withKey(err, k)
		}
	}
	return AppendDocumentEnd(dst, start)
}

// appendAElement appends the array element {key: a}; a nil A is null.
func appendAElement(dst []byte, key string, a A, depth int, fl *codecFlags) ([]byte, error) {
	if a == nil {
		return AppendNullElement(dst, key), nil
	}
	if depth > maxEncodeDepth {
		return dst, &MarshalError{Msg: "values nested too deeply (a cycle?)"}
	}
	start, dst := AppendArrayElementStart(dst, key)
	var err error
	for i, x := range a {
		if dst, err = appendAnyElement(dst, ArrayKey(i), x, depth+1, fl); err != nil {
			return dst, withKey(err, ArrayKey(i))
		}
	}
	return AppendDocumentEnd(dst, start)
}

// checkKey refuses a key that a C string cannot hold.
func checkKey(key string) error {
	if strings.IndexByte(key, 0) >= 0 {
		return &MarshalError{Msg: "key " + strconv.Quote(key) + " contains a NUL byte"}
	}
	return nil
}

// addressable returns an addressable copy of the struct or array v, which
// its codec reads through pointers (one allocation that saves one per
// field), unless the copy would change what is written: a type with a
// MarshalBSON or MarshalBSONValue method on its pointer only is written by
// that method when it is addressable and by its fields when it is not
// (Marshal(v) and Marshal(&v) differ, as in the official driver).
func addressable(v reflect.Value, c *codec) reflect.Value {
	if (v.Kind() != reflect.Struct && v.Kind() != reflect.Array) || c.addrSensitive {
		return v
	}
	p := reflect.New(v.Type())
	p.Elem().Set(v)
	return p.Elem()
}

var addrSensitiveCache sync.Map // reflect.Type -> bool

// addrSensitive reports whether t, or a struct field or array element that
// t holds by value, has an encoding hook on its pointer only.
func addrSensitive(t reflect.Type) bool {
	if b, ok := addrSensitiveCache.Load(t); ok {
		return b.(bool)
	}
	pt := reflect.PointerTo(t)
	b := (pt.Implements(valueMarshalerType) && !t.Implements(valueMarshalerType)) ||
		(pt.Implements(marshalerType) && !t.Implements(marshalerType))
	switch t.Kind() {
	case reflect.Array:
		b = b || addrSensitive(t.Elem())
	case reflect.Struct:
		for i := 0; i < t.NumField() && !b; i++ {
			b = addrSensitive(t.Field(i).Type)
		}
	}
	addrSensitiveCache.Store(t, b)
	return b
}

// flagsOf returns *fl, the zero flags for nil.
func flagsOf(fl *codecFlags) codecFlags {
	if fl == nil {
		return codecFlags{}
	}
	return *fl
}

// envOf returns what the functions of this file take for fl: nil for the
// zero flags, else a pointer to a copy of fl.
func envOf(fl codecFlags) *codecFlags {
	if fl == (codecFlags{}) {
		return nil
	}
	return &fl
}

// emptyDocument is the empty document (and the empty array).
var emptyDocument = []byte{5, 0, 0, 0, 0}
