package engine

import (
	"strings"

	"github.com/torque-go/torque/bson"
)

// Filter is a compiled query filter. It is immutable and safe for
// concurrent use.
type Filter struct {
	root matcher
}

// matcher tests a whole document; it records where an array matched in
// info.
type matcher interface {
	match(doc bson.D, info *MatchInfo) (bool, error)
}

// CompileFilter compiles a query filter. vars are the variables $expr
// can read (the command's let, $$NOW...).
func CompileFilter(filter bson.D, vars Vars) (*Filter, error) {
	m, err := compileFilterDoc(filter, vars)
	if err != nil {
		return nil, err
	}
	return &Filter{root: m}, nil
}

// Match reports whether doc matches the filter, and where an array
// matched (for the positional $ operator).
func (f *Filter) Match(doc bson.D) (MatchInfo, bool, error) {
	var info MatchInfo
	ok, err := f.root.match(doc, &info)
	if !ok || err != nil {
		return MatchInfo{}, false, err
	}
	return info, true, nil
}

// andMatcher matches when all its matchers do.
type andMatcher []matcher

func (a andMatcher) match(doc bson.D, info *MatchInfo) (bool, error) {
	for _, m := range a {
		if ok, err := m.match(doc, info); !ok || err != nil {
			return false, err
		}
	}
	return true, nil
}

// orMatcher matches when one of its matchers does; with nor set, when
// none does.
type orMatcher struct {
	list []matcher
	nor  bool
}

func (o orMatcher) match(doc bson.D, info *MatchInfo) (bool, error) {
	for _, m := range o.list {
		var sub MatchInfo
		ok, err := m.match(doc, &sub)
		if err != nil {
			return false, err
		}
		if ok {
			if !o.nor && sub.HasIndex && !info.HasIndex {
				*info = sub
			}
			return !o.nor, nil
		}
	}
	return o.nor, nil
}

// constMatcher is $alwaysTrue / $alwaysFalse.
type constMatcher bool

func (c constMatcher) match(bson.D, *MatchInfo) (bool, error) { return bool(c), nil }

// exprMatcher is $expr: the expression's value, as a boolean.
type exprMatcher struct {
	expr expr
	vars Vars
}

func (e exprMatcher) match(doc bson.D, _ *MatchInfo) (bool, error) {
	v, err := e.expr.eval(newScope(doc, e.vars))
	if err != nil {
		return false, err
	}
	return truthy(v), nil
}

// compileFilterDoc compiles a filter document: the AND of its elements.
func compileFilterDoc(filter bson.D, vars Vars) (matcher, error) {
	var all andMatcher
	for _, e := range filter {
		m, err := compileFilterElem(e, vars)
		if err != nil {
			return nil, err
		}
		if m != nil {
			all = append(all, m)
		}
	}
	if len(all) == 1 {
		return all[0], nil
	}
	return all, nil
}

// compileFilterElem compiles one element of a filter document: a top-level
// operator or a field condition.
func compileFilterElem(e bson.E, vars Vars) (matcher, error) {
	if !strings.HasPrefix(e.Key, "$") {
		tests, err := compileFieldCond(e.Value, vars)
		if err != nil {
			return nil, err
		}
		return &pathMatcher{parts: splitPath(e.Key), tests: tests}, nil
	}
	switch e.Key {
	case "$and", "$or", "$nor":
		return compileLogical(e, vars)
	case "$expr":
		x, err := compileExpr(e.Value, vars)
		if err != nil {
			return nil, err
		}
		return exprMatcher{expr: x, vars: vars}, nil
	case "$comment":
		return nil, nil
	case "$alwaysTrue", "$alwaysFalse":
		return constMatcher(e.Key == "$alwaysTrue"), nil
	case "$where", "$text", "$jsonSchema", "$sampleRate":
		return nil, unsupported(e.Key)
	}
	return nil, errorf(CodeBadValue, "unknown top level operator: %s. If you have a field name that starts with a '$' symbol, consider using $getField or $setField.", e.Key)
}

// compileLogical compiles $and, $or and $nor.
func compileLogical(e bson.E, vars Vars) (matcher, error) {
	arr, ok := e.Value.(bson.A)
	if !ok || len(arr) == 0 {
		return nil, errorf(CodeBadValue, "%s must be a nonempty array", e.Key)
	}
	list := make([]matcher, 0, len(arr))
	for _, v := range arr {
		d, ok := v.(bson.D)
		if !ok {
			return nil, errorf(CodeBadValue, "$or/$and/$nor entries need to be full objects")
		}
		m, err := compileFilterDoc(d, vars)
		if err != nil {
			return nil, err
		}
		list = append(list, m)
	}
	if e.Key == "$and" {
		return andMatcher(list), nil
	}
	return orMatcher{list: list, nor: e.Key == "$nor"}, nil
}
