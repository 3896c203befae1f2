package engine

import (
	"github.com/torque-go/torque/bson"
)

// This file holds the expressions that bind variables: $let, $map,
// $filter, $reduce.

func init() {
	specialOps["$let"] = compileLet
	specialOps["$map"] = compileIter("$map")
	specialOps["$filter"] = compileIter("$filter")
	specialOps["$reduce"] = compileIter("$reduce")
}

// letExpr is $let {vars, in}.
type letExpr struct {
	names []string
	exprs []expr
	in    expr
}

func (l letExpr) eval(s *scope) (any, error) {
	inner := s
	for i, n := range l.names {
		v, err := l.exprs[i].eval(s)
		if err != nil {
			return nil, err
		}
		inner = inner.with(n, v)
	}
	return l.in.eval(inner)
}

func compileLet(arg any, vars Vars) (expr, error) {
	d, ok := arg.(bson.D)
	vd, ok1 := lookup(d, "vars")
	in, ok2 := lookup(d, "in")
	vdoc, ok3 := vd.(bson.D)
	if !ok || !ok1 || !ok2 || !ok3 {
		return nil, errorf(16874, "$let requires 'vars' (an object) and 'in'")
	}
	var l letExpr
	for _, e := range vdoc {
		x, err := compileExpr(e.Value, vars)
		if err != nil {
			return nil, err
		}
		l.names, l.exprs = append(l.names, e.Key), append(l.exprs, x)
	}
	x, err := compileExpr(in, vars)
	l.in = x
	return l, err
}

// iterExpr is $map, $filter or $reduce.
type iterExpr struct {
	op                string
	input, body, init expr
	limit             expr
	as                string
}

func (it iterExpr) eval(s *scope) (any, error) {
	in, err := it.input.eval(s)
	if err != nil || nullish(in) {
		return nil, err
	}
	arr, ok := in.(bson.A)
	if !ok {
		return nil, errorf(28651, "input to %s must be an array not %s", it.op, typeName(typeOf(in)))
	}
	if it.op == "$reduce" {
		return it.reduce(s, arr)
	}
	limit := int64(-1)
	if it.limit != nil {
		lv, err := it.limit.eval(s)
		if err != nil {
			return nil, err
		}
		if !nullish(lv) {
			limit, _ = toInt64Exact(lv)
		}
	}
	out := bson.A{}
	for _, e := range arr {
		v, err := it.body.eval(s.with(it.as, e))
		if err != nil {
			return nil, err
		}
		switch {
		case it.op == "$map":
			if v == missing {
				v = nil
			}
			out = append(out, v)
		case truthy(v):
			out = append(out, e)
			if limit >= 0 && int64(len(out)) >= limit {
				return out, nil
			}
		}
	}
	return out, nil
}

func (it iterExpr) reduce(s *scope, arr bson.A) (any, error) {
	acc, err := it.init.eval(s)
	if err != nil {
		return nil, err
	}
	for _, e := range arr {
		acc, err = it.body.eval(s.with("value", acc).with("this", e))
		if err != nil {
			return nil, err
		}
	}
	return acc, nil
}

func compileIter(op string) func(any, Vars) (expr, error) {
	return func(arg any, vars Vars) (expr, error) {
		d, ok := arg.(bson.D)
		if !ok {
			return nil, errorf(CodeFailedToParse, "%s only supports an object as its argument", op)
		}
		it := iterExpr{op: op, as: "this"}
		for _, e := range d {
			if e.Key == "as" {
				s, ok := e.Value.(string)
				if !ok {
					return nil, errorf(CodeFailedToParse, "%s 'as' must be a string", op)
				}
				it.as = s
				continue
			}
			x, err := compileExpr(e.Value, vars)
			if err != nil {
				return nil, err
			}
			switch e.Key {
			case "input":
				it.input = x
			case "in", "cond":
				it.body = x
			case "initialValue":
				it.init = x
			case "limit":
				it.limit = x
			default:
				return nil, errorf(CodeFailedToParse, "Unrecognized parameter to %s: %s", op, e.Key)
			}
		}
		if it.input == nil || it.body == nil || (op == "$reduce" && it.init == nil) {
			return nil, errorf(CodeFailedToParse, "Missing a required parameter to %s", op)
		}
		return it, nil
	}
}
