package engine

import (
	"github.com/torque-go/torque/bson"
)

func init() { stageCompilers["$facet"] = compileFacet }

// facetStage runs several pipelines over the same input and outputs one
// document with each one's results.
type facetStage struct {
	names []string
	pipes []*Pipeline
}

// facetForbidden are the stages $facet may not contain.
var facetForbidden = map[string]bool{"$facet": true, "$out": true, "$merge": true,
	"$collStats": true, "$indexStats": true, "$geoNear": true, "$changeStream": true}

func compileFacet(arg any, env Env) (stage, error) {
	d, ok := arg.(bson.D)
	if !ok || len(d) == 0 {
		return nil, errorf(40169, "the $facet specification must be a non-empty object")
	}
	f := &facetStage{}
	for _, e := range d {
		stages, err := stagesOf(e.Value, "$facet")
		if err != nil {
			return nil, err
		}
		for _, s := range stages {
			if len(s) == 1 && facetForbidden[s[0].Key] {
				return nil, errorf(40600, "%s is not allowed to be used within a $facet stage", s[0].Key)
			}
		}
		p, err := CompilePipeline(stages, env)
		if err != nil {
			return nil, err
		}
		f.names, f.pipes = append(f.names, e.Key), append(f.pipes, p)
	}
	return f, nil
}

func (f *facetStage) run(in []bson.D) ([]bson.D, error) {
	out := bson.D{}
	for i, p := range f.pipes {
		docs, err := p.Run(in)
		if err != nil {
			return nil, err
		}
		arr := make(bson.A, len(docs))
		for j, d := range docs {
			arr[j] = d
		}
		out = append(out, bson.E{Key: f.names[i], Value: arr})
	}
	return []bson.D{out}, nil
}
