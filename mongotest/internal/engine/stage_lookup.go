package engine

import (
	"github.com/torque-go/torque/bson"
)

// This file holds the stages that read other collections through the
// Catalog: $lookup and $unionWith.

func init() {
	stageCompilers["$lookup"] = compileLookup
	stageCompilers["$unionWith"] = compileUnionWith
}

type lookupStage struct {
	env            Env
	from           string
	local, foreign string
	as             []string
	let            bson.D
	pipeline       []bson.D
	hasPipeline    bool
}

func compileLookup(arg any, env Env) (stage, error) {
	d, ok := arg.(bson.D)
	if !ok {
		return nil, errorf(CodeFailedToParse, "the $lookup specification must be an Object")
	}
	l := &lookupStage{env: env}
	for _, e := range d {
		if err := l.option(e); err != nil {
			return nil, err
		}
	}
	if l.as == nil {
		return nil, errorf(CodeFailedToParse, "must specify 'as' field for a $lookup")
	}
	if !l.hasPipeline && (l.local == "" || l.foreign == "") {
		return nil, errorf(CodeFailedToParse, "$lookup requires either 'pipeline' or both 'localField' and 'foreignField' to be specified")
	}
	if l.hasPipeline {
		if _, err := CompilePipeline(l.pipeline, l.env); err != nil {
			return nil, err
		}
	}
	return l, nil
}

func (l *lookupStage) option(e bson.E) error {
	s, isStr := e.Value.(string)
	switch {
	case e.Key == "from" && isStr:
		l.from = s
	case e.Key == "from":
		return unsupported("$lookup from another database")
	case e.Key == "localField" && isStr:
		l.local = s
	case e.Key == "foreignField" && isStr:
		l.foreign = s
	case e.Key == "as" && isStr:
		l.as = splitPath(s)
	case e.Key == "let":
		l.let, _ = e.Value.(bson.D)
	case e.Key == "pipeline":
		p, err := stagesOf(e.Value, "pipeline")
		l.pipeline, l.hasPipeline = p, true
		return err
	default:
		return errorf(CodeFailedToParse, "unknown argument to $lookup: %s", e.Key)
	}
	return nil
}

func (l *lookupStage) run(in []bson.D) ([]bson.D, error) {
	var foreign []bson.D
	if l.from != "" {
		if l.env.Catalog == nil {
			return nil, unsupported("$lookup without a catalog")
		}
		var err error
		if foreign, err = l.env.Catalog.Docs(l.env.DB, l.from); err != nil {
			return nil, err
		}
	}
	out := make([]bson.D, 0, len(in))
	for _, doc := range in {
		joined, err := l.join(doc, foreign)
		if err != nil {
			return nil, err
		}
		r, err := setIn(doc, l.as, joined, l.as)
		if err != nil {
			return nil, err
		}
		out = append(out, r.(bson.D))
	}
	return out, nil
}

// join returns the foreign documents that go with doc.
func (l *lookupStage) join(doc bson.D, foreign []bson.D) (bson.A, error) {
	matched := foreign
	if l.local != "" {
		var err error
		if matched, err = l.equalityMatch(doc, foreign); err != nil {
			return nil, err
		}
	}
	if l.hasPipeline {
		vars := Vars{}
		for k, v := range l.env.Vars {
			vars[k] = v
		}
		for _, e := range l.let {
			v, err := evalValue(e.Value, doc, l.env.Vars)
			if err != nil {
				return nil, err
			}
			vars[e.Key] = v
		}
		p, err := CompilePipeline(l.pipeline, Env{DB: l.env.DB, Vars: vars, Catalog: l.env.Catalog})
		if err != nil {
			return nil, err
		}
		if matched, err = p.Run(matched); err != nil {
			return nil, err
		}
	}
	out := make(bson.A, len(matched))
	for i, d := range matched {
		out[i] = d
	}
	return out, nil
}

// equalityMatch keeps the foreign documents whose foreignField equals
// the localField of doc (or one of its elements; missing matches null).
func (l *lookupStage) equalityMatch(doc bson.D, foreign []bson.D) ([]bson.D, error) {
	vals := bson.A{}
	for _, c := range collect(doc, splitPath(l.local)) {
		switch {
		case c.missing:
			vals = append(vals, nil)
		case c.element || !isArray(c.val):
			vals = append(vals, c.val)
		case len(c.val.(bson.A)) == 0:
			vals = append(vals, nil)
		}
	}
	for i, v := range vals {
		if _, ok := v.(bson.Regex); ok {
			vals[i] = bson.D{{Key: "$eq", Value: v}}
		}
	}
	f, err := CompileFilter(bson.D{{Key: l.foreign, Value: bson.D{{Key: "$in", Value: vals}}}}, Vars{}.WithCollation(l.env.Vars.Collation()))
	if err != nil {
		return nil, err
	}
	var out []bson.D
	for _, d := range foreign {
		if _, ok, err := f.Match(d); err != nil {
			return nil, err
		} else if ok {
			out = append(out, d)
		}
	}
	return out, nil
}

type unionStage struct {
	env      Env
	coll     string
	pipeline *Pipeline
}

func compileUnionWith(arg any, env Env) (stage, error) {
	u := &unionStage{env: env}
	switch x := arg.(type) {
	case string:
		u.coll = x
	case bson.D:
		for _, e := range x {
			switch e.Key {
			case "coll":
				u.coll, _ = e.Value.(string)
			case "pipeline":
				stages, err := stagesOf(e.Value, "pipeline")
				if err != nil {
					return nil, err
				}
				if u.pipeline, err = CompilePipeline(stages, env); err != nil {
					return nil, err
				}
			default:
				return nil, errorf(40415, "BSON field '$unionWith.%s' is an unknown field.", e.Key)
			}
		}
	default:
		return nil, errorf(CodeFailedToParse, "the $unionWith stage specification must be an object or string")
	}
	return u, nil
}

func (u *unionStage) run(in []bson.D) ([]bson.D, error) {
	var other []bson.D
	if u.coll != "" {
		if u.env.Catalog == nil {
			return nil, unsupported("$unionWith without a catalog")
		}
		var err error
		if other, err = u.env.Catalog.Docs(u.env.DB, u.coll); err != nil {
			return nil, err
		}
	}
	if u.pipeline != nil {
		var err error
		if other, err = u.pipeline.Run(other); err != nil {
			return nil, err
		}
	}
	return append(append([]bson.D{}, in...), other...), nil
}
