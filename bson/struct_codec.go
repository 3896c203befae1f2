package bson

import (
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// structCodec compiles the plan of the struct type t, with the options fl,
// into its codec. A
// struct whose tags are contradictory (two fields with one key, a bad
// inline field) gets a codec that reports that when used.
func structCodec(t reflect.Type, fl codecFlags) codec {
	p, err := buildStructPlan(t, fl)
	if err != nil {
		return errorCodec(err.(*MarshalError).Msg)
	}
	return codec{
		encodeDoc: func(dst []byte, v reflect.Value, depth int) ([]byte, error) {
			if depth > maxEncodeDepth {
				return dst, &MarshalError{Msg: "values nested too deeply (a cycle?)"}
			}
			start, dst := AppendDocumentStart(dst)
			dst, err := p.encodeFields(dst, v, depth)
			if err != nil {
				return dst, err
			}
			return AppendDocumentEnd(dst, start)
		},
		decode: p.decode,
	}
}

// encodeFields appends the elements of the struct v.
func (p *structPlan) encodeFields(dst []byte, v reflect.Value, depth int) ([]byte, error) {
	var err error
	for i := range p.fields {
		f := &p.fields[i]
		var fv reflect.Value
		if len(f.index) == 1 { // the common case, without a call
			fv = v.Field(f.index[0])
		} else if x, ok := fieldByIndex(v, f.index); ok {
			fv = x
		} else {
			continue // inside a nil inlined pointer
		}
		if f.isEmpty != nil && f.isEmpty(fv) {
			continue
		}
		if dst, err = f.codec.encode(dst, f.name, fv, depth+1); err != nil {
			return dst, withKey(err, f.name)
		}
	}
	if p.inlineMap != nil {
		if m, ok := fieldByIndex(v, p.inlineMap.index); ok {
			return p.encodeInlineMap(dst, m, depth)
		}
	}
	return dst, nil
}

// encodeInlineMap appends the entries of the inline map m, refusing keys
// that a field of the struct already wrote.
func (p *structPlan) encodeInlineMap(dst []byte, m reflect.Value, depth int) ([]byte, error) {
	iter := m.MapRange()
	var err error
	for iter.Next() {
		key := iter.Key().String()
		if _, clash := p.byName[key]; clash {
			return dst, &MarshalError{Msg: "key " + strconv.Quote(key) + " of the inline map clashes with a struct field"}
		}
		if err := checkKey(key); err != nil {
			return dst, err
		}
		if dst, err = p.inlineMap.elem.encode(dst, key, iter.Value(), depth+1); err != nil {
			return dst, withKey(err, key)
		}
	}
	return dst, nil
}

// decode reads a document into the struct v. Elements are matched to
// fields by key, expecting them in declaration order (the order Marshal
// writes) and falling back to a map lookup. Elements no field claims go to
// the inline map if there is one and are otherwise checked and skipped.
// Fields absent from the document keep their values, as with
// encoding/json.
func (p *structPlan) decode(d *decState, t Type, val []byte, v reflect.Value) error {
	switch t {
	case TypeEmbeddedDocument:
	case TypeNull, TypeUndefined:
		v.SetZero()
		return nil
	default:
		return d.errType(val, t, v.Type().String())
	}
	if d.depth >= MaxNestingDepth {
		return d.errAt(val, "documents nest deeper than "+strconv.Itoa(MaxNestingDepth)+" levels")
	}
	body, err := d.openDocument(val)
	if err != nil {
		return err
	}
	if d.opts.ZeroStructs {
		v.SetZero()
	}
	d.depth++
	next := 0 // the field expected next
	for len(body) > 0 {
		et, k, ev, rest, err := d.nextElement(body)
		if err != nil {
			d.depth--
			return err
		}
		body = rest
		if err := p.decodeElement(d, et, k, ev, v, &next); err != nil {
			d.depth--
			return prefixKey(err, k)
		}
	}
	d.depth--
	return nil
}

// decodeElement decodes one element of a document into the struct v.
func (p *structPlan) decodeElement(d *decState, t Type, k, val []byte, v reflect.Value, next *int) error {
	i := *next
	if i >= len(p.fields) || p.fields[i].name != string(k) {
		var ok bool
		if i, ok = p.byName[string(k)]; !ok {
			if i, ok = p.byLowerName(k); !ok {
				return p.decodeUnknown(d, t, k, val, v)
			}
		}
	}
	*next = i + 1
	f := &p.fields[i]
	if len(f.index) == 1 { // the common case, without a call
		return f.codec.decode(d, t, val, v.Field(f.index[0]))
	}
	return f.codec.decode(d, t, val, fieldForDecode(v, f.index))
}

// byLowerName looks the key k up again in lower case, as the official
// driver does when no field has the key itself: {"Name": ...} fills a field
// Name whose key is the default "name". Only the key is lowered; a field
// whose tag says "Name" does not take "name".
func (p *structPlan) byLowerName(k []byte) (int, bool) {
	var buf [64]byte
	lower, changed := buf[:0], false
	for _, c := range k {
		if c >= utf8.RuneSelf {
			i, ok := p.byName[strings.ToLower(string(k))]
			return i, ok
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
			changed = true
		}
		lower = append(lower, c)
	}
	if !changed {
		return 0, false
	}
	i, ok := p.byName[string(lower)]
	return i, ok
}

// decodeUnknown handles an element that no field claims.
func (p *structPlan) decodeUnknown(d *decState, t Type, k, val []byte, v reflect.Value) error {
	key, err := d.key(k)
	if err != nil {
		return err
	}
	if p.inlineMap == nil {
		return d.validate(t, val)
	}
	m := fieldForDecode(v, p.inlineMap.index)
	if m.IsNil() {
		m.Set(reflect.MakeMap(p.inlineMap.typ))
	}
	ev := reflect.New(p.inlineMap.typ.Elem()).Elem()
	if err := p.inlineMap.elem.decode(d, t, val, ev); err != nil {
		return err
	}
	kv := reflect.New(p.inlineMap.typ.Key()).Elem()
	kv.SetString(key)
	m.SetMapIndex(kv, ev)
	return nil
}
