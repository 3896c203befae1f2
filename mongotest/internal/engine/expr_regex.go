package engine

import (
	"strings"

	"github.com/torque-go/torque/bson"
)

// This file holds $regexMatch, $regexFind, $regexFindAll, $trim, $ltrim,
// $rtrim, $replaceOne and $replaceAll: the string expressions with named
// arguments.

func init() {
	for _, op := range []string{"$regexMatch", "$regexFind", "$regexFindAll", "$trim", "$ltrim", "$rtrim", "$replaceOne", "$replaceAll"} {
		specialOps[op] = compileNamedArgs(op)
	}
}

// namedArgsExpr evaluates named arguments, then f.
type namedArgsExpr struct {
	op    string
	names []string
	exprs []expr
}

func (n namedArgsExpr) eval(s *scope) (any, error) {
	args := map[string]any{}
	for i, name := range n.names {
		v, err := n.exprs[i].eval(s)
		if err != nil {
			return nil, err
		}
		args[name] = v
	}
	if strings.HasPrefix(n.op, "$regex") {
		return evalRegexOp(n.op, args)
	}
	if strings.HasSuffix(n.op, "trim") {
		return evalTrim(n.op, args)
	}
	return evalReplace(n.op, args)
}

var namedArgs = map[string][]string{
	"$regexMatch": {"input", "regex", "options"}, "$regexFind": {"input", "regex", "options"},
	"$regexFindAll": {"input", "regex", "options"}, "$trim": {"input", "chars"},
	"$ltrim": {"input", "chars"}, "$rtrim": {"input", "chars"},
	"$replaceOne": {"input", "find", "replacement"}, "$replaceAll": {"input", "find", "replacement"},
}

func compileNamedArgs(op string) func(any, Vars) (expr, error) {
	return func(arg any, vars Vars) (expr, error) {
		d, ok := arg.(bson.D)
		if !ok {
			return nil, errorf(51103, "%s expects an object of named arguments but found: %s", op, typeName(typeOf(arg)))
		}
		n := namedArgsExpr{op: op}
		for _, e := range d {
			if !strings.Contains(strings.Join(namedArgs[op], ","), e.Key) {
				return nil, errorf(31024, "%s found an unknown argument: %s", op, e.Key)
			}
			x, err := compileExpr(e.Value, vars)
			if err != nil {
				return nil, err
			}
			n.names, n.exprs = append(n.names, e.Key), append(n.exprs, x)
		}
		if _, ok := lookup(d, "input"); !ok {
			return nil, errorf(31022, "%s requires 'input' parameter", op)
		}
		return n, nil
	}
}

func evalRegexOp(op string, args map[string]any) (any, error) {
	in := args["input"]
	var pattern, options string
	switch x := args["regex"].(type) {
	case string:
		pattern = x
	case bson.Regex:
		pattern, options = x.Pattern, x.Options
	default:
		if !nullish(x) {
			return nil, errorf(51105, "%s needs 'regex' to be of type string or regex", op)
		}
	}
	if o, ok := args["options"].(string); ok {
		options += o
	}
	s, isStr := in.(string)
	if !isStr {
		if !nullish(in) {
			return nil, errorf(51104, "%s needs 'input' to be of type string", op)
		}
		return map[string]any{"$regexMatch": false, "$regexFind": nil, "$regexFindAll": bson.A{}}[op], nil
	}
	re, err := compileRegex(pattern, options)
	if err != nil {
		return nil, err
	}
	switch op {
	case "$regexMatch":
		return re.MatchString(s), nil
	case "$regexFind":
		loc := re.FindStringSubmatchIndex(s)
		if loc == nil {
			return nil, nil
		}
		return regexResult(s, loc), nil
	}
	out := bson.A{}
	for _, loc := range re.FindAllStringSubmatchIndex(s, -1) {
		out = append(out, regexResult(s, loc))
	}
	return out, nil
}

// regexResult is {match, idx, captures} for one match.
func regexResult(s string, loc []int) bson.D {
	caps := bson.A{}
	for i := 2; i+1 < len(loc); i += 2 {
		if loc[i] < 0 {
			caps = append(caps, nil)
			continue
		}
		caps = append(caps, s[loc[i]:loc[i+1]])
	}
	idx := len([]rune(s[:loc[0]]))
	return bson.D{{Key: "match", Value: s[loc[0]:loc[1]]}, {Key: "idx", Value: int32(idx)}, {Key: "captures", Value: caps}}
}

func evalTrim(op string, args map[string]any) (any, error) {
	in := args["input"]
	if nullish(in) {
		return nil, nil
	}
	s, ok := in.(string)
	if !ok {
		return nil, errorf(50699, "%s requires its input to be a string, got %s", op, typeName(typeOf(in)))
	}
	chars := " \t\n\v\f\r\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u3000\x00"
	if c, ok := args["chars"]; ok && !nullish(c) {
		cs, ok := c.(string)
		if !ok {
			return nil, errorf(50700, "%s requires 'chars' to be a string", op)
		}
		chars = cs
	}
	switch op {
	case "$ltrim":
		return strings.TrimLeft(s, chars), nil
	case "$rtrim":
		return strings.TrimRight(s, chars), nil
	}
	return strings.Trim(s, chars), nil
}

func evalReplace(op string, args map[string]any) (any, error) {
	in, find, repl := args["input"], args["find"], args["replacement"]
	if nullish(in) || nullish(find) || nullish(repl) {
		return nil, nil
	}
	s, ok1 := in.(string)
	f, ok2 := find.(string)
	r, ok3 := repl.(string)
	if !ok1 || !ok2 || !ok3 {
		return nil, errorf(51746, "%s requires that 'input', 'find' and 'replacement' be strings", op)
	}
	if op == "$replaceOne" {
		return strings.Replace(s, f, r, 1), nil
	}
	return strings.ReplaceAll(s, f, r), nil
}
