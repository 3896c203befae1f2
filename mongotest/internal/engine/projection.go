package engine

import (
	"strings"

	"github.com/torque-go/torque/bson"
)

// Projection is a compiled find projection (or $project stage). It is
// immutable and safe for concurrent use.
type Projection struct {
	root      *projNode
	inclusion bool
	empty     bool
	vars      Vars
}

// CompileProjection compiles a find command's projection: inclusion or
// exclusion (not both, except _id), dotted paths, $slice, $elemMatch,
// the positional "a.$", and aggregation expressions (as MongoDB 4.4+).
func CompileProjection(proj bson.D, vars Vars) (*Projection, error) {
	return compileProjection(proj, vars, true)
}

func compileProjection(proj bson.D, vars Vars, find bool) (*Projection, error) {
	p := &Projection{root: &projNode{}, vars: vars, empty: len(proj) == 0}
	hasInc, hasExc := false, ""
	for _, e := range flattenProj(proj, "") {
		n, path, err := compileProjElem(e, vars, find)
		if err != nil {
			return nil, err
		}
		if err := p.root.add(path, n); err != nil {
			return nil, err
		}
		switch {
		case path == "_id":
		case n.kind == projExclude:
			hasExc = path
		case n.kind != projSlice:
			hasInc = true
			if hasExc != "" {
				return nil, errorf(31253, "Cannot do inclusion on field %s in exclusion projection", path)
			}
		}
		if hasInc && hasExc != "" {
			return nil, errorf(31254, "Cannot do exclusion on field %s in inclusion projection", hasExc)
		}
	}
	id, hasID := p.root.kids["_id"]
	p.inclusion = hasInc || (hasID && id.kind != projExclude && id.kind != projSlice && hasExc == "")
	if !hasID && p.inclusion {
		p.root.keys = append([]string{"_id"}, p.root.keys...)
		p.root.child("_id").kind = projInclude
	}
	return p, nil
}

// flattenProj turns nested documents into dotted paths: {a: {b: 1}} is
// "a.b": 1 (a document whose first key is an operator stays a value).
func flattenProj(d bson.D, prefix string) bson.D {
	var out bson.D
	for _, e := range d {
		if sub, ok := e.Value.(bson.D); ok && len(sub) > 0 && !strings.HasPrefix(sub[0].Key, "$") {
			out = append(out, flattenProj(sub, prefix+e.Key+".")...)
			continue
		}
		out = append(out, bson.E{Key: prefix + e.Key, Value: e.Value})
	}
	return out
}

// compileProjElem compiles one element; it returns the leaf and its path.
func compileProjElem(e bson.E, vars Vars, find bool) (*projNode, string, error) {
	path := e.Key
	if strings.HasPrefix(e.Key, "$") {
		return nil, "", errorf(16410, "FieldPath field names may not start with '$'. Consider using $getField or $setField.")
	}
	if find && strings.HasSuffix(path, ".$") {
		return &projNode{kind: projPositional}, strings.TrimSuffix(path, ".$"), nil
	}
	v := canon(e.Value)
	switch x := v.(type) {
	case bool:
		return boolNode(x), path, nil
	case int32, int64, float64, bson.Decimal128:
		return boolNode(truthy(x)), path, nil
	case bson.D:
		if len(x) == 0 {
			return nil, "", errorf(51270, "An empty sub-projection is not a valid value. Found empty object at path")
		}
		return compileProjOperator(x, vars, find, path)
	}
	c, err := compileExpr(v, vars)
	return &projNode{kind: projExpr, expr: c}, path, err
}

func boolNode(b bool) *projNode {
	if b {
		return &projNode{kind: projInclude}
	}
	return &projNode{kind: projExclude}
}

// compileProjOperator compiles find's $slice and $elemMatch, or an
// expression.
func compileProjOperator(x bson.D, vars Vars, find bool, path string) (*projNode, string, error) {
	if find && len(x) == 1 && x[0].Key == "$slice" {
		if n, ok := compileSliceOp(x[0].Value); ok {
			return n, path, nil
		}
	}
	if find && len(x) == 1 && x[0].Key == "$elemMatch" {
		if strings.Contains(path, ".") {
			return nil, "", errorf(CodeBadValue, "Cannot use $elemMatch projection on a nested field.")
		}
		t, err := compileElemMatch(x[0].Value, vars)
		return &projNode{kind: projElemMatch, elemMatch: t}, path, err
	}
	c, err := compileExpr(x, vars)
	return &projNode{kind: projExpr, expr: c}, path, err
}

// compileSliceOp parses find's $slice: n or [skip, limit].
func compileSliceOp(v any) (*projNode, bool) {
	if n, ok := truncInt(v); ok && isNumber(v) {
		return &projNode{kind: projSlice, limit: n}, true
	}
	a, ok := v.(bson.A)
	if !ok || len(a) != 2 || !isNumber(a[0]) || !isNumber(a[1]) {
		return nil, false
	}
	skip, _ := truncInt(a[0])
	limit, _ := truncInt(a[1])
	return &projNode{kind: projSlice, skip: skip, limit: limit, hasSkip: true}, true
}

// Apply projects doc; m is where the filter matched, for "a.$".
func (p *Projection) Apply(doc bson.D, m MatchInfo) (bson.D, error) {
	if p.empty {
		return doc, nil
	}
	a := &projApply{p: p, m: m, s: newScope(doc, p.vars)}
	var out bson.D
	var err error
	if p.inclusion {
		out, err = a.include(doc, p.root, true)
	} else {
		out, err = a.exclude(doc, p.root)
	}
	if err != nil || !p.root.has(projExpr) {
		return out, err
	}
	r, err := setComputed(out, p.root, a.s)
	if err != nil {
		return nil, err
	}
	return r.(bson.D), nil
}
