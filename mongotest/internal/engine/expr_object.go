package engine

import (
	"github.com/torque-go/torque/bson"
)

// This file holds the document expressions: $mergeObjects,
// $objectToArray, $arrayToObject, $getField, $setField, $unsetField.

func init() {
	for op, f := range map[string]fnOp{
		"$mergeObjects":  {0, -1, evalMergeObjects},
		"$objectToArray": {1, 1, evalObjectToArray},
		"$arrayToObject": {1, 1, evalArrayToObject},
	} {
		fnOps[op] = f
	}
	specialOps["$getField"] = compileFieldOp("$getField")
	specialOps["$setField"] = compileFieldOp("$setField")
	specialOps["$unsetField"] = compileFieldOp("$unsetField")
}

func evalMergeObjects(op string, args []any) (any, error) {
	out := bson.D{}
	for _, a := range args {
		if nullish(a) {
			continue
		}
		d, ok := a.(bson.D)
		if !ok {
			return nil, errorf(40400, "$mergeObjects requires object inputs, but input %v is of type %s", a, typeName(typeOf(a)))
		}
		for _, e := range d {
			out = setField(out, e.Key, e.Value)
		}
	}
	return out, nil
}

// setField sets key in d (in place if present, else appended).
func setField(d bson.D, key string, v any) bson.D {
	for i := range d {
		if d[i].Key == key {
			d[i].Value = v
			return d
		}
	}
	return append(d, bson.E{Key: key, Value: v})
}

// removeField returns d without key.
func removeField(d bson.D, key string) bson.D {
	out := make(bson.D, 0, len(d))
	for _, e := range d {
		if e.Key != key {
			out = append(out, e)
		}
	}
	return out
}

func evalObjectToArray(op string, args []any) (any, error) {
	if nullish(args[0]) {
		return nil, nil
	}
	d, ok := args[0].(bson.D)
	if !ok {
		return nil, errorf(40390, "$objectToArray requires a document input, found: %s", typeName(typeOf(args[0])))
	}
	out := make(bson.A, len(d))
	for i, e := range d {
		out[i] = bson.D{{Key: "k", Value: e.Key}, {Key: "v", Value: e.Value}}
	}
	return out, nil
}

func evalArrayToObject(op string, args []any) (any, error) {
	if nullish(args[0]) {
		return nil, nil
	}
	a, ok := args[0].(bson.A)
	if !ok {
		return nil, errorf(40386, "$arrayToObject requires an array input, found: %s", typeName(typeOf(args[0])))
	}
	out := bson.D{}
	for _, e := range a {
		var k, v any
		var ok bool
		switch x := e.(type) {
		case bson.A:
			if len(x) != 2 {
				return nil, errorf(40397, "$arrayToObject requires an array of size 2 arrays")
			}
			k, v, ok = x[0], x[1], true
		case bson.D:
			var ok1, ok2 bool
			k, ok1 = lookup(x, "k")
			v, ok2 = lookup(x, "v")
			ok = ok1 && ok2 && len(x) == 2
		}
		key, isStr := k.(string)
		if !ok || !isStr {
			return nil, errorf(40392, "$arrayToObject requires an array of key-value pairs")
		}
		out = setField(out, key, v)
	}
	return out, nil
}

// fieldOpExpr is $getField, $setField or $unsetField: field names may
// contain dots and dollars, which field paths cannot.
type fieldOpExpr struct {
	op                  string
	field, input, value expr
}

func (f fieldOpExpr) eval(s *scope) (any, error) {
	fv, err := f.field.eval(s)
	if err != nil {
		return nil, err
	}
	name, ok := fv.(string)
	if !ok {
		return nil, errorf(3041704, "%s requires 'field' to evaluate to type String, but got %s", f.op, typeName(typeOf(cmpValue(fv))))
	}
	in, err := f.input.eval(s)
	if err != nil {
		return nil, err
	}
	if nullish(in) {
		if f.op == "$getField" {
			return missing, nil
		}
		return nil, nil
	}
	d, ok := in.(bson.D)
	if !ok {
		if f.op == "$getField" {
			return missing, nil
		}
		return nil, errorf(4161105, "%s requires 'input' to evaluate to type Object", f.op)
	}
	return f.apply(s, d, name)
}

func (f fieldOpExpr) apply(s *scope, d bson.D, name string) (any, error) {
	switch f.op {
	case "$getField":
		if v, ok := lookup(d, name); ok {
			return v, nil
		}
		return missing, nil
	case "$unsetField":
		return removeField(d, name), nil
	}
	v, err := f.value.eval(s)
	if err != nil {
		return nil, err
	}
	if v == missing {
		return removeField(d, name), nil
	}
	return setField(append(bson.D{}, d...), name, v), nil
}

func compileFieldOp(op string) func(any, Vars) (expr, error) {
	return func(arg any, vars Vars) (expr, error) {
		f := fieldOpExpr{op: op, input: fieldExpr{variable: "CURRENT"}}
		d, ok := arg.(bson.D)
		if !ok || (len(d) > 0 && d[0].Key[0] == '$') {
			c, err := compileExpr(arg, vars)
			f.field = c
			return f, err
		}
		for _, e := range d {
			c, err := compileExpr(e.Value, vars)
			if err != nil {
				return nil, err
			}
			switch e.Key {
			case "field":
				f.field = c
			case "input":
				f.input = c
			case "value":
				f.value = c
			default:
				return nil, errorf(3041701, "%s found an unknown argument: %s", op, e.Key)
			}
		}
		if f.field == nil || (op == "$setField" && f.value == nil) {
			return nil, errorf(4161102, "%s requires 'field' and 'value' to be specified", op)
		}
		return f, nil
	}
}
