package engine

import (
	"strings"
	"time"

	"github.com/torque-go/torque/bson"
)

// expr is a compiled aggregation expression.
type expr interface {
	eval(s *scope) (any, error)
}

// scope holds what an expression reads: the current document and the
// variables. Child scopes ($let, $map, $filter...) add variables.
type scope struct {
	current any
	root    any
	vars    Vars
	name    string // a variable bound by this scope
	value   any
	parent  *scope
}

// newScope returns the scope of evaluating an expression against doc.
func newScope(doc bson.D, vars Vars) *scope {
	return &scope{current: doc, root: doc, vars: vars}
}

// with returns a child scope binding $$name to v.
func (s *scope) with(name string, v any) *scope {
	return &scope{current: s.current, root: s.root, vars: s.vars, name: name, value: v, parent: s}
}

// lookupVar returns the value of $$name.
func (s *scope) lookupVar(name string) (any, error) {
	for c := s; c != nil; c = c.parent {
		if c.parent != nil && c.name == name {
			return c.value, nil
		}
	}
	switch name {
	case "ROOT":
		return s.root, nil
	case "CURRENT":
		return s.current, nil
	case "REMOVE":
		return missing, nil
	}
	if v, ok := s.vars[name]; ok {
		return v, nil
	}
	switch name {
	case "NOW":
		return bson.NewDateTimeFromTime(time.Now()), nil
	case "CLUSTER_TIME":
		return bson.Timestamp{T: uint32(time.Now().Unix()), I: 1}, nil
	}
	return nil, errorf(CodeLocation17276, "Use of undefined variable: %s", name)
}

// Eval evaluates an aggregation expression against doc ($$ROOT and
// $$CURRENT) with the variables vars. A missing result is returned as
// nil... except that callers that must tell missing apart use evalValue.
func Eval(x any, doc bson.D, vars Vars) (any, error) {
	v, err := evalValue(x, doc, vars)
	if v == missing {
		return nil, err
	}
	return v, err
}

// evalValue compiles and evaluates x; missing stays missing.
func evalValue(x any, doc bson.D, vars Vars) (any, error) {
	c, err := compileExpr(x, vars)
	if err != nil {
		return nil, err
	}
	return c.eval(newScope(doc, vars))
}

// constExpr is a literal.
type constExpr struct{ v any }

func (c constExpr) eval(*scope) (any, error) { return c.v, nil }

// fieldExpr is "$a.b" ($$CURRENT.a.b) or "$$var.a.b".
type fieldExpr struct {
	variable string // "" for a field path of CURRENT
	parts    []string
}

func (f fieldExpr) eval(s *scope) (any, error) {
	base := s.current
	if f.variable != "" {
		v, err := s.lookupVar(f.variable)
		if err != nil {
			return nil, err
		}
		base = v
	}
	if len(f.parts) == 0 {
		return base, nil
	}
	return exprPath(base, f.parts), nil
}

// objectExpr builds a document; fields whose value is missing are left out.
type objectExpr struct {
	keys  []string
	exprs []expr
}

func (o objectExpr) eval(s *scope) (any, error) {
	out := make(bson.D, 0, len(o.keys))
	for i, k := range o.keys {
		v, err := o.exprs[i].eval(s)
		if err != nil {
			return nil, err
		}
		if v != missing {
			out = append(out, bson.E{Key: k, Value: v})
		}
	}
	return out, nil
}

// arrayExpr builds an array; missing elements become null.
type arrayExpr []expr

func (a arrayExpr) eval(s *scope) (any, error) {
	out := make(bson.A, len(a))
	for i, x := range a {
		v, err := x.eval(s)
		if err != nil {
			return nil, err
		}
		if v == missing {
			v = nil
		}
		out[i] = v
	}
	return out, nil
}

// compileExpr compiles an aggregation expression.
func compileExpr(x any, vars Vars) (expr, error) {
	switch v := canon(x).(type) {
	case string:
		return compileFieldRef(v)
	case bson.A:
		out := make(arrayExpr, len(v))
		for i, e := range v {
			c, err := compileExpr(e, vars)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case bson.D:
		if len(v) > 0 && strings.HasPrefix(v[0].Key, "$") {
			return compileOperator(v, vars)
		}
		return compileObjectExpr(v, vars)
	}
	return constExpr{canon(x)}, nil
}

// compileFieldRef compiles a string: a field path, a variable, or a
// literal string.
func compileFieldRef(v string) (expr, error) {
	if !strings.HasPrefix(v, "$") {
		return constExpr{v}, nil
	}
	if strings.HasPrefix(v, "$$") {
		name, rest, _ := strings.Cut(v[2:], ".")
		if name == "" {
			return nil, errorf(16869, "empty variable name")
		}
		f := fieldExpr{variable: name}
		if rest != "" {
			f.parts = splitPath(rest)
		}
		return f, nil
	}
	if v == "$" {
		return nil, errorf(16872, "'$' by itself is not a valid FieldPath")
	}
	return fieldExpr{parts: splitPath(v[1:])}, nil
}

func compileObjectExpr(d bson.D, vars Vars) (expr, error) {
	o := objectExpr{}
	for _, e := range d {
		if strings.HasPrefix(e.Key, "$") {
			return nil, errorf(16410, "FieldPath field names may not start with '$'. Consider using $getField or $setField.")
		}
		c, err := compileExpr(e.Value, vars)
		if err != nil {
			return nil, err
		}
		o.keys = append(o.keys, e.Key)
		o.exprs = append(o.exprs, c)
	}
	return o, nil
}

// compileOperator compiles {$op: args}.
func compileOperator(d bson.D, vars Vars) (expr, error) {
	if len(d) != 1 {
		return nil, errorf(CodeLocation15983, "an expression specification must contain exactly one field, the name of the expression. Found %d fields in %v", len(d), d)
	}
	op := d[0].Key
	if op == "$literal" {
		return constExpr{canon(d[0].Value)}, nil
	}
	if c, ok := specialOps[op]; ok {
		return c(d[0].Value, vars)
	}
	if f, ok := fnOps[op]; ok {
		args, err := compileArgs(d[0].Value, vars)
		if err != nil {
			return nil, err
		}
		if err := checkArity(op, f, len(args)); err != nil {
			return nil, err
		}
		return fnExpr{op: op, args: args, f: f.f, fc: collatedOps[op]}, nil
	}
	return nil, errorf(CodeInvalidPipelineOperator, "Unrecognized expression '%s'", op)
}

// compileArgs compiles an operator's arguments: an array, or one value.
func compileArgs(v any, vars Vars) ([]expr, error) {
	arr, ok := v.(bson.A)
	if !ok {
		arr = bson.A{v}
	}
	out := make([]expr, len(arr))
	for i, a := range arr {
		c, err := compileExpr(a, vars)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// fnExpr evaluates its arguments, then applies f to their values.
type fnExpr struct {
	op   string
	args []expr
	f    func(op string, args []any) (any, error)
	fc   func(c *Collation, op string, args []any) (any, error)
}

func (f fnExpr) eval(s *scope) (any, error) {
	vals := make([]any, len(f.args))
	for i, a := range f.args {
		v, err := a.eval(s)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	if f.fc != nil {
		return f.fc(s.vars.Collation(), f.op, vals)
	}
	return f.f(f.op, vals)
}

// fnOp is an operator whose arguments are all evaluated first.
type fnOp struct {
	min, max int // number of arguments; max -1 for any
	f        func(op string, args []any) (any, error)
}

func checkArity(op string, f fnOp, n int) error {
	if n < f.min || (f.max >= 0 && n > f.max) {
		if f.min == f.max {
			return errorf(16020, "Expression %s takes exactly %d arguments. %d were passed in.", op, f.min, n)
		}
		return errorf(16020, "Expression %s takes at least %d arguments, and at most %d. %d were passed in.", op, f.min, f.max, n)
	}
	return nil
}

// nullish reports whether v is null, undefined or missing.
func nullish(v any) bool {
	switch v.(type) {
	case nil, bson.Undefined, missingValue:
		return true
	}
	return false
}

// specialOps and fnOps are the expression operators (filled by the
// expr_*.go files' init functions).
var (
	specialOps = map[string]func(arg any, vars Vars) (expr, error){}
	fnOps      = map[string]fnOp{}
	// collatedOps replace the f of their fnOps entry: they compare values
	// and get the command's collation.
	collatedOps = map[string]func(c *Collation, op string, args []any) (any, error){}
)
