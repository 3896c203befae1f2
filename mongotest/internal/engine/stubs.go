package engine

import "github.com/torque-go/torque/bson"

func notYet(what string) error {
	return errorf(CodeNotImplemented, "mongotest engine: %s not implemented yet", what)
}

// Update is a compiled update.
type Update struct{}

func CompileUpdate(update any, o UpdateOptions) (*Update, error) { return nil, notYet("updates") }
func (u *Update) IsReplacement() bool                            { return false }
func (u *Update) Apply(doc bson.D, m MatchInfo) (*UpdateResult, error) {
	return nil, notYet("updates")
}
func (u *Update) Upsert(filter bson.D) (*UpdateResult, error) { return nil, notYet("updates") }

// Pipeline is a compiled aggregation pipeline.
type Pipeline struct{}

func CompilePipeline(stages []bson.D, env Env) (*Pipeline, error) {
	return nil, notYet("pipelines")
}
func (p *Pipeline) Run(input []bson.D) ([]bson.D, error) { return nil, notYet("pipelines") }
func (p *Pipeline) Output() *Output                      { return nil }
