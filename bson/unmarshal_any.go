package bson

import (
	"time"
)

// This file decodes into the generic containers D, M, A and any, without
// reflection. Documents become D (or M with Decoder.DefaultDocumentM),
// arrays A, and every other value the type of this package that stands
// for it: int32, int64, float64, string, bool, nil (for null), ObjectID,
// DateTime, Binary, Timestamp, Decimal128, Regex, ...

// enterArena makes the bytes of doc the string arena of the generic values
// decoded below it, unless an enclosing generic document already did; it
// reports whether it did, and then the caller must call leaveArena.
func (d *decState) enterArena(doc []byte) (leave bool) {
	if d.arenaSrc != nil {
		return false
	}
	d.arena, d.arenaSrc = string(doc), doc
	return true
}

func (d *decState) leaveArena() { d.arena, d.arenaSrc = "", nil }

// decodeD decodes the document doc into a D with exactly as many elements
// as it has.
func (d *decState) decodeD(doc []byte) (D, error) {
	if d.depth++; d.depth > MaxNestingDepth {
		return nil, d.errAt(doc, "documents nested too deeply")
	}
	defer func() { d.depth-- }()
	body, err := d.openDocument(doc)
	if err != nil {
		return nil, err
	}
	n, err := d.countElements(body)
	if err != nil {
		return nil, err
	}
	if d.enterArena(doc) {
		defer d.leaveArena()
	}
	out := make(D, n)
	for i := range out {
		t, k, val, rest, _ := d.nextElement(body) // framing checked by countElements
		body = rest
		e := &out[i]
		if e.Key, err = d.key(k); err != nil {
			return nil, err
		}
		if e.Value, err = d.decodeAny(t, val); err != nil {
			return nil, prefixKey(err, k)
		}
	}
	return out, nil
}

// decodeM decodes the document doc into an M.
func (d *decState) decodeM(doc []byte) (M, error) {
	if d.depth++; d.depth > MaxNestingDepth {
		return nil, d.errAt(doc, "documents nested too deeply")
	}
	defer func() { d.depth-- }()
	body, err := d.openDocument(doc)
	if err != nil {
		return nil, err
	}
	n, err := d.countElements(body)
	if err != nil {
		return nil, err
	}
	if d.enterArena(doc) {
		defer d.leaveArena()
	}
	out := make(M, n)
	for len(body) > 0 {
		t, k, val, rest, _ := d.nextElement(body)
		body = rest
		key, err := d.key(k)
		if err != nil {
			return nil, err
		}
		v, err := d.decodeAny(t, val)
		if err != nil {
			return nil, prefixKey(err, k)
		}
		out[key] = v
	}
	return out, nil
}

// decodeA decodes the array doc into an A. The keys of an array are not
// checked against "0", "1", ...: like other drivers, this one reads the
// elements in order and only checks that the keys are UTF-8.
func (d *decState) decodeA(doc []byte) (A, error) {
	if d.depth++; d.depth > MaxNestingDepth {
		return nil, d.errAt(doc, "arrays nested too deeply")
	}
	defer func() { d.depth-- }()
	body, err := d.openDocument(doc)
	if err != nil {
		return nil, err
	}
	n, err := d.countElements(body)
	if err != nil {
		return nil, err
	}
	if d.enterArena(doc) {
		defer d.leaveArena()
	}
	out := make(A, n)
	for i := range out {
		t, k, val, rest, _ := d.nextElement(body)
		body = rest
		if _, err := d.key(k); err != nil {
			return nil, err
		}
		if out[i], err = d.decodeAny(t, val); err != nil {
			return nil, prefixKey(err, k)
		}
	}
	return out, nil
}

// decodeAny decodes one value of type t into the Go value that stands for
// it in an interface.
func (d *decState) decodeAny(t Type, val []byte) (any, error) {
	switch t {
	case TypeDouble:
		return readFloat64(val), nil
	case TypeString:
		return d.readString(val)
	case TypeEmbeddedDocument:
		if d.opts.DefaultDocumentM {
			return d.decodeM(val)
		}
		return d.decodeD(val)
	case TypeArray:
		return d.decodeA(val)
	case TypeBinary:
		sub, data, err := d.readBinary(val)
		if err != nil {
			return nil, err
		}
		return Binary{Subtype: sub, Data: append([]byte(nil), data...)}, nil
	case TypeUndefined:
		return Undefined{}, nil
	case TypeObjectID:
		return ObjectID(val), nil
	case TypeBoolean:
		return d.readBool(val)
	case TypeDateTime:
		return DateTime(readInt64LE(val)), nil
	case TypeNull:
		return nil, nil
	case TypeInt32:
		return readInt32LE(val), nil
	case TypeInt64:
		return readInt64LE(val), nil
	case TypeTimestamp:
		return Timestamp{I: uint32(readInt32LE(val)), T: uint32(readInt32LE(val[4:]))}, nil
	case TypeDecimal128:
		return NewDecimal128(uint64(readInt64LE(val[8:])), uint64(readInt64LE(val))), nil
	case TypeMinKey:
		return MinKey{}, nil
	case TypeMaxKey:
		return MaxKey{}, nil
	}
	return d.decodeAnyRare(t, val)
}

// decodeAnyRare decodes the deprecated and unusual types.
func (d *decState) decodeAnyRare(t Type, val []byte) (any, error) {
	switch t {
	case TypeRegex:
		p, o, err := d.readRegex(val)
		return Regex{Pattern: p, Options: o}, err
	case TypeJavaScript:
		s, err := d.readString(val)
		return JavaScript(s), err
	case TypeSymbol:
		s, err := d.readString(val)
		return Symbol(s), err
	case TypeDBPointer:
		n, _ := frameString(val)
		ns, err := d.readString(val[:n])
		return DBPointer{DB: ns, Pointer: ObjectID(val[n:])}, err
	case TypeCodeWithScope:
		code, scope, err := d.readCodeWithScope(val)
		if err != nil {
			return nil, err
		}
		var sc any
		if d.opts.DefaultDocumentM {
			sc, err = d.decodeM(scope)
		} else {
			sc, err = d.decodeD(scope)
		}
		return CodeWithScope{Code: JavaScript(code), Scope: sc}, err
	}
	return nil, d.errAt(val, "unknown element type "+t.String())
}

// decodeTime decodes a datetime into a time.Time in UTC.
func decodeTime(val []byte) time.Time {
	return time.UnixMilli(readInt64LE(val)).UTC()
}
