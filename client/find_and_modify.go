package client

import (
	"bytes"
	"context"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/driver"
	"github.com/torque-go/torque/topology"
)

// FindOneAndUpdateOptions are the options of FindOneAndUpdate and
// FindOneAndReplace (ArrayFilters apply to updates only).
type FindOneAndUpdateOptions struct {
	// ReturnAfter returns the document as it is after the change; the
	// default returns it as it was before.
	ReturnAfter              bool
	Upsert                   bool
	Projection               any
	Sort                     any
	ArrayFilters             []any
	Collation                *Collation
	Hint                     any
	Let                      any
	MaxTime                  time.Duration
	BypassDocumentValidation *bool
	Comment                  any
}

// FindOneAndDeleteOptions are the options of FindOneAndDelete.
type FindOneAndDeleteOptions struct {
	Projection any
	Sort       any
	Collation  *Collation
	Hint       any
	Let        any
	MaxTime    time.Duration
	Comment    any
}

// FindOneAndUpdate updates the first document matching filter (in Sort
// order) and returns it, before or after the update; ErrNoDocuments when
// none matched (and none was upserted).
func (c *Collection) FindOneAndUpdate(ctx context.Context, filter, update any, opts ...FindOneAndUpdateOptions) SingleResult {
	return c.findAndModify(ctx, filter, update, fmUpdate, opts)
}

// FindOneAndReplace replaces the first document matching filter and
// returns it, before or after.
func (c *Collection) FindOneAndReplace(ctx context.Context, filter, replacement any, opts ...FindOneAndUpdateOptions) SingleResult {
	return c.findAndModify(ctx, filter, replacement, fmReplace, opts)
}

// FindOneAndDelete deletes the first document matching filter and returns
// it.
func (c *Collection) FindOneAndDelete(ctx context.Context, filter any, opts ...FindOneAndDeleteOptions) SingleResult {
	o, err := single(opts)
	if err != nil {
		return SingleResult{err: err}
	}
	uo := FindOneAndUpdateOptions{Projection: o.Projection, Sort: o.Sort, Collation: o.Collation, Hint: o.Hint,
		Let: o.Let, MaxTime: o.MaxTime, Comment: o.Comment}
	return c.findAndModify(ctx, filter, nil, fmDelete, []FindOneAndUpdateOptions{uo})
}

type fmKind uint8

const (
	fmUpdate fmKind = iota
	fmReplace
	fmDelete
)

// findAndModify builds and runs the findAndModify command.
func (c *Collection) findAndModify(ctx context.Context, filter, change any, kind fmKind, opts []FindOneAndUpdateOptions) SingleResult {
	o, err := single(opts)
	if err != nil {
		return SingleResult{err: err}
	}
	// Check the arguments before anything is sent.
	if _, err := c.appendFindAndModify(nil, filter, change, kind, &o); err != nil {
		return SingleResult{err: err}
	}
	res := SingleResult{dec: *c.dec}
	op := &driver.Operation{Name: "findAndModify", DB: c.db.name, Kind: driver.Write, Retryable: true, WriteConcern: c.wc,
		MaxTime: o.MaxTime,
		Command: func(dst []byte, _ *topology.ServerDescription) ([]byte, error) {
			return c.appendFindAndModify(dst, filter, change, kind, &o)
		},
		Handle: func(r *driver.Reply) error {
			v := r.Doc.Lookup("value")
			doc, ok := v.Document()
			if !ok {
				res.err = ErrNoDocuments
				return nil
			}
			res.doc = bson.Raw(bytes.Clone(doc))
			return nil
		}}
	if err := c.execute(ctx, op); err != nil {
		return SingleResult{err: err}
	}
	return res
}

func (c *Collection) appendFindAndModify(dst []byte, filter, change any, kind fmKind, o *FindOneAndUpdateOptions) ([]byte, error) {
	dst = bson.AppendStringElement(dst, "findAndModify", c.name)
	enc := c.enc
	dst, err := appendDoc(dst, enc, "query", filter, "filter")
	if err != nil {
		return dst, err
	}
	switch kind {
	case fmDelete:
		dst = bson.AppendBooleanElement(dst, "remove", true)
	case fmUpdate:
		dst, err = appendUpdate(dst, enc, "update", change)
	case fmReplace:
		dst, err = appendReplacement(dst, enc, "update", change)
	}
	if err != nil {
		return dst, err
	}
	if kind != fmDelete {
		if o.ReturnAfter {
			dst = bson.AppendBooleanElement(dst, "new", true)
		}
		if o.Upsert {
			dst = bson.AppendBooleanElement(dst, "upsert", true)
		}
		if o.BypassDocumentValidation != nil {
			dst = bson.AppendBooleanElement(dst, "bypassDocumentValidation", *o.BypassDocumentValidation)
		}
	}
	if kind == fmUpdate && o.ArrayFilters != nil {
		if dst, err = appendFilters(dst, enc, o.ArrayFilters); err != nil {
			return dst, err
		}
	}
	if dst, err = appendOptionalDoc(dst, enc, "fields", o.Projection); err != nil {
		return dst, err
	}
	if dst, err = appendOrderedDoc(dst, enc, "sort", o.Sort); err != nil {
		return dst, err
	}
	return appendCommonOptions(dst, enc, o.Collation, o.Hint, o.Let, o.Comment)
}
