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

// buildStructPlan compiles the plan of the struct type t; fl holds the
// options (no tag bits) its fields are compiled with.
func buildStructPlan(t reflect.Type, fl codecFlags) (*structPlan, error) {
	p := &structPlan{byName: map[string]int{}}
	var cands []fieldCandidate
	if err := collectFields(t, nil, 0, fl, p, &cands); err != nil {
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
func collectFields(t reflect.Type, index []int, depth int, fl codecFlags, p *structPlan, cands *[]fieldCandidate) error {
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tags := parseStructTags(sf, fl.has(optJSONTags))
		if tags.Skip || !sf.IsExported() {
			continue // unexported fields, embedded ones too (inline or not), as in the official driver
		}
		idx := append(append(make([]int, 0, len(index)+1), index...), i)
		if tags.Inline {
			if err := collectInline(t, sf, idx, depth, fl, p, cands); err != nil {
				return err
			}
			continue
		}
		if strings.IndexByte(tags.Name, 0) >= 0 {
			return &MarshalError{Msg: "key of field " + t.String() + "." + sf.Name + " contains a NUL byte"}
		}
		ffl := fl
		if tags.MinSize {
			ffl.bits |= flagMinSize
		}
		if tags.Truncate {
			ffl.bits |= flagTruncate
		}
		// Encoder.OmitEmpty applies to the fields of this struct, and not
		// inside them, as in the official driver (whose struct codec does
		// not pass it on).
		tags.OmitEmpty = tags.OmitEmpty || fl.has(optOmitEmpty)
		ffl.bits &^= optOmitEmpty
		*cands = append(*cands, fieldCandidate{depth: depth, field: structField{
			name:    tags.Name,
			index:   idx,
			codec:   compileCodec(sf.Type, ffl),
			isEmpty: emptyFunc(sf.Type, tags, fl.has(optOmitZeroStruct)),
		}})
	}
	return nil
}

// collectInline handles a field tagged inline: a struct, whose fields join
// the enclosing document, or a map with string keys, which takes the
// elements that no field claims.
func collectInline(t reflect.Type, sf reflect.StructField, idx []int, depth int, fl codecFlags, p *structPlan, cands *[]fieldCandidate) error {
	switch ft := sf.Type; {
	case ft.Kind() == reflect.Struct:
		return collectFields(ft, idx, depth+1, fl, p, cands)
	case ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct:
		// Written when non-nil; allocated when one of its keys is read.
		return collectFields(ft.Elem(), idx, depth+1, fl, p, cands)
	case ft.Kind() == reflect.Map && ft.Key().Kind() == reflect.String:
		if p.inlineMap != nil {
			return &MarshalError{Msg: t.String() + " has more than one inline map"}
		}
		p.inlineMap = &inlineMap{index: idx, typ: ft, elem: compileCodec(ft.Elem(), fl)}
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
// zeroStruct (Encoder.OmitZeroStruct) makes omitempty take a zero struct
// as empty too.
func emptyFunc(t reflect.Type, tags structTags, zeroStruct bool) func(reflect.Value) bool {
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
		if zeroStruct {
			return isEmptyStruct
		}
		return func(reflect.Value) bool { return false }
	}
	return reflect.Value.IsZero
}

// isEmptyStruct is the official driver's OmitZeroStruct test: a struct is
// empty when each of its exported fields is, by the omitempty rules
// (IsZero when the type has it, length 0, zero, or such a struct).
func isEmptyStruct(v reflect.Value) bool {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		if sf := t.Field(i); sf.IsExported() || sf.Anonymous {
			if !isEmptyValue(v.Field(i)) {
				return false
			}
		}
	}
	return true
}

// isEmptyValue is omitempty's test under OmitZeroStruct, for any value.
func isEmptyValue(v reflect.Value) bool {
	k := v.Kind()
	if v.CanInterface() && (k != reflect.Pointer || !v.IsNil()) && v.Type().Implements(zeroerType) {
		return v.Interface().(zeroer).IsZero()
	}
	switch k {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Struct:
		return isEmptyStruct(v)
	}
	return v.IsZero()
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
