package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/driver"
	"github.com/torque-go/torque/topology"
)

// FindOptions are the options of Find.
type FindOptions struct {
	Sort       any
	Projection any
	Skip       int64
	// Limit caps the documents returned; a negative limit returns at most
	// -Limit documents in one batch and closes the cursor.
	Limit     int64
	BatchSize int32
	Hint      any // an index name or key pattern
	Collation *Collation
	// MaxTime is maxTimeMS, the server's limit on the query.
	MaxTime         time.Duration
	Comment         any
	AllowDiskUse    *bool
	NoCursorTimeout bool
	// Tailable keeps the cursor open at the end of a capped collection;
	// AwaitData makes getMore wait (up to MaxAwaitTime) for new documents.
	Tailable            bool
	AwaitData           bool
	MaxAwaitTime        time.Duration
	AllowPartialResults bool
	Let                 any
	Min, Max            any
	ReturnKey           bool
	ShowRecordID        bool
}

// FindOneOptions are the options of FindOne.
type FindOneOptions struct {
	Sort       any
	Projection any
	Skip       int64
	Hint       any
	Collation  *Collation
	MaxTime    time.Duration
	Comment    any
	Let        any
}

// Find returns a cursor over the documents matching filter (bson.D{} for
// all).
func (c *Collection) Find(ctx context.Context, filter any, opts ...FindOptions) (*Cursor, error) {
	o, err := single(opts)
	if err != nil {
		return nil, err
	}
	if filter == nil {
		return nil, errors.New("client: filter must not be nil (bson.D{} matches every document)")
	}
	spec := &cursorSpec{name: "find", db: c.db.name, kind: driver.Read, retryable: true, rp: c.rp, rc: c.rc,
		batchSize: o.BatchSize, maxTime: o.MaxTime, comment: o.Comment, enc: c.enc, dec: c.dec,
		build: func(dst []byte) ([]byte, error) { return c.appendFind(dst, filter, &o) }}
	if o.AwaitData {
		spec.maxAwait = o.MaxAwaitTime
	}
	spec.timeout, spec.tailable, spec.awaitData = c.timeout, o.Tailable, o.Tailable && o.AwaitData
	return c.client().openCursor(ctx, spec)
}

// appendFind appends the find command's fields.
func (c *Collection) appendFind(dst []byte, filter any, o *FindOptions) ([]byte, error) {
	dst = bson.AppendStringElement(dst, "find", c.name)
	dst, err := appendDoc(dst, c.enc, "filter", filter, "filter")
	if err != nil {
		return dst, err
	}
	for _, d := range []struct {
		key string
		v   any
	}{{"sort", o.Sort}, {"projection", o.Projection}, {"let", o.Let}, {"min", o.Min}, {"max", o.Max}} {
		if d.key == "sort" || d.key == "min" || d.key == "max" {
			err = checkOrdered(d.v, d.key)
		}
		if err != nil {
			return dst, err
		}
		if dst, err = appendOptionalDoc(dst, c.enc, d.key, d.v); err != nil {
			return dst, err
		}
	}
	if dst, err = appendHint(dst, c.enc, o.Hint); err != nil {
		return dst, err
	}
	if o.Skip > 0 {
		dst = bson.AppendInt64Element(dst, "skip", o.Skip)
	}
	switch {
	case o.Limit > 0:
		dst = bson.AppendInt64Element(dst, "limit", o.Limit)
	case o.Limit < 0:
		dst = bson.AppendInt64Element(dst, "limit", -o.Limit)
		dst = bson.AppendBooleanElement(dst, "singleBatch", true)
	}
	if o.BatchSize > 0 {
		dst = bson.AppendInt32Element(dst, "batchSize", findBatchSize(o.BatchSize, o.Limit))
	}
	if dst, err = appendCollation(dst, o.Collation); err != nil {
		return dst, err
	}
	if dst, err = appendValue(dst, c.enc, "comment", o.Comment); err != nil {
		return dst, err
	}
	if o.AllowDiskUse != nil {
		dst = bson.AppendBooleanElement(dst, "allowDiskUse", *o.AllowDiskUse)
	}
	for _, f := range []struct {
		key string
		on  bool
	}{{"noCursorTimeout", o.NoCursorTimeout}, {"tailable", o.Tailable}, {"awaitData", o.AwaitData},
		{"allowPartialResults", o.AllowPartialResults}, {"returnKey", o.ReturnKey}, {"showRecordId", o.ShowRecordID}} {
		if f.on {
			dst = bson.AppendBooleanElement(dst, f.key, true)
		}
	}
	return dst, nil
}

// FindOne returns the first document matching filter (in sort order), or
// ErrNoDocuments.
func (c *Collection) FindOne(ctx context.Context, filter any, opts ...FindOneOptions) SingleResult {
	o, err := single(opts)
	if err != nil {
		return SingleResult{err: err}
	}
	if filter == nil {
		return SingleResult{err: errors.New("client: filter must not be nil (bson.D{} matches every document)")}
	}
	fo := FindOptions{Sort: o.Sort, Projection: o.Projection, Skip: o.Skip, Limit: -1, Hint: o.Hint,
		Collation: o.Collation, MaxTime: o.MaxTime, Comment: o.Comment, Let: o.Let}
	res := SingleResult{dec: *c.dec}
	op := &driver.Operation{Name: "find", DB: c.db.name, Kind: driver.Read, Retryable: true,
		ReadPref: c.rp, ReadConcern: c.rc, MaxTime: o.MaxTime, LazyBatch: true,
		Command: func(dst []byte, _ *topology.ServerDescription) ([]byte, error) { return c.appendFind(dst, filter, &fo) },
		Handle: func(r *driver.Reply) error {
			arr, ok := r.Doc.Lookup("cursor", "firstBatch").Array()
			if !ok {
				return errors.New("client: find reply has no cursor.firstBatch")
			}
			v, err := arr.Index(0)
			if err != nil {
				res.err = ErrNoDocuments
				return nil
			}
			doc, ok := v.Document()
			if !ok {
				return errors.New("client: find returned something that is not a document")
			}
			if err := doc.ValidateStructure(); err != nil { // the batch was only framed on arrival
				return fmt.Errorf("client: FindOne: the document found is malformed: %w", err)
			}
			res.doc = bson.Raw(bytes.Clone(doc))
			return nil
		}}
	if err := c.execute(ctx, op); err != nil {
		return SingleResult{err: err}
	}
	return res
}

// findBatchSize is the batchSize a find sends. When it equals the limit the
// CRUD spec asks for one more: the server then closes the cursor with the
// first batch instead of leaving it open for a getMore that returns nothing.
func findBatchSize(batchSize int32, limit int64) int32 {
	if limit > 0 && int64(batchSize) == limit && batchSize < math.MaxInt32 {
		return batchSize + 1
	}
	return batchSize
}
