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

// decodeD decodes the document doc into a D. It reads the document once,
// collecting elements on the scratch stack d.elems (whose top the nested
// documents use meanwhile), then copies them into a D of exactly their
// number.
func (d *decState) decodeD(doc []byte) (D, error) {
	base, err := d.collectDocument(doc)
	var out D
	if err == nil {
		out = make(D, len(d.elems)-base)
		copy(out, d.elems[base:])
	}
	d.dropElements(base)
	return out, err
}

// decodeM decodes the document doc into an M. Like decodeD it reads the
// document once onto the scratch stack d.elems, then makes a map of
// exactly that size (a later duplicate key wins, as it would one by one).
func (d *decState) decodeM(doc []byte) (M, error) {
	base, err := d.collectDocument(doc)
	var out M
	if err == nil {
		out = make(M, len(d.elems)-base)
		for _, e := range d.elems[base:] {
			out[e.Key] = e.Value
		}
	}
	d.dropElements(base)
	return out, err
}

// collectDocument checks the depth and framing of doc and decodes its
// elements onto the scratch stack d.elems, from the returned index on.
// The caller copies them out, then calls dropElements.
func (d *decState) collectDocument(doc []byte) (base int, err error) {
	base = len(d.elems)
	if d.depth >= MaxNestingDepth {
		return base, d.errAt(doc, "documents nested too deeply")
	}
	body, err := d.openDocument(doc)
	if err != nil {
		return base, err
	}
	if d.enterArena(doc) {
		defer d.leaveArena()
	}
	d.depth++
	err = d.collectElements(body)
	d.depth--
	return base, err
}

// dropElements pops the scratch stack back to base, keeping no references.
func (d *decState) dropElements(base int) {
	clear(d.elems[base:])
	d.elems = d.elems[:base]
}

// collectElements decodes the elements of body onto d.elems.
func (d *decState) collectElements(body []byte) error {
	for len(body) > 0 {
		t, k, val, rest, err := d.nextElement(body)
		if err != nil {
			return err
		}
		body = rest
		key, err := d.key(k)
		if err != nil {
			return prefixKey(err, k)
		}
		v, err := d.decodeAny(t, val)
		if err != nil {
			return prefixKey(err, k)
		}
		d.elems = append(d.elems, E{Key: key, Value: v})
	}
	return nil
}

// decodeA decodes the array doc into an A, in one pass like decodeD,
// with the scratch stack d.vals. The keys of an array are not checked
// against "0", "1", ...: like other drivers, this one reads the elements in
// order and only checks that the keys are UTF-8.
func (d *decState) decodeA(doc []byte) (A, error) {
	if d.depth >= MaxNestingDepth {
		return nil, d.errAt(doc, "arrays nested too deeply")
	}
	body, err := d.openDocument(doc)
	if err != nil {
		return nil, err
	}
	if d.enterArena(doc) {
		defer d.leaveArena()
	}
	base := len(d.vals)
	d.depth++
	err = d.collectValues(body)
	d.depth--
	var out A
	if err == nil {
		out = make(A, len(d.vals)-base)
		copy(out, d.vals[base:])
	}
	clear(d.vals[base:])
	d.vals = d.vals[:base]
	return out, err
}

// collectValues decodes the elements of body onto d.vals.
func (d *decState) collectValues(body []byte) error {
	for len(body) > 0 {
		t, k, val, rest, err := d.nextElement(body)
		if err != nil {
			return err
		}
		body = rest
		if err := d.checkKey(k); err != nil {
			return prefixKey(err, k)
		}
		v, err := d.decodeAny(t, val)
		if err != nil {
			return prefixKey(err, k)
		}
		d.vals = append(d.vals, v)
	}
	return nil
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
		sub, data := splitBinary(val)
		if d.opts.BinaryAsSlice && (sub == BinaryGeneric || sub == BinaryBinaryOld) {
			return cloneBytes(data), nil
		}
		return Binary{Subtype: sub, Data: cloneBytes(data)}, nil
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

// inZone returns t in the local time zone under
// Decoder.UseLocalTimeZone, else as it is (in UTC).
func (d *decState) inZone(t time.Time) time.Time {
	if d.opts.UseLocalTimeZone {
		return t.Local()
	}
	return t
}
