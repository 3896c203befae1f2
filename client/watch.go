package client

import (
	"context"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/changestream"
	"github.com/torque-go/torque/internal/stream"
)

// ChangeStreamOptions are the options of Watch: fullDocument,
// fullDocumentBeforeChange, resumeAfter, startAfter,
// startAtOperationTime, batchSize, maxAwaitTimeMS, collation (a
// *Collation), showExpandedEvents, comment.
type ChangeStreamOptions = changestream.Options

// ChangeEvent is the common shape of a change event, for Decode.
type ChangeEvent = changestream.Event

// Watch opens a change stream on the collection: its inserts, updates,
// replaces, deletes and the events that end it (drop, rename,
// invalidate). pipeline holds the stages that follow $changeStream
// ($match, $project, $addFields, $replaceRoot, $redact; nil for none);
// removing _id makes the stream unable to resume, and an error. The
// stream resumes by itself, once per error, after a network error or a
// resumable server error; use Watch rather than an aggregate with
// $changeStream to get that. The read concern must be "majority" or
// the default. Change streams need a replica set or a sharded cluster.
func (c *Collection) Watch(ctx context.Context, pipeline any, opts ...ChangeStreamOptions) (*ChangeStream, error) {
	return c.client().watch(ctx, stream.Target{DB: c.db.name, Coll: c.name, ReadPref: c.rp, ReadConcern: c.rc, Encoder: c.enc},
		c.dec, c.timeout, pipeline, opts)
}

// Watch opens a change stream on every collection of the database
// (MongoDB 4.0+): see Collection.Watch.
func (db *Database) Watch(ctx context.Context, pipeline any, opts ...ChangeStreamOptions) (*ChangeStream, error) {
	return db.client.watch(ctx, stream.Target{DB: db.name, ReadPref: db.rp, ReadConcern: db.rc, Encoder: db.enc},
		db.dec, db.timeout, pipeline, opts)
}

// Watch opens a change stream on every database of the deployment but
// admin, local and config (MongoDB 4.0+): see Collection.Watch.
func (c *Client) Watch(ctx context.Context, pipeline any, opts ...ChangeStreamOptions) (*ChangeStream, error) {
	return c.watch(ctx, stream.Target{Cluster: true, ReadPref: c.opts.ReadPreference, ReadConcern: c.opts.ReadConcern,
		Encoder: c.enc()},
		&c.opts.Decoder, c.timeout, pipeline, opts)
}

// watch opens the stream with the explicit session of ctx, if any; the
// stream keeps using that session for its getMores and resumes.
func (c *Client) watch(ctx context.Context, t stream.Target, dec *bson.Decoder, timeout *time.Duration, pipeline any, opts []ChangeStreamOptions) (*ChangeStream, error) {
	o, err := single(opts)
	if err != nil {
		return nil, err
	}
	if err := c.checkConnected(); err != nil {
		return nil, err
	}
	if err := checkPipelineOrder(pipeline); err != nil {
		return nil, err
	}
	if s := sessionFrom(ctx); s != nil {
		if s.client != c {
			return nil, errSessionOfOtherClient
		}
		t.Session = s.cs
	}
	x, d, err := watchExecutor(ctx, c.x, timeout, o.MaxAwaitTime)
	if err != nil {
		return nil, err
	}
	st, err := stream.Open(ctx, x, t, pipeline, o)
	if err != nil {
		return nil, err
	}
	if d > 0 {
		st.ResumeAfterDeadline()
	}
	return &ChangeStream{s: st, dec: *dec, timeout: d}, nil
}
