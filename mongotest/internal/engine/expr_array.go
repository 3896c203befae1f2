package engine

import (
	"github.com/torque-go/torque/bson"
)

// This file holds the array expressions that take plain arguments.

func init() {
	for op, f := range map[string]fnOp{
		"$size":         {1, 1, evalSize},
		"$arrayElemAt":  {2, 2, evalArrayElemAt},
		"$first":        {1, 1, evalFirstLast},
		"$last":         {1, 1, evalFirstLast},
		"$in":           {2, 2, nil},
		"$concatArrays": {0, -1, evalConcatArrays},
		"$slice":        {2, 3, evalSlice},
		"$reverseArray": {1, 1, evalReverse},
		"$isArray":      {1, 1, func(_ string, a []any) (any, error) { return isArray(a[0]), nil }},
		"$range":        {2, 3, evalRange},
		"$indexOfArray": {2, 4, nil},
	} {
		fnOps[op] = f
	}
	collatedOps["$in"], collatedOps["$indexOfArray"] = evalIn, evalIndexOfArray
}

func evalSize(op string, args []any) (any, error) {
	a, ok := args[0].(bson.A)
	if !ok {
		return nil, errorf(17124, "The argument to $size must be an array. Type of argument: %s", typeName(typeOf(cmpValue(args[0]))))
	}
	return int32(len(a)), nil
}

func evalArrayElemAt(op string, args []any) (any, error) {
	if nullish(args[0]) || nullish(args[1]) {
		return nil, nil
	}
	a, ok := args[0].(bson.A)
	if !ok {
		return nil, errorf(28689, "$arrayElemAt's first argument must be an array, but is %s", typeName(typeOf(args[0])))
	}
	i, ok := toInt64Exact(args[1])
	if !ok {
		return nil, errorf(28691, "$arrayElemAt's second argument must be a numeric value, but is %s", typeName(typeOf(args[1])))
	}
	return elemAt(a, i), nil
}

// elemAt returns a[i], counting from the end for a negative i, or missing.
func elemAt(a bson.A, i int64) any {
	if i < 0 {
		i += int64(len(a))
	}
	if i < 0 || i >= int64(len(a)) {
		return missing
	}
	return a[i]
}

func evalFirstLast(op string, args []any) (any, error) {
	if nullish(args[0]) {
		return nil, nil
	}
	a, ok := args[0].(bson.A)
	if !ok {
		return nil, errorf(28689, "%s's argument must be an array, but is %s", op, typeName(typeOf(args[0])))
	}
	if op == "$first" {
		return elemAt(a, 0), nil
	}
	return elemAt(a, -1), nil
}

func evalIn(coll *Collation, op string, args []any) (any, error) {
	a, ok := args[1].(bson.A)
	if !ok {
		return nil, errorf(40081, "$in requires an array as a second argument, found: %s", typeName(typeOf(cmpValue(args[1]))))
	}
	for _, e := range a {
		if CompareWith(coll, cmpValue(args[0]), e) == 0 {
			return true, nil
		}
	}
	return false, nil
}

func evalConcatArrays(op string, args []any) (any, error) {
	out := bson.A{}
	for _, a := range args {
		if nullish(a) {
			return nil, nil
		}
		arr, ok := a.(bson.A)
		if !ok {
			return nil, errorf(28664, "$concatArrays only supports arrays, not %s", typeName(typeOf(a)))
		}
		out = append(out, arr...)
	}
	return out, nil
}

func evalSlice(op string, args []any) (any, error) {
	for _, a := range args {
		if nullish(a) {
			return nil, nil
		}
	}
	a, ok := args[0].(bson.A)
	if !ok {
		return nil, errorf(28724, "First argument to $slice must be an array, but is of type: %s", typeName(typeOf(args[0])))
	}
	n, ok := toInt64Exact(args[1])
	if !ok {
		return nil, errorf(28725, "Second argument to $slice must be a numeric value")
	}
	if len(args) == 2 {
		return sliceArray(a, n), nil
	}
	m, ok := toInt64Exact(args[2])
	if !ok || m <= 0 {
		return nil, errorf(28729, "Third argument to $slice must be positive")
	}
	return skipLimit(a, n, m), nil
}

// sliceArray keeps the first n elements, or the last -n.
func sliceArray(a bson.A, n int64) bson.A {
	l := int64(len(a))
	if n >= 0 {
		return append(bson.A{}, a[:min(n, l)]...)
	}
	return append(bson.A{}, a[max(0, l+n):]...)
}

// skipLimit keeps m elements from position pos (from the end if negative).
func skipLimit(a bson.A, pos, m int64) bson.A {
	l := int64(len(a))
	if pos < 0 {
		pos = max(0, l+pos)
	}
	if pos >= l {
		return bson.A{}
	}
	return append(bson.A{}, a[pos:min(l, pos+m)]...)
}

func evalReverse(op string, args []any) (any, error) {
	if nullish(args[0]) {
		return nil, nil
	}
	a, ok := args[0].(bson.A)
	if !ok {
		return nil, errorf(34435, "The argument to $reverseArray must be an array, but was of type: %s", typeName(typeOf(args[0])))
	}
	out := make(bson.A, len(a))
	for i, e := range a {
		out[len(a)-1-i] = e
	}
	return out, nil
}

func evalRange(op string, args []any) (any, error) {
	start, ok1 := toInt64Exact(args[0])
	end, ok2 := toInt64Exact(args[1])
	step := int64(1)
	ok3 := true
	if len(args) == 3 {
		step, ok3 = toInt64Exact(args[2])
	}
	if !ok1 || !ok2 || !ok3 || step == 0 {
		return nil, errorf(34443, "$range requires integral start, end and a non-zero step")
	}
	out := bson.A{}
	for i := start; (step > 0 && i < end) || (step < 0 && i > end); i += step {
		if len(out) >= 1<<20 {
			return nil, unsupported("$range of more than 1048576 elements")
		}
		out = append(out, int32(i))
	}
	return out, nil
}

func evalIndexOfArray(coll *Collation, op string, args []any) (any, error) {
	if nullish(args[0]) {
		return nil, nil
	}
	a, ok := args[0].(bson.A)
	if !ok {
		return nil, errorf(40090, "$indexOfArray requires an array as a first argument, found: %s", typeName(typeOf(args[0])))
	}
	start, end := int64(0), int64(len(a))
	if len(args) > 2 {
		start, _ = toInt64Exact(args[2])
	}
	if len(args) > 3 {
		end, _ = toInt64Exact(args[3])
	}
	for i := start; i < end && i < int64(len(a)); i++ {
		if CompareWith(coll, a[i], cmpValue(args[1])) == 0 {
			return int32(i), nil
		}
	}
	return int32(-1), nil
}
