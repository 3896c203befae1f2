package bson

import (
	"reflect"
	"strconv"
	"strings"
)

// A structPlan is the compiled form of a struct type: its fields in
// declaration order, with inlined structs flattened into it, and the
// lookup a decoder needs. It is built once per type.
type structPlan struct {
	fields    []structField
	byName    map[string]int // field name -> index in fields
	inlineMap *inlineMap     // the map that takes the elements no field claims
}

// structField is one field of the plan.
type structField struct {
	name    string
	index   []int // the path of field indexes from the outer struct
	codec   *codec
	isEmpty func(reflect.Value) bool // non-nil with omitempty or omitzero
}

// inlineMap is a map[string]T field tagged inline.
type inlineMap struct {
	index []int
	typ   reflect.Type
	elem  *codec
}

// fieldCandidate is a field found while walking the struct and the structs
// inlined into it, before name conflicts are resolved.
type fieldCandidate struct {
	field structField
	depth int
}

// buildStructPlan compiles the plan of the struct type t.
func buildStructPlan(t reflect.Type) (*structPlan, error) {
	p := &structPlan{byName: map[string]int{}}
	var cands []fieldCandidate
	if err := collectFields(t, nil, 0, p, &cands); err != nil {
		return nil, err
	}
	// The shallowest field of a name wins, as with Go's embedded fields;
	// two at the same depth are an error, as in the official driver.
	best := map[string]int{} // name -> index in cands
	for i, c := range cands {
		j, seen := best[c.field.name]
		switch {
		case !seen || c.depth < cands[j].depth:
			best[c.field.name] = i
		case c.depth == cands[j].depth:
			return nil, &MarshalError{Msg: t.String() + " has two fields with the key " + strconv.Quote(c.field.name)}
		}
	}
	for i, c := range cands {
		if best[c.field.name] == i {
			p.byName[c.field.name] = len(p.fields)
			p.fields = append(p.fields, c.field)
		}
	}
	return p, nil
}

// collectFields walks the fields of t (reached through index) and appends
// them to cands, descending into inlined structs.
func collectFields(t reflect.Type, index []int, depth int, p *structPlan, cands *[]fieldCandidate) error {
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tags := parseStructTags(sf)
		if tags.Skip || !sf.IsExported() {
			continue // unexported fields, embedded ones too (inline or not), as in the official driver
		}
		idx := append(append(make([]int, 0, len(index)+1), index...), i)
		if tags.Inline {
			if err := collectInline(t, sf, idx, depth, p, cands); err != nil {
				return err
			}
			continue
		}
		if strings.IndexByte(tags.Name, 0) >= 0 {
			return &MarshalError{Msg: "key of field " + t.String() + "." + sf.Name + " contains a NUL byte"}
		}
		var fl codecFlags
		if tags.MinSize {
			fl |= flagMinSize
		}
		if tags.Truncate {
			fl |= flagTruncate
		}
		*cands = append(*cands, fieldCandidate{depth: depth, field: structField{
			name:    tags.Name,
			index:   idx,
			codec:   compileCodec(sf.Type, fl),
			isEmpty: emptyFunc(sf.Type, tags),
		}})
	}
	return nil
}

// collectInline handles a field tagged inline: a struct, whose fields join
// the enclosing document, or a map with string keys, which takes the
// elements that no field claims.
func collectInline(t reflect.Type, sf reflect.StructField, idx []int, depth int, p *structPlan, cands *[]fieldCandidate) error {
	switch ft := sf.Type; {
	case ft.Kind() == reflect.Struct:
		return collectFields(ft, idx, depth+1, p, cands)
	case ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct:
		// Written when non-nil; allocated when one of its keys is read.
		return collectFields(ft.Elem(), idx, depth+1, p, cands)
	case ft.Kind() == reflect.Map && ft.Key().Kind() == reflect.String:
		if p.inlineMap != nil {
			return &MarshalError{Msg: t.String() + " has more than one inline map"}
		}
		p.inlineMap = &inlineMap{index: idx, typ: ft, elem: compileCodec(ft.Elem(), 0)}
		return nil
	}
	return &MarshalError{Msg: "inline field " + t.String() + "." + sf.Name + " must be a struct or a map with string keys"}
}

// fieldByIndex returns the field of v at the path index, for reading: it
// follows the pointers of inlined *struct fields, and ok is false when one
// of them is nil.
func fieldByIndex(v reflect.Value, index []int) (f reflect.Value, ok bool) {
	if len(index) == 1 {
		return v.Field(index[0]), true
	}
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return v, false
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}

// fieldForDecode returns the field of v at the path index, for writing:
// the nil pointers of inlined *struct fields on the way are allocated.
func fieldForDecode(v reflect.Value, index []int) reflect.Value {
	if len(index) == 1 {
		return v.Field(index[0])
	}
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v
}

type zeroer interface{ IsZero() bool }

var zeroerType = reflect.TypeFor[zeroer]()

// emptyFunc returns the test that omitempty or omitzero applies to a field
// of type t, or nil when the field has neither.
//
// omitempty is the official driver's: a type with an IsZero() bool method
// on its value (a pointer type counts: nil is empty, else it asks) asks
// it; strings, slices, maps and arrays are empty when their length is 0;
// numbers, bools, pointers and interfaces when they are zero or nil;
// structs never are. An IsZero on the pointer of a value type is not asked
// (the official driver does not either).
//
// omitzero is encoding/json's (Go 1.24): IsZero() bool when the type or
// its pointer has it, else the zero value of the type, structs included.
func emptyFunc(t reflect.Type, tags structTags) func(reflect.Value) bool {
	switch {
	case tags.OmitZero && (t.Implements(zeroerType) || reflect.PointerTo(t).Implements(zeroerType)):
		return callIsZero(t)
	case tags.OmitZero:
		return reflect.Value.IsZero
	case !tags.OmitEmpty:
		return nil
	case t.Implements(zeroerType):
		return callIsZero(t)
	}
	switch t.Kind() {
	case reflect.String, reflect.Slice, reflect.Map, reflect.Array:
		return func(v reflect.Value) bool { return v.Len() == 0 }
	case reflect.Struct:
		return func(reflect.Value) bool { return false }
	}
	return reflect.Value.IsZero
}

// callIsZero calls the IsZero method of values of type t. A nil pointer is
// zero without asking; a method on the pointer of a value that is not
// addressable is called on a copy (as encoding/json does).
func callIsZero(t reflect.Type) func(reflect.Value) bool {
	onValue := t.Implements(zeroerType)
	return func(v reflect.Value) bool {
		if v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
			return v.IsNil() || v.Interface().(zeroer).IsZero()
		}
		if onValue {
			return v.Interface().(zeroer).IsZero()
		}
		if !v.CanAddr() {
			p := reflect.New(t)
			p.Elem().Set(v)
			v = p.Elem()
		}
		return v.Addr().Interface().(zeroer).IsZero()
	}
}
