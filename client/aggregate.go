package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/driver"
	"github.com/torque-go/torque/topology"
)

// AggregateOptions are the options of Aggregate.
type AggregateOptions struct {
	AllowDiskUse             *bool
	BatchSize                int32
	BypassDocumentValidation *bool
	Collation                *Collation
	MaxTime                  time.Duration
	// MaxAwaitTime is the getMore wait of a tailable pipeline.
	MaxAwaitTime time.Duration
	Comment      any
	Hint         any
	Let          any
}

// Aggregate runs an aggregation pipeline (a slice of stage documents) and
// returns a cursor over its results. A pipeline ending in $out or $merge
// runs on the primary with the write concern.
func (c *Collection) Aggregate(ctx context.Context, pipeline any, opts ...AggregateOptions) (*Cursor, error) {
	return aggregate(ctx, c.client(), c.codecs(), c.db.name, c.name, c.rp, c.rc, c.wc, c.timeout, pipeline, opts)
}

// aggregate runs {aggregate: coll (or 1), pipeline, cursor, ...}.
func aggregate(ctx context.Context, cl *Client, cc codecs, db, coll string, rp ReadPref, rc ReadConcern, wc WriteConcern, timeout *time.Duration, pipeline any, opts []AggregateOptions) (*Cursor, error) {
	o, err := single(opts)
	if err != nil {
		return nil, err
	}
	enc := cc.enc
	stages, err := appendPipeline(nil, enc, "pipeline", pipeline)
	if err != nil {
		return nil, err
	}
	writes := hasOutStage(stages[len("pipeline")+2:])
	spec := &cursorSpec{name: "aggregate", db: db, kind: driver.Read, retryable: true, rp: rp, rc: rc,
		batchSize: o.BatchSize, maxTime: o.MaxTime, maxAwait: o.MaxAwaitTime, comment: o.Comment, enc: enc, dec: cc.dec,
		build: func(dst []byte) ([]byte, error) {
			if coll == "" {
				dst = bson.AppendInt32Element(dst, "aggregate", 1)
			} else {
				dst = bson.AppendStringElement(dst, "aggregate", coll)
			}
			dst = append(dst, stages...)
			batch := o.BatchSize
			if writes {
				batch = 0 // a batch size would cut $out's results short
			}
			dst = appendCursorDoc(dst, batch)
			return appendAggregateOptions(dst, enc, &o)
		}}
	if writes {
		// It keeps rp and rc: the read concern is sent, and the read
		// preference where every server is 5.0+ (Server Selection).
		spec.kind, spec.retryable, spec.wc = driver.Write, false, wc
	}
	spec.timeout = timeout
	return cl.openCursor(ctx, spec)
}

func appendAggregateOptions(dst []byte, enc *bson.Encoder, o *AggregateOptions) ([]byte, error) {
	if o.AllowDiskUse != nil {
		dst = bson.AppendBooleanElement(dst, "allowDiskUse", *o.AllowDiskUse)
	}
	if o.BypassDocumentValidation != nil {
		dst = bson.AppendBooleanElement(dst, "bypassDocumentValidation", *o.BypassDocumentValidation)
	}
	return appendCommonOptions(dst, enc, o.Collation, o.Hint, o.Let, o.Comment)
}

// CountOptions are the options of CountDocuments.
type CountOptions struct {
	Skip      int64
	Limit     int64
	Hint      any
	Collation *Collation
	MaxTime   time.Duration
	Comment   any
}

// CountDocuments counts the documents matching filter exactly, with an
// aggregation ($match, $skip, $limit, $group).
func (c *Collection) CountDocuments(ctx context.Context, filter any, opts ...CountOptions) (int64, error) {
	o, err := single(opts)
	if err != nil {
		return 0, err
	}
	if filter == nil {
		return 0, errors.New("client: filter must not be nil (bson.D{} matches every document)")
	}
	match, err := marshalDoc(c.enc, filter, "filter")
	if err != nil {
		return 0, err
	}
	pipeline := bson.A{bson.D{bson.KV("$match", match)}}
	if o.Skip > 0 {
		pipeline = append(pipeline, bson.D{bson.KV("$skip", o.Skip)})
	}
	if o.Limit > 0 {
		pipeline = append(pipeline, bson.D{bson.KV("$limit", o.Limit)})
	}
	pipeline = append(pipeline, bson.D{bson.KV("$group", bson.D{bson.KV("_id", 1), bson.KV("n", bson.D{bson.KV("$sum", 1)})})})
	cur, err := c.Aggregate(ctx, pipeline, AggregateOptions{Collation: o.Collation, Hint: o.Hint, MaxTime: o.MaxTime, Comment: o.Comment})
	if err != nil {
		return 0, err
	}
	defer cur.Close(ctx)
	if !cur.Next(ctx) {
		return 0, cur.Err()
	}
	v, err := cur.Current.LookupErr("n")
	if err != nil && !errors.Is(err, bson.ErrElementNotFound) {
		return 0, fmt.Errorf("client: the count result is malformed: %w", err)
	}
	n, ok := v.AsInt64()
	if !ok {
		return 0, errors.New("client: count result has no number n")
	}
	return n, nil
}

// EstimatedCountOptions are the options of EstimatedDocumentCount.
type EstimatedCountOptions struct {
	MaxTime time.Duration
	Comment any
}

// EstimatedDocumentCount returns the collection's document count from its
// metadata (the count command): fast, but not exact after an unclean
// shutdown or inside sharded clusters with orphans.
func (c *Collection) EstimatedDocumentCount(ctx context.Context, opts ...EstimatedCountOptions) (int64, error) {
	o, err := single(opts)
	if err != nil {
		return 0, err
	}
	var n int64
	op := &driver.Operation{Name: "count", DB: c.db.name, Kind: driver.Read, Retryable: true, ReadPref: c.rp, ReadConcern: c.rc,
		MaxTime: o.MaxTime,
		Command: func(dst []byte, _ *topology.ServerDescription) ([]byte, error) {
			dst = bson.AppendStringElement(dst, "count", c.name)
			return appendValue(dst, c.enc, "comment", o.Comment)
		},
		Handle: func(r *driver.Reply) error {
			var ok bool
			if n, ok = r.Doc.Lookup("n").AsInt64(); !ok {
				return errors.New("client: count reply has no number n")
			}
			return nil
		}}
	return n, c.execute(ctx, op)
}

// DistinctOptions are the options of Distinct.
type DistinctOptions struct {
	Collation *Collation
	MaxTime   time.Duration
	Comment   any
	Hint      any
}

// Distinct returns the distinct values of field among the documents
// matching filter. Decode them with RawValue.Unmarshal, or use DistinctAs
// to get them as a typed slice in one call.
func (c *Collection) Distinct(ctx context.Context, field string, filter any, opts ...DistinctOptions) ([]bson.RawValue, error) {
	arr, err := c.distinct(ctx, field, filter, opts)
	if err != nil {
		return nil, err
	}
	return arr.Values()
}

// DistinctAs returns the distinct values of field among the documents
// matching filter, decoded into a []T with the client's Decoder options:
//
//	ages, err := client.DistinctAs[int](ctx, people, "age", bson.D{})
func DistinctAs[T any](ctx context.Context, c *Collection, field string, filter any, opts ...DistinctOptions) ([]T, error) {
	arr, err := c.distinct(ctx, field, filter, opts)
	if err != nil {
		return nil, err
	}
	var out []T
	if err := c.dec.UnmarshalValue(bson.TypeArray, arr, &out); err != nil {
		return nil, fmt.Errorf("client: DistinctAs: decoding the values of %q into []%s: %w", field, reflect.TypeFor[T](), err)
	}
	return out, nil
}

// distinct runs the command and returns the values array (a copy).
func (c *Collection) distinct(ctx context.Context, field string, filter any, opts []DistinctOptions) (bson.RawArray, error) {
	o, err := single(opts)
	if err != nil {
		return nil, err
	}
	if filter == nil {
		return nil, errors.New("client: filter must not be nil (bson.D{} matches every document)")
	}
	var out bson.RawArray
	op := &driver.Operation{Name: "distinct", DB: c.db.name, Kind: driver.Read, Retryable: true, ReadPref: c.rp, ReadConcern: c.rc,
		MaxTime: o.MaxTime,
		Command: func(dst []byte, _ *topology.ServerDescription) ([]byte, error) {
			dst = bson.AppendStringElement(dst, "distinct", c.name)
			dst = bson.AppendStringElement(dst, "key", field)
			dst, err := appendDoc(dst, c.enc, "query", filter, "filter")
			if err != nil {
				return dst, err
			}
			return appendCommonOptions(dst, c.enc, o.Collation, o.Hint, nil, o.Comment)
		},
		Handle: func(r *driver.Reply) error {
			arr, ok := r.Doc.Lookup("values").Array()
			if !ok {
				return errors.New("client: distinct reply has no values array")
			}
			out = bytes.Clone(arr)
			return nil
		}}
	return out, c.execute(ctx, op)
}
