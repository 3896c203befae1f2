package engine

import (
	"slices"

	"github.com/torque-go/torque/bson"
)

// This file holds $sum, $avg, $min, $max as expressions (over one array
// argument, or over their arguments), the set expressions, $sortArray
// and $zip.

func init() {
	for _, op := range []string{"$sum", "$avg", "$min", "$max", "$stdDevPop", "$stdDevSamp"} {
		fnOps[op], collatedOps[op] = fnOp{0, -1, nil}, evalAccumulatorExpr
	}
	for op, f := range map[string]fnOp{
		"$setUnion":        {0, -1, nil},
		"$setIntersection": {0, -1, nil},
		"$setDifference":   {2, 2, nil},
		"$setEquals":       {2, -1, nil},
		"$setIsSubset":     {2, 2, nil},
		"$anyElementTrue":  {1, 1, evalElementTrue},
		"$allElementTrue":  {1, 1, evalElementTrue},
	} {
		fnOps[op] = f
	}
	collatedOps["$setUnion"], collatedOps["$setIntersection"] = evalSetUnion, evalSetIntersection
	collatedOps["$setDifference"], collatedOps["$setEquals"], collatedOps["$setIsSubset"] = evalSetDifference, evalSetEquals, evalSetIsSubset
	specialOps["$sortArray"] = compileSortArray
}

// evalAccumulatorExpr applies an accumulator to the elements of a single
// array argument, or to the arguments.
func evalAccumulatorExpr(coll *Collation, op string, args []any) (any, error) {
	vals := args
	if len(args) == 1 {
		if a, ok := args[0].(bson.A); ok {
			vals = a
		}
	}
	acc := newAccumulator(op, coll)
	for _, v := range vals {
		if err := acc.add(v); err != nil {
			return nil, err
		}
	}
	return acc.result(), nil
}

// setArgs checks that every argument is an array (nil if one is null).
func setArgs(op string, args []any) ([]bson.A, bool, error) {
	out := make([]bson.A, 0, len(args))
	for _, a := range args {
		if nullish(a) {
			return nil, true, nil
		}
		arr, ok := a.(bson.A)
		if !ok {
			return nil, false, errorf(17044, "All operands of %s must be arrays. One argument is of type: %s", op, typeName(typeOf(a)))
		}
		out = append(out, arr)
	}
	return out, false, nil
}

func setHas(coll *Collation, set bson.A, v any) bool {
	return slices.ContainsFunc(set, func(x any) bool { return EqualWith(coll, x, v) })
}

// dedupe returns the distinct values of a, in order.
func dedupe(coll *Collation, a bson.A) bson.A {
	out := bson.A{}
	for _, v := range a {
		if !setHas(coll, out, v) {
			out = append(out, v)
		}
	}
	return out
}

func evalSetUnion(coll *Collation, op string, args []any) (any, error) {
	sets, null, err := setArgs(op, args)
	if err != nil || null {
		return nil, err
	}
	var all bson.A
	for _, s := range sets {
		all = append(all, s...)
	}
	return dedupe(coll, all), nil
}

func evalSetIntersection(coll *Collation, op string, args []any) (any, error) {
	sets, null, err := setArgs(op, args)
	if err != nil || null {
		return nil, err
	}
	if len(sets) == 0 {
		return bson.A{}, nil
	}
	out := bson.A{}
	for _, v := range dedupe(coll, sets[0]) {
		in := true
		for _, s := range sets[1:] {
			in = in && setHas(coll, s, v)
		}
		if in {
			out = append(out, v)
		}
	}
	return out, nil
}

func evalSetDifference(coll *Collation, op string, args []any) (any, error) {
	sets, null, err := setArgs(op, args)
	if err != nil || null {
		return nil, err
	}
	out := bson.A{}
	for _, v := range dedupe(coll, sets[0]) {
		if !setHas(coll, sets[1], v) {
			out = append(out, v)
		}
	}
	return out, nil
}

func evalSetEquals(coll *Collation, op string, args []any) (any, error) {
	sets, null, err := setArgs(op, args)
	if err != nil || null {
		return nil, errorf(17044, "All operands of $setEquals must be arrays")
	}
	for _, s := range sets[1:] {
		a, b := dedupe(coll, sets[0]), dedupe(coll, s)
		if len(a) != len(b) {
			return false, nil
		}
		for _, v := range a {
			if !setHas(coll, b, v) {
				return false, nil
			}
		}
	}
	return true, nil
}

func evalSetIsSubset(coll *Collation, op string, args []any) (any, error) {
	sets, null, err := setArgs(op, args)
	if err != nil || null {
		return nil, errorf(17046, "both operands of $setIsSubset must be arrays")
	}
	for _, v := range sets[0] {
		if !setHas(coll, sets[1], v) {
			return false, nil
		}
	}
	return true, nil
}

func evalElementTrue(op string, args []any) (any, error) {
	a, ok := args[0].(bson.A)
	if !ok {
		return nil, errorf(17041, "%s's argument must be an array, but is %s", op, typeName(typeOf(cmpValue(args[0]))))
	}
	all := op == "$allElementTrue"
	for _, v := range a {
		if truthy(v) != all {
			return !all, nil
		}
	}
	return all, nil
}

// sortArrayExpr is $sortArray {input, sortBy}.
type sortArrayExpr struct {
	input expr
	by    *pushSort
}

func (s sortArrayExpr) eval(sc *scope) (any, error) {
	v, err := s.input.eval(sc)
	if err != nil || nullish(v) {
		return nil, err
	}
	a, ok := v.(bson.A)
	if !ok {
		return nil, errorf(2942504, "The input argument to $sortArray must be an array, but was of type: %s", typeName(typeOf(v)))
	}
	out := append(bson.A{}, a...)
	s.by.apply(out)
	return out, nil
}

func compileSortArray(arg any, vars Vars) (expr, error) {
	d, ok := arg.(bson.D)
	in, ok1 := lookup(d, "input")
	by, ok2 := lookup(d, "sortBy")
	if !ok || !ok1 || !ok2 || len(d) != 2 {
		return nil, errorf(2942500, "$sortArray requires 'input' and 'sortBy'")
	}
	x, err := compileExpr(in, vars)
	if err != nil {
		return nil, err
	}
	ps, err := compilePushSort(canon(by), vars.Collation())
	if err != nil {
		return nil, err
	}
	return sortArrayExpr{input: x, by: ps}, nil
}
