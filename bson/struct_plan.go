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
		if tags.Skip || (!sf.IsExported() && !(sf.Anonymous && tags.Inline)) {
			continue // unexported fields, and embedded unexported structs unless inlined
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
	case ft.Kind() == reflect.Map && ft.Key().Kind() == reflect.String:
		if p.inlineMap != nil {
			return &MarshalError{Msg: t.String() + " has more than one inline map"}
		}
		p.inlineMap = &inlineMap{index: idx, typ: ft, elem: compileCodec(ft.Elem(), 0)}
		return nil
	}
	return &MarshalError{Msg: "inline field " + t.String() + "." + sf.Name + " must be a struct or a map with string keys"}
}

// fieldByIndex returns the field of v at the path index.
func fieldByIndex(v reflect.Value, index []int) reflect.Value {
	if len(index) == 1 {
		return v.Field(index[0])
	}
	for _, i := range index {
		v = v.Field(i)
	}
	return v
}

type zeroer interface{ IsZero() bool }

var zeroerType = reflect.TypeFor[zeroer]()

// emptyFunc returns the test that omitempty or omitzero applies to a field
// of type t, or nil when the field has neither.
//
// omitempty is the official driver's: a type with an IsZero() bool method
// asks it; strings, slices, maps and arrays are empty when their length is
// 0; numbers, bools, pointers and interfaces when they are zero or nil;
// structs never are.
//
// omitzero is encoding/json's (Go 1.24): IsZero() bool when the type has
// it, else the zero value of the type, structs included.
func emptyFunc(t reflect.Type, tags structTags) func(reflect.Value) bool {
	if !tags.OmitEmpty && !tags.OmitZero {
		return nil
	}
	if hasIsZero := t.Implements(zeroerType) || reflect.PointerTo(t).Implements(zeroerType); hasIsZero {
		return callIsZero(t)
	}
	if tags.OmitZero {
		return reflect.Value.IsZero
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
// zero without asking; a method on the pointer is called only when the
// value is addressable.
func callIsZero(t reflect.Type) func(reflect.Value) bool {
	onValue := t.Implements(zeroerType)
	return func(v reflect.Value) bool {
		if v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
			return v.IsNil() || v.Interface().(zeroer).IsZero()
		}
		if v.CanAddr() {
			return v.Addr().Interface().(zeroer).IsZero()
		}
		if onValue {
			return v.Interface().(zeroer).IsZero()
		}
		return v.IsZero()
	}
}
