package engine

import (
	"slices"
	"strings"

	"github.com/torque-go/torque/bson"
)

// This file holds the simple stages: $match, $limit, $skip, $count,
// $sort, $documents, $replaceRoot and $replaceWith.

func init() {
	stageCompilers["$match"] = compileMatchStage
	stageCompilers["$limit"] = compileLimitStage
	stageCompilers["$skip"] = compileSkipStage
	stageCompilers["$count"] = compileCountStage
	stageCompilers["$sort"] = compileSortStage
	stageCompilers["$documents"] = compileDocumentsStage
	stageCompilers["$replaceRoot"] = compileReplaceRoot
	stageCompilers["$replaceWith"] = compileReplaceWith
}

func compileMatchStage(arg any, env Env) (stage, error) {
	d, ok := arg.(bson.D)
	if !ok {
		return nil, errorf(15959, "the match filter must be an expression in an object")
	}
	f, err := CompileFilter(d, env.Vars)
	if err != nil {
		return nil, err
	}
	return stageFunc(func(in []bson.D) ([]bson.D, error) {
		var out []bson.D
		for _, doc := range in {
			_, ok, err := f.Match(doc)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, doc)
			}
		}
		return out, nil
	}), nil
}

func compileLimitStage(arg any, env Env) (stage, error) {
	n, ok := toInt64Exact(arg)
	if !isNumber(arg) {
		return nil, errorf(15957, "the limit must be specified as a number")
	}
	if !ok || n <= 0 {
		return nil, errorf(15958, "the limit must be positive")
	}
	return stageFunc(func(in []bson.D) ([]bson.D, error) {
		return in[:min(int64(len(in)), n)], nil
	}), nil
}

func compileSkipStage(arg any, env Env) (stage, error) {
	n, ok := toInt64Exact(arg)
	if !isNumber(arg) || !ok {
		return nil, errorf(15972, "Argument to $skip must be a number")
	}
	if n < 0 {
		return nil, errorf(15956, "invalid argument to $skip stage: Cannot skip a negative number of documents")
	}
	return stageFunc(func(in []bson.D) ([]bson.D, error) {
		return in[min(int64(len(in)), n):], nil
	}), nil
}

func compileCountStage(arg any, env Env) (stage, error) {
	name, ok := arg.(string)
	switch {
	case !ok:
		return nil, errorf(40156, "the count field must be a non-empty string")
	case name == "":
		return nil, errorf(40157, "the count field must be a non-empty string")
	case strings.HasPrefix(name, "$"):
		return nil, errorf(40158, "the count field cannot be a $-prefixed path")
	case strings.Contains(name, "."):
		return nil, errorf(40160, "the count field cannot contain '.'")
	}
	return stageFunc(func(in []bson.D) ([]bson.D, error) {
		if len(in) == 0 {
			return nil, nil
		}
		return []bson.D{{{Key: name, Value: int32(len(in))}}}, nil
	}), nil
}

func compileSortStage(arg any, env Env) (stage, error) {
	d, ok := arg.(bson.D)
	if !ok {
		return nil, errorf(15973, "the $sort key specification must be an object")
	}
	if len(d) == 0 {
		return nil, errorf(15976, "$sort stage must have at least one sort key")
	}
	s, err := CompileSort(d)
	if err != nil {
		return nil, err
	}
	s = s.WithCollation(env.Vars.Collation())
	return stageFunc(func(in []bson.D) ([]bson.D, error) {
		out := slices.Clone(in)
		slices.SortStableFunc(out, s.Compare)
		return out, nil
	}), nil
}

func compileDocumentsStage(arg any, env Env) (stage, error) {
	x, err := compileExpr(arg, env.Vars)
	if err != nil {
		return nil, err
	}
	return stageFunc(func([]bson.D) ([]bson.D, error) {
		v, err := x.eval(newScope(bson.D{}, env.Vars))
		if err != nil {
			return nil, err
		}
		arr, ok := v.(bson.A)
		if !ok {
			return nil, errorf(5858203, "error during $documents evaluation: an array is expected")
		}
		var out []bson.D
		for _, e := range arr {
			d, ok := e.(bson.D)
			if !ok {
				return nil, errorf(40228, "$documents: every element must be an object")
			}
			out = append(out, d)
		}
		return out, nil
	}), nil
}

func compileReplaceRoot(arg any, env Env) (stage, error) {
	d, ok := arg.(bson.D)
	nr, has := lookup(d, "newRoot")
	if !ok || !has || len(d) != 1 {
		return nil, errorf(40231, "no newRoot specified for the $replaceRoot stage")
	}
	return compileReplaceWith(nr, env)
}

func compileReplaceWith(arg any, env Env) (stage, error) {
	x, err := compileExpr(arg, env.Vars)
	if err != nil {
		return nil, err
	}
	return stageFunc(func(in []bson.D) ([]bson.D, error) {
		out := make([]bson.D, 0, len(in))
		for _, doc := range in {
			v, err := x.eval(newScope(doc, env.Vars))
			if err != nil {
				return nil, err
			}
			d, ok := v.(bson.D)
			if !ok {
				return nil, errorf(40228, "'replacement document' must evaluate to an object, but resulting value was: %s. Type of resulting value: '%s'. Input document: %s",
					shortJSON(cmpValue(v)), typeName(typeOf(cmpValue(v))), shortJSON(doc))
			}
			out = append(out, d)
		}
		return out, nil
	}), nil
}
