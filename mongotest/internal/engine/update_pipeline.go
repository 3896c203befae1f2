package engine

import (
	"github.com/torque-go/torque/bson"
)

// pipelineUpdateStages are the stages an update pipeline may use.
var pipelineUpdateStages = map[string]bool{
	"$addFields": true, "$set": true, "$project": true, "$unset": true,
	"$replaceRoot": true, "$replaceWith": true,
}

// compilePipeline compiles an update pipeline.
func (u *Update) compilePipeline(x any) error {
	var stages []bson.D
	switch v := x.(type) {
	case []bson.D:
		stages = v
	case bson.A:
		var err error
		if stages, err = stagesOf(v, "update pipeline"); err != nil {
			return err
		}
	}
	for _, s := range stages {
		if len(s) == 1 && !pipelineUpdateStages[s[0].Key] {
			return errorf(CodeInvalidOptions, "%s is not allowed to be used within an update", s[0].Key)
		}
	}
	p, err := CompilePipeline(stages, Env{Vars: u.vars})
	if err != nil {
		return err
	}
	u.pipeline = p
	return nil
}

// runPipeline runs the update pipeline on one document. A result without
// _id keeps the document's _id, in front.
func (u *Update) runPipeline(doc bson.D) (bson.D, error) {
	out, err := u.pipeline.Run([]bson.D{doc})
	if err != nil {
		return nil, err
	}
	if len(out) != 1 {
		return nil, errorf(CodeBadValue, "an update pipeline must produce exactly one document")
	}
	if id, had := lookup(doc, "_id"); had {
		if _, has := lookup(out[0], "_id"); !has {
			return append(bson.D{{Key: "_id", Value: id}}, out[0]...), nil
		}
	}
	return out[0], nil
}
