package engine

import (
	"github.com/torque-go/torque/bson"
)

// This file holds comparison, boolean and conditional expressions.

func init() {
	for _, op := range []string{"$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$cmp"} {
		fnOps[op], collatedOps[op] = fnOp{2, 2, nil}, evalCmp
	}
	fnOps["$not"] = fnOp{1, 1, func(_ string, a []any) (any, error) { return !truthy(a[0]), nil }}
	specialOps["$and"] = compileAndOr(true)
	specialOps["$or"] = compileAndOr(false)
	specialOps["$cond"] = compileCond
	specialOps["$ifNull"] = compileIfNull
	specialOps["$switch"] = compileSwitch
}

// cmpValue makes missing compare below null, as in aggregation.
func cmpValue(v any) any {
	if v == missing {
		return bson.Undefined{}
	}
	return v
}

func evalCmp(coll *Collation, op string, args []any) (any, error) {
	c := CompareWith(coll, cmpValue(args[0]), cmpValue(args[1]))
	switch op {
	case "$eq":
		return c == 0, nil
	case "$ne":
		return c != 0, nil
	case "$cmp":
		return int32(c), nil
	}
	return cmpHolds(op, c), nil
}

// andOrExpr is $and (all true) or $or (one true), short-circuiting.
type andOrExpr struct {
	and  bool
	args []expr
}

func (a andOrExpr) eval(s *scope) (any, error) {
	for _, x := range a.args {
		v, err := x.eval(s)
		if err != nil {
			return nil, err
		}
		if truthy(v) != a.and {
			return !a.and, nil
		}
	}
	return a.and, nil
}

func compileAndOr(and bool) func(any, Vars) (expr, error) {
	return func(arg any, vars Vars) (expr, error) {
		args, err := compileArgs(arg, vars)
		return andOrExpr{and: and, args: args}, err
	}
}

// condExpr is $cond.
type condExpr struct{ cond, then, els expr }

func (c condExpr) eval(s *scope) (any, error) {
	v, err := c.cond.eval(s)
	if err != nil {
		return nil, err
	}
	if truthy(v) {
		return c.then.eval(s)
	}
	return c.els.eval(s)
}

func compileCond(arg any, vars Vars) (expr, error) {
	var parts [3]any
	switch x := arg.(type) {
	case bson.A:
		if len(x) != 3 {
			return nil, errorf(16020, "Expression $cond takes exactly 3 arguments. %d were passed in.", len(x))
		}
		copy(parts[:], x)
	case bson.D:
		for _, e := range x {
			switch e.Key {
			case "if":
				parts[0] = e.Value
			case "then":
				parts[1] = e.Value
			case "else":
				parts[2] = e.Value
			default:
				return nil, errorf(17083, "Unrecognized parameter to $cond: %s", e.Key)
			}
		}
		for i, name := range []string{"if", "then", "else"} {
			if _, ok := lookup(x, name); !ok {
				return nil, errorf(int32(17080+i), "Missing '%s' parameter to $cond", name)
			}
		}
	default:
		return nil, errorf(16020, "Expression $cond takes exactly 3 arguments. 1 were passed in.")
	}
	args, err := compileArgs(bson.A(parts[:]), vars)
	if err != nil {
		return nil, err
	}
	return condExpr{args[0], args[1], args[2]}, nil
}

// ifNullExpr is $ifNull: the first argument neither null nor missing,
// else the last.
type ifNullExpr []expr

func (f ifNullExpr) eval(s *scope) (any, error) {
	for i, x := range f {
		v, err := x.eval(s)
		if err != nil || i == len(f)-1 || !nullish(v) {
			return v, err
		}
	}
	return nil, nil
}

func compileIfNull(arg any, vars Vars) (expr, error) {
	args, err := compileArgs(arg, vars)
	if err != nil {
		return nil, err
	}
	if len(args) < 2 {
		return nil, errorf(1257300, "$ifNull needs at least two arguments, had: %d", len(args))
	}
	return ifNullExpr(args), nil
}

// switchExpr is $switch.
type switchExpr struct {
	cases, thens []expr
	def          expr
}

func (w switchExpr) eval(s *scope) (any, error) {
	for i, c := range w.cases {
		v, err := c.eval(s)
		if err != nil {
			return nil, err
		}
		if truthy(v) {
			return w.thens[i].eval(s)
		}
	}
	if w.def == nil {
		return nil, errorf(40066, "$switch could not find a matching branch for an input, and no default was specified.")
	}
	return w.def.eval(s)
}

func compileSwitch(arg any, vars Vars) (expr, error) {
	d, ok := arg.(bson.D)
	if !ok {
		return nil, errorf(40060, "$switch requires an object as an argument")
	}
	var w switchExpr
	for _, e := range d {
		switch e.Key {
		case "branches":
			if err := compileBranches(&w, e.Value, vars); err != nil {
				return nil, err
			}
		case "default":
			x, err := compileExpr(e.Value, vars)
			if err != nil {
				return nil, err
			}
			w.def = x
		default:
			return nil, errorf(40067, "$switch found an unknown argument: %s", e.Key)
		}
	}
	if len(w.cases) == 0 {
		return nil, errorf(40068, "$switch requires at least one branch")
	}
	return w, nil
}

func compileBranches(w *switchExpr, v any, vars Vars) error {
	arr, ok := v.(bson.A)
	if !ok {
		return errorf(40061, "$switch expected an array for 'branches'")
	}
	for _, b := range arr {
		bd, ok := b.(bson.D)
		if !ok {
			return errorf(40062, "$switch expected each branch to be an object")
		}
		c, ok1 := lookup(bd, "case")
		t, ok2 := lookup(bd, "then")
		if !ok1 {
			return errorf(40064, "$switch requires each branch have a 'case' expression")
		}
		if !ok2 {
			return errorf(40065, "$switch requires each branch have a 'then' expression")
		}
		ce, err := compileExpr(c, vars)
		if err != nil {
			return err
		}
		te, err := compileExpr(t, vars)
		if err != nil {
			return err
		}
		w.cases, w.thens = append(w.cases, ce), append(w.thens, te)
	}
	return nil
}
