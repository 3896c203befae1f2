package unified

import (
	"bytes"
	"fmt"
	"math"
	"strings"

	"github.com/torque-go/torque/bson"
)

// matcher compares an expected value from a test file with an actual one,
// per the format's "Evaluating Matches": extra keys are allowed in
// root-level documents only, arrays must have the same length, numbers
// compare by value, and a document whose only key starts with "$$" is a
// special operator.
type matcher struct {
	entities *entityMap
	// exact turns off special operators and flexible numerics, for the
	// outcome's collection contents, which must match exactly.
	exact bool
}

// match returns nil when actual matches expected, else an error naming
// the path where they differ. An absent actual value is the zero RawValue.
func (m *matcher) match(path string, exp, act bson.RawValue, root bool) error {
	if doc, ok := exp.Document(); ok {
		if op, arg, ok := m.operator(doc); ok {
			return m.special(path, op, arg, act, root)
		}
		actDoc, ok := act.Document()
		if !ok {
			return fmt.Errorf("%s: expected a document, got %s", at(path), describe(act))
		}
		return m.matchDocument(path, doc, actDoc, root)
	}
	if arr, ok := exp.Array(); ok {
		actArr, ok := act.Array()
		if !ok {
			return fmt.Errorf("%s: expected an array, got %s", at(path), describe(act))
		}
		return m.matchArray(path, arr, actArr, false)
	}
	if act.IsZero() {
		return fmt.Errorf("%s: expected %s, got nothing", at(path), exp)
	}
	if !m.exact && isNumber(exp.Type) && isNumber(act.Type) {
		if numEqual(exp, act) {
			return nil
		}
		return fmt.Errorf("%s: expected %s, got %s", at(path), exp, act)
	}
	if exp.Type != act.Type || !bytes.Equal(exp.Value, act.Value) {
		return fmt.Errorf("%s: expected %s (%s), got %s", at(path), exp, exp.Type, describe(act))
	}
	return nil
}

func (m *matcher) matchDocument(path string, exp, act bson.Raw, root bool) error {
	for key, ev := range exp.All() {
		p := join(path, key)
		av := act.Lookup(key)
		if d, ok := ev.Document(); ok {
			if op, arg, ok := m.operator(d); ok {
				if op == "$$exists" {
					if err := exists(p, arg, av); err != nil {
						return err
					}
					continue
				}
				if op == "$$unsetOrMatches" && av.IsZero() {
					continue
				}
			}
		}
		if av.IsZero() {
			return fmt.Errorf("%s: expected %s, key is absent", at(p), ev)
		}
		if err := m.match(p, ev, av, false); err != nil {
			return err
		}
	}
	if root {
		return nil
	}
	for key := range act.All() {
		if exp.Lookup(key).IsZero() {
			return fmt.Errorf("%s: unexpected extra key %q in %s", at(path), key, act)
		}
	}
	return nil
}

// matchArray compares element by element; rootElems makes each element a
// root-level document (the documents of a find or aggregate).
func (m *matcher) matchArray(path string, exp, act bson.RawArray, rootElems bool) error {
	ev, err := exp.Values()
	if err != nil {
		return err
	}
	av, err := act.Values()
	if err != nil {
		return fmt.Errorf("%s: %w", at(path), err)
	}
	if len(ev) != len(av) {
		return fmt.Errorf("%s: expected %d elements, got %d: %s", at(path), len(ev), len(av), bson.RawValue{Type: bson.TypeArray, Value: act})
	}
	for i := range ev {
		if err := m.match(fmt.Sprintf("%s[%d]", path, i), ev[i], av[i], rootElems); err != nil {
			return err
		}
	}
	return nil
}

// operator reports whether doc is a special operator: one key, "$$...".
func (m *matcher) operator(doc bson.Raw) (string, bson.RawValue, bool) {
	if m.exact {
		return "", bson.RawValue{}, false
	}
	el, err := doc.Index(0)
	if err != nil || !strings.HasPrefix(el.Key(), "$$") {
		return "", bson.RawValue{}, false
	}
	if _, err := doc.Index(1); err == nil {
		return "", bson.RawValue{}, false
	}
	return el.Key(), el.Value(), true
}

func (m *matcher) special(path, op string, arg, act bson.RawValue, root bool) error {
	switch op {
	case "$$type":
		return matchType(path, arg, act)
	case "$$unsetOrMatches":
		if act.IsZero() {
			return nil
		}
		if d, ok := arg.Document(); ok {
			if op, inner, ok := m.operator(d); ok && op == "$$exists" {
				return exists(path, inner, act) // {$$unsetOrMatches: {$$exists: ...}}
			}
		}
		return m.match(path, arg, act, root)
	case "$$exists":
		return fmt.Errorf("%s: $$exists outside a document", at(path))
	case "$$matchesEntity":
		name, _ := arg.StringValue()
		v, err := m.entities.value(name)
		if err != nil {
			return fmt.Errorf("%s: %w", at(path), err)
		}
		return m.match(path, v, act, root)
	case "$$matchAsRoot":
		return m.match(path, arg, act, true)
	case "$$matchAsDocument":
		s, ok := act.StringValue()
		if !ok {
			return fmt.Errorf("%s: $$matchAsDocument needs a string, got %s", at(path), describe(act))
		}
		doc, err := bson.ExtJSONToRaw([]byte(s))
		if err != nil {
			return fmt.Errorf("%s: %w", at(path), err)
		}
		return m.match(path, arg, docValue(doc), false)
	case "$$lte":
		a, ok1 := act.AsFloat64()
		e, ok2 := arg.AsFloat64()
		if !ok1 || !ok2 || a > e {
			return fmt.Errorf("%s: expected a number <= %s, got %s", at(path), arg, describe(act))
		}
		return nil
	case "$$matchesHexBytes":
		return matchHexBytes(path, arg, act)
	case "$$sessionLsid":
		name, _ := arg.StringValue()
		v, err := m.entities.sessionLsid(name)
		if err != nil {
			return fmt.Errorf("%s: $$sessionLsid: %w", at(path), err)
		}
		return m.match(path, v, act, root)
	}
	return fmt.Errorf("%s: unsupported special operator %s", at(path), op)
}

func exists(path string, arg, act bson.RawValue) error {
	want, _ := arg.Boolean()
	if want && act.IsZero() {
		return fmt.Errorf("%s: expected the key to exist", at(path))
	}
	if !want && !act.IsZero() {
		return fmt.Errorf("%s: expected no such key, got %s", at(path), act)
	}
	return nil
}

// typeNames are the $type query operator's aliases.
var typeNames = map[string]bson.Type{
	"double": bson.TypeDouble, "string": bson.TypeString, "object": bson.TypeEmbeddedDocument,
	"array": bson.TypeArray, "binData": bson.TypeBinary, "undefined": bson.TypeUndefined,
	"objectId": bson.TypeObjectID, "bool": bson.TypeBoolean, "date": bson.TypeDateTime,
	"null": bson.TypeNull, "regex": bson.TypeRegex, "dbPointer": bson.TypeDBPointer,
	"javascript": bson.TypeJavaScript, "symbol": bson.TypeSymbol,
	"javascriptWithScope": bson.TypeCodeWithScope, "int": bson.TypeInt32,
	"timestamp": bson.TypeTimestamp, "long": bson.TypeInt64, "decimal": bson.TypeDecimal128,
	"minKey": bson.TypeMinKey, "maxKey": bson.TypeMaxKey,
}

func matchType(path string, arg, act bson.RawValue) error {
	var names []string
	if s, ok := arg.StringValue(); ok {
		names = []string{s}
	} else if arr, ok := arg.Array(); ok {
		for _, v := range arr.All() {
			s, _ := v.StringValue()
			names = append(names, s)
		}
	}
	if act.IsZero() {
		return fmt.Errorf("%s: expected a value of type %v, key is absent", at(path), names)
	}
	for _, n := range names {
		if n == "number" && isNumber(act.Type) || act.Type == bson.TypeDecimal128 && n == "number" {
			return nil
		}
		t, ok := typeNames[n]
		if !ok {
			return fmt.Errorf("%s: unknown $$type %q", at(path), n)
		}
		if t == act.Type {
			return nil
		}
	}
	return fmt.Errorf("%s: expected type %v, got %s", at(path), names, describe(act))
}

func isNumber(t bson.Type) bool {
	return t == bson.TypeInt32 || t == bson.TypeInt64 || t == bson.TypeDouble
}

// numEqual compares int32, int64 and double values by value.
func numEqual(a, b bson.RawValue) bool {
	if a.Type != bson.TypeDouble && b.Type != bson.TypeDouble {
		x, _ := a.AsInt64()
		y, _ := b.AsInt64()
		return x == y
	}
	x, _ := a.AsFloat64()
	y, _ := b.AsFloat64()
	return x == y || math.IsNaN(x) && math.IsNaN(y)
}

func describe(v bson.RawValue) string {
	if v.IsZero() {
		return "nothing"
	}
	return v.String() + " (" + v.Type.String() + ")"
}

func at(path string) string {
	if path == "" {
		return "at the root"
	}
	return "at " + path
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// docValue wraps a document as a RawValue.
func docValue(doc bson.Raw) bson.RawValue {
	return bson.RawValue{Type: bson.TypeEmbeddedDocument, Value: doc}
}
