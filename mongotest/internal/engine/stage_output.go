package engine

import (
	"github.com/torque-go/torque/bson"
)

// compileOutput compiles a final $out or $merge.
func compileOutput(name string, arg any, env Env) (*Output, error) {
	o := &Output{Merge: name == "$merge", DB: env.DB}
	switch x := arg.(type) {
	case string:
		o.Coll = x
	case bson.D:
		if o.Merge {
			if err := o.parseMerge(x, env); err != nil {
				return nil, err
			}
			break
		}
		if err := o.parseTarget(x, name); err != nil {
			return nil, err
		}
	default:
		return nil, errorf(CodeTypeMismatch, "%s stage requires a string or object argument, but found %s", name, typeName(typeOf(arg)))
	}
	if o.Coll == "" {
		return nil, errorf(CodeBadValue, "%s target collection name cannot be empty", name)
	}
	if o.Merge {
		if o.WhenMatched == "" {
			o.WhenMatched = "merge"
		}
		if o.WhenNotMatched == "" {
			o.WhenNotMatched = "insert"
		}
		if len(o.On) == 0 {
			o.On = []string{"_id"}
		}
	}
	return o, nil
}

// parseTarget reads {db, coll}.
func (o *Output) parseTarget(d bson.D, name string) error {
	for _, e := range d {
		s, ok := e.Value.(string)
		switch {
		case e.Key == "db" && ok:
			o.DB = s
		case e.Key == "coll" && ok:
			o.Coll = s
		case e.Key == "timeseries":
			return unsupported("$out to a time-series collection")
		default:
			return errorf(CodeFailedToParse, "%s: unknown or invalid field %s", name, e.Key)
		}
	}
	return nil
}

// parseMerge reads $merge's options.
func (o *Output) parseMerge(d bson.D, env Env) error {
	for _, e := range d {
		switch e.Key {
		case "into":
			if s, ok := e.Value.(string); ok {
				o.Coll = s
			} else if t, ok := e.Value.(bson.D); ok {
				if err := o.parseTarget(t, "$merge"); err != nil {
					return err
				}
			}
		case "on":
			if err := o.parseOn(e.Value); err != nil {
				return err
			}
		case "let":
			o.Let, _ = e.Value.(bson.D)
		case "whenMatched":
			if err := o.parseWhenMatched(e.Value); err != nil {
				return err
			}
		case "whenNotMatched":
			s, _ := e.Value.(string)
			if s != "insert" && s != "discard" && s != "fail" {
				return errorf(CodeBadValue, "Enumeration value '%v' for field 'whenNotMatched' is not a valid value.", e.Value)
			}
			o.WhenNotMatched = s
		default:
			return errorf(40415, "BSON field '$merge.%s' is an unknown field.", e.Key)
		}
	}
	return nil
}

func (o *Output) parseOn(v any) error {
	switch x := v.(type) {
	case string:
		o.On = []string{x}
	case bson.A:
		for _, f := range x {
			s, ok := f.(string)
			if !ok {
				return errorf(51134, "$merge 'on' array elements must be strings")
			}
			o.On = append(o.On, s)
		}
	default:
		return errorf(51186, "$merge 'on' field must be either a string or an array of strings")
	}
	return nil
}

func (o *Output) parseWhenMatched(v any) error {
	switch x := v.(type) {
	case string:
		switch x {
		case "merge", "replace", "keepExisting", "fail":
			o.WhenMatched = x
			return nil
		}
	case bson.A:
		stages, err := stagesOf(x, "whenMatched")
		if err != nil {
			return err
		}
		o.WhenMatched, o.WhenMatchedPipeline = "pipeline", stages
		return nil
	}
	return errorf(CodeBadValue, "Enumeration value '%v' for field 'whenMatched' is not a valid value.", v)
}

// MergeDocs computes the document $merge stores when incoming matches
// existing (WhenMatched "merge", "replace", "keepExisting" or "pipeline").
// "fail" is the server's duplicate key error and is not handled here.
func (o *Output) MergeDocs(existing, incoming bson.D, vars Vars) (bson.D, error) {
	switch o.WhenMatched {
	case "replace":
		return incoming, nil
	case "keepExisting":
		return existing, nil
	case "pipeline":
		return o.mergePipeline(existing, incoming, vars)
	}
	out := append(bson.D{}, existing...)
	for _, e := range incoming {
		out = setField(out, e.Key, e.Value)
	}
	return out, nil
}

func (o *Output) mergePipeline(existing, incoming bson.D, vars Vars) (bson.D, error) {
	v := Vars{}
	for k, x := range vars {
		v[k] = x
	}
	if len(o.Let) == 0 {
		v["new"] = incoming
	}
	for _, e := range o.Let {
		x, err := evalValue(e.Value, incoming, vars)
		if err != nil {
			return nil, err
		}
		v[e.Key] = x
	}
	u := &Update{vars: v}
	if err := u.compilePipeline(o.WhenMatchedPipeline); err != nil {
		return nil, err
	}
	return u.runPipeline(existing)
}
