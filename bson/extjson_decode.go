package bson

import (
	"math"
	"strconv"
	"strings"
)

// This file turns a parsed JSON tree (extjson_scan.go) into BSON: documents,
// arrays and plain values here, the "$"-prefixed type wrappers in
// extjson_wrappers.go.

// ejDecoder converts one JSON tree to BSON. path holds the keys from the
// top-level document down to the value being converted, for errors; depth
// counts the BSON documents and arrays around it, which may not nest deeper
// than MaxNestingDepth (Validate's limit).
type ejDecoder struct {
	canonicalOnly bool
	path          []string
	depth         int
}

// extJSONToRaw parses data as Extended JSON. With canonicalOnly, the
// relaxed forms (plain JSON numbers, ISO-8601 $date strings) and the legacy
// wrappers are refused.
func extJSONToRaw(data []byte, canonicalOnly bool) ([]byte, error) {
	root, err := parseJSON(data)
	if err != nil {
		return nil, err
	}
	if root.kind != jsonObject {
		return nil, newExtJSONError(root.off, "", "top-level value is a JSON %s, want an object", root.kind)
	}
	d := ejDecoder{canonicalOnly: canonicalOnly}
	// The JSON's length is a first guess at the BSON's, which is usually shorter.
	return d.document(make([]byte, 0, len(data)), &root)
}

// errorf returns an *ExtJSONError at offset off under the current key path.
func (d *ejDecoder) errorf(off int, format string, args ...any) error {
	return newExtJSONError(off, strings.Join(d.path, "."), format, args...)
}

// document appends obj as a BSON document. It never treats obj itself as a
// type wrapper: that is for the caller to decide.
func (d *ejDecoder) document(dst []byte, obj *jsonValue) ([]byte, error) {
	if err := d.enter(obj); err != nil {
		return nil, err
	}
	start, dst := AppendDocumentStart(dst)
	for i := range obj.members {
		m := &obj.members[i]
		if strings.IndexByte(m.key, 0) >= 0 {
			return nil, d.errorf(m.off, "key %q contains a null byte", m.key)
		}
		d.path = append(d.path, m.key)
		var err error
		dst, err = d.element(dst, m.key, &m.val)
		if err != nil {
			return nil, err
		}
		d.path = d.path[:len(d.path)-1]
	}
	return d.end(dst, start, obj)
}

// array appends arr as a BSON array (a document keyed "0", "1", ...).
func (d *ejDecoder) array(dst []byte, arr *jsonValue) ([]byte, error) {
	if err := d.enter(arr); err != nil {
		return nil, err
	}
	start, dst := AppendDocumentStart(dst)
	for i := range arr.elems {
		key := ArrayKey(i)
		d.path = append(d.path, key)
		var err error
		dst, err = d.element(dst, key, &arr.elems[i])
		if err != nil {
			return nil, err
		}
		d.path = d.path[:len(d.path)-1]
	}
	return d.end(dst, start, arr)
}

func (d *ejDecoder) enter(v *jsonValue) error {
	if d.depth++; d.depth > MaxNestingDepth {
		return d.errorf(v.off, "documents and arrays nest deeper than %d levels", MaxNestingDepth)
	}
	return nil
}

// end closes the document or array that v became.
func (d *ejDecoder) end(dst []byte, start int, v *jsonValue) ([]byte, error) {
	d.depth--
	dst, err := AppendDocumentEnd(dst, start)
	if err != nil {
		return nil, d.errorf(v.off, "%v", err)
	}
	return dst, nil
}

// element appends v as the element key.
func (d *ejDecoder) element(dst []byte, key string, v *jsonValue) ([]byte, error) {
	switch v.kind {
	case jsonNull:
		return AppendNullElement(dst, key), nil
	case jsonBool:
		return AppendBooleanElement(dst, key, v.text == "true"), nil
	case jsonString:
		return AppendStringElement(dst, key, v.text), nil
	case jsonNumber:
		return d.number(dst, key, v)
	case jsonArray:
		return d.array(AppendHeader(dst, TypeArray, key), v)
	}
	if wk := d.wrapperKey(v); wk != "" {
		return d.wrapper(dst, key, wk, v)
	}
	return d.document(AppendHeader(dst, TypeEmbeddedDocument, key), v)
}

// number appends a plain JSON number the way relaxed Extended JSON reads
// it: an integer becomes the smallest of int32 and int64 that holds it
// exactly (else a double), anything with a fraction or exponent a double.
func (d *ejDecoder) number(dst []byte, key string, v *jsonValue) ([]byte, error) {
	if d.canonicalOnly {
		return nil, d.errorf(v.off, "plain JSON number %s in canonical Extended JSON, want a $numberInt, $numberLong or $numberDouble wrapper", v.text)
	}
	if v.isInteger() {
		if n, err := strconv.ParseInt(v.text, 10, 64); err == nil {
			if n >= math.MinInt32 && n <= math.MaxInt32 {
				return AppendInt32Element(dst, key, int32(n)), nil
			}
			return AppendInt64Element(dst, key, n), nil
		}
	}
	f, err := strconv.ParseFloat(v.text, 64)
	if err != nil {
		return nil, d.errorf(v.off, "number %s is out of the range of a double", v.text)
	}
	return AppendDoubleElement(dst, key, f), nil
}
