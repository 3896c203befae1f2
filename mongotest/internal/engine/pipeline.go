package engine

import (
	"time"

	"github.com/torque-go/torque/bson"
)

// Pipeline is a compiled aggregation pipeline. It is immutable and safe
// for concurrent use.
type Pipeline struct {
	stages []stage
	out    *Output
	env    Env
}

// stage is one compiled stage: documents in, documents out.
type stage interface {
	run(in []bson.D) ([]bson.D, error)
}

// stageFunc adapts a function to stage.
type stageFunc func(in []bson.D) ([]bson.D, error)

func (f stageFunc) run(in []bson.D) ([]bson.D, error) { return f(in) }

// stageCompilers are the stages, by name (filled by the stage_*.go files).
var stageCompilers = map[string]func(arg any, env Env) (stage, error){}

// CompilePipeline compiles the stages of an aggregate command (or of a
// $lookup, $facet or $unionWith sub-pipeline). A final $out or $merge is
// not run: Output describes it and Run returns the documents to write.
func CompilePipeline(stages []bson.D, env Env) (*Pipeline, error) {
	env.Vars = withSystemVars(env.Vars)
	if env.Collation != nil {
		env.Vars[collationVar] = env.Collation
	}
	p := &Pipeline{env: env}
	for i, d := range stages {
		if len(d) != 1 {
			return nil, errorf(40323, "A pipeline stage specification object must contain exactly one field.")
		}
		name := d[0].Key
		if name == "$out" || name == "$merge" {
			if i != len(stages)-1 {
				return nil, errorf(40601, "%s can only be the final stage in the pipeline", name)
			}
			out, err := compileOutput(name, d[0].Value, env)
			if err != nil {
				return nil, err
			}
			p.out = out
			continue
		}
		s, err := compileStage(name, d[0].Value, env, i)
		if err != nil {
			return nil, err
		}
		p.stages = append(p.stages, s)
	}
	return p, nil
}

// refusedStages are MongoDB's stages that mongotest does not run.
var refusedStages = map[string]bool{
	"$changeStream": true, "$collStats": true, "$indexStats": true, "$currentOp": true, "$listLocalSessions": true,
	"$listSessions": true, "$planCacheStats": true, "$search": true, "$searchMeta": true, "$vectorSearch": true,
	"$geoNear": true, "$graphLookup": true, "$bucket": true, "$bucketAuto": true, "$sample": true, "$densify": true,
	"$fill": true, "$setWindowFields": true, "$redact": true, "$listSearchIndexes": true, "$shardedDataDistribution": true,
}

// CheckStageNames checks a pipeline as mongod does before it runs the
// command (its "lite parse", part of the authorization check): every
// element an object of one field that names a stage MongoDB has. An
// update whose pipeline fails it fails as a command, not as one
// statement's write error.
func CheckStageNames(v any, what string) error {
	stages, err := stagesOf(v, what)
	if err != nil {
		return err
	}
	for _, s := range stages {
		if len(s) != 1 {
			return errorf(40323, "A pipeline stage specification object must contain exactly one field.")
		}
		name := s[0].Key
		if _, ok := stageCompilers[name]; !ok && !refusedStages[name] && name != "$out" && name != "$merge" {
			return errorf(40324, "Unrecognized pipeline stage name: '%s'", name)
		}
	}
	return nil
}

// compileStage compiles one stage other than $out and $merge.
func compileStage(name string, arg any, env Env, pos int) (stage, error) {
	switch name {
	case "$documents":
		if pos != 0 {
			return nil, errorf(40602, "$documents is only valid as the first stage in a pipeline")
		}
	}
	if refusedStages[name] {
		return nil, unsupported("the " + name + " aggregation stage")
	}
	c, ok := stageCompilers[name]
	if !ok {
		return nil, errorf(40324, "Unrecognized pipeline stage name: '%s'", name)
	}
	return c(canon(arg), env)
}

// Run runs the pipeline over the input documents, in order. It returns
// what the last stage outputs (with $out or $merge: what to write).
func (p *Pipeline) Run(input []bson.D) ([]bson.D, error) {
	docs := input
	for _, s := range p.stages {
		var err error
		if docs, err = s.run(docs); err != nil {
			return nil, err
		}
	}
	return docs, nil
}

// Output returns the $out or $merge stage that ends the pipeline, or nil.
func (p *Pipeline) Output() *Output { return p.out }

// withSystemVars copies vars and fixes $$NOW and $$CLUSTER_TIME for the
// whole command.
func withSystemVars(vars Vars) Vars {
	out := Vars{}
	for k, v := range vars {
		out[k] = v
	}
	now := time.Now()
	if _, ok := out["NOW"]; !ok {
		out["NOW"] = bson.NewDateTimeFromTime(now)
	}
	if _, ok := out["CLUSTER_TIME"]; !ok {
		out["CLUSTER_TIME"] = bson.Timestamp{T: uint32(now.Unix()), I: 1}
	}
	return out
}

// stagesOf reads a sub-pipeline argument (an array of documents).
func stagesOf(v any, what string) ([]bson.D, error) {
	arr, ok := v.(bson.A)
	if !ok {
		return nil, errorf(CodeFailedToParse, "%s must be an array of stages", what)
	}
	out := make([]bson.D, len(arr))
	for i, s := range arr {
		d, ok := s.(bson.D)
		if !ok {
			return nil, errorf(CodeTypeMismatch, "Each element of the '%s' array must be an object", what)
		}
		out[i] = d
	}
	return out, nil
}
