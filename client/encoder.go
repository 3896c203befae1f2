package client

import (
	"fmt"

	"github.com/torque-go/torque/bson"
)

// This file applies the client's Encoder (Options.Encoder: its options and
// Registry) to the documents an operation takes from the user: filters,
// updates, replacements, documents to insert, pipelines. With the default
// Encoder nothing happens here, and the command builders encode each
// document once, straight into the message. With options or a registry
// set, each document is encoded here first, into a bson.Raw (a pipeline
// into a []bson.Raw), which the builders then copy as it is: one copy
// more, paid only by the clients that ask for it.

// encodeArg encodes the document argument v with the client's Encoder, as
// said above; what names the argument in errors. nil stays nil, for the
// builders' own errors.
func (c *Client) encodeArg(v any, what string) (any, error) {
	enc := &c.opts.Encoder
	if *enc == (bson.Encoder{}) || v == nil {
		return v, nil
	}
	switch v.(type) {
	case bson.Raw, []bson.Raw:
		return v, nil
	}
	if isPipeline(v) {
		return encodePipeline(enc, v, what)
	}
	b, err := enc.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("client: %s: %w", what, err)
	}
	return bson.Raw(b), nil
}

// encodePipeline encodes the stages of a pipeline into a []bson.Raw, after
// the check that its maps are ordered (which needs the Go values).
func encodePipeline(enc *bson.Encoder, v any, what string) (any, error) {
	if err := checkPipelineOrder(v); err != nil {
		return nil, err
	}
	t, b, err := enc.MarshalValue(v)
	if err != nil {
		return nil, fmt.Errorf("client: %s: %w", what, err)
	}
	stages := []bson.Raw{}
	for i, s := range bson.RawArray(b).All() {
		d, ok := s.Document()
		if t != bson.TypeArray || !ok {
			return nil, fmt.Errorf("client: %s stage %d is a %s, not a document", what, i, s.Type)
		}
		stages = append(stages, d)
	}
	return stages, nil
}

// encodeArgs applies encodeArg to each of docs, into a new slice (docs is
// the caller's); docs itself when the Encoder is the default.
func (c *Client) encodeArgs(docs []any) ([]any, error) {
	if c.opts.Encoder == (bson.Encoder{}) {
		return docs, nil
	}
	out := make([]any, len(docs))
	for i, d := range docs {
		var err error
		if out[i], err = c.encodeArg(d, fmt.Sprintf("document %d", i)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// encodeModels applies encodeArg to the documents of BulkWrite's models,
// into a new slice; models itself when the Encoder is the default.
func (c *Client) encodeModels(models []WriteModel) ([]WriteModel, error) {
	if c.opts.Encoder == (bson.Encoder{}) {
		return models, nil
	}
	out := make([]WriteModel, len(models))
	for i, m := range models {
		var err error
		if out[i], err = c.encodeModel(m); err != nil {
			return nil, &modelError{index: i, err: err}
		}
	}
	return out, nil
}

// encodeModel encodes the documents of one model; a model of a type it
// does not know is left as it is, and so is every model with the default
// Encoder.
func (c *Client) encodeModel(m WriteModel) (WriteModel, error) {
	if c.opts.Encoder == (bson.Encoder{}) {
		return m, nil
	}
	var err error
	enc := func(v *any, what string) {
		if err == nil {
			*v, err = c.encodeArg(*v, what)
		}
	}
	switch x := m.(type) {
	case InsertOneModel:
		enc(&x.Document, "document")
		return x, err
	case UpdateOneModel:
		enc(&x.Filter, "filter")
		enc(&x.Update, "update")
		return x, err
	case UpdateManyModel:
		enc(&x.Filter, "filter")
		enc(&x.Update, "update")
		return x, err
	case ReplaceOneModel:
		enc(&x.Filter, "filter")
		enc(&x.Replacement, "replacement")
		return x, err
	case DeleteOneModel:
		enc(&x.Filter, "filter")
		return x, err
	case DeleteManyModel:
		enc(&x.Filter, "filter")
		return x, err
	case *InsertOneModel, *UpdateOneModel, *UpdateManyModel, *ReplaceOneModel, *DeleteOneModel, *DeleteManyModel:
		if d := derefModel(x); d != m {
			return c.encodeModel(d)
		}
	}
	return m, nil
}

// derefModel returns the model a non-nil model pointer points to (a nil
// one is left for planBulk's error).
func derefModel(m WriteModel) WriteModel {
	switch x := m.(type) {
	case *InsertOneModel:
		if x != nil {
			return *x
		}
	case *UpdateOneModel:
		if x != nil {
			return *x
		}
	case *UpdateManyModel:
		if x != nil {
			return *x
		}
	case *ReplaceOneModel:
		if x != nil {
			return *x
		}
	case *DeleteOneModel:
		if x != nil {
			return *x
		}
	case *DeleteManyModel:
		if x != nil {
			return *x
		}
	}
	return m
}
