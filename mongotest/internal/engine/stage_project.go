package engine

import (
	"strings"

	"github.com/torque-go/torque/bson"
)

// This file holds $project, $addFields (alias $set) and $unset.

func init() {
	stageCompilers["$project"] = compileProjectStage
	stageCompilers["$addFields"] = compileAddFields
	stageCompilers["$set"] = compileAddFields
	stageCompilers["$unset"] = compileUnsetStage
}

// perDoc makes a stage that maps each document through f.
func perDoc(f func(bson.D) (bson.D, error)) stage {
	return stageFunc(func(in []bson.D) ([]bson.D, error) {
		out := make([]bson.D, 0, len(in))
		for _, doc := range in {
			d, err := f(doc)
			if err != nil {
				return nil, err
			}
			out = append(out, d)
		}
		return out, nil
	})
}

func compileProjectStage(arg any, env Env) (stage, error) {
	d, ok := arg.(bson.D)
	if !ok {
		return nil, errorf(15969, "$project specification must be an object")
	}
	if len(d) == 0 {
		return nil, errorf(51272, "Invalid $project :: caused by :: projection specification must have at least one field")
	}
	p, err := compileProjection(d, env.Vars, false)
	if err != nil {
		return nil, err
	}
	return perDoc(func(doc bson.D) (bson.D, error) { return p.Apply(doc, MatchInfo{}) }), nil
}

func compileUnsetStage(arg any, env Env) (stage, error) {
	var fields bson.A
	switch x := arg.(type) {
	case string:
		fields = bson.A{x}
	case bson.A:
		fields = x
	default:
		return nil, errorf(31002, "$unset specification must be a string or an array")
	}
	proj := bson.D{}
	for _, f := range fields {
		s, ok := f.(string)
		if !ok || s == "" {
			return nil, errorf(31120, "$unset specification must be a string or an array containing only string values")
		}
		proj = append(proj, bson.E{Key: s, Value: int32(0)})
	}
	p, err := compileProjection(proj, env.Vars, false)
	if err != nil {
		return nil, err
	}
	return perDoc(func(doc bson.D) (bson.D, error) { return p.Apply(doc, MatchInfo{}) }), nil
}

func compileAddFields(arg any, env Env) (stage, error) {
	d, ok := arg.(bson.D)
	if !ok {
		return nil, errorf(40272, "$addFields specification stage must be an object")
	}
	if len(d) == 0 {
		return nil, errorf(40177, "Invalid $addFields :: caused by :: specification must have at least one field")
	}
	root := &projNode{}
	if err := addComputed(root, d, env.Vars, ""); err != nil {
		return nil, err
	}
	return perDoc(func(doc bson.D) (bson.D, error) {
		v, err := setComputed(doc, root, newScope(doc, env.Vars))
		if err != nil {
			return nil, err
		}
		return v.(bson.D), nil
	}), nil
}

// addComputed adds $addFields' fields to the tree: every value is an
// expression; a document without operators nests.
func addComputed(root *projNode, d bson.D, vars Vars, prefix string) error {
	for _, e := range d {
		if strings.HasPrefix(e.Key, "$") {
			return errorf(16410, "FieldPath field names may not start with '$'. Consider using $getField or $setField.")
		}
		if sub, ok := e.Value.(bson.D); ok && len(sub) > 0 && !strings.HasPrefix(sub[0].Key, "$") {
			if err := addComputed(root, sub, vars, prefix+e.Key+"."); err != nil {
				return err
			}
			continue
		}
		x, err := compileExpr(e.Value, vars)
		if err != nil {
			return err
		}
		if err := root.add(prefix+e.Key, &projNode{kind: projExpr, expr: x}); err != nil {
			return err
		}
	}
	return nil
}
