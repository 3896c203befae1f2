package unified

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

// Cursor entities: change streams (createChangeStream on a client,
// database or collection) and find cursors (createFindCursor), saved with
// saveResultAsEntity and iterated by iterateUntilDocumentOrError,
// iterateOnce and close.

// cursorEntity is what the cursor operations need of a change stream or
// a find cursor.
type cursorEntity interface {
	Next(ctx context.Context) bool
	TryNext(ctx context.Context) bool
	Err() error
	Close(ctx context.Context) error
	current() bson.Raw
}

type streamEntity struct{ *client.ChangeStream }

func (s streamEntity) current() bson.Raw { return s.Current }

type findCursorEntity struct{ *client.Cursor }

func (c findCursorEntity) current() bson.Raw { return c.Current }

// saveCursor stores a cursor entity under id.
func (em *entityMap) saveCursor(id string, c cursorEntity) error {
	if _, dup := em.cursors[id]; dup {
		return fmt.Errorf("saveResultAsEntity: entity %q exists", id)
	}
	em.cursors[id] = c
	return nil
}

// cursorOp runs an operation on a cursor entity.
func cursorOp(ctx context.Context, c cursorEntity, name string, a *args) outcome {
	if bad := argErr(a); bad != nil {
		return *bad
	}
	switch name {
	case "iterateUntilDocumentOrError":
		if c.Next(ctx) {
			return outcome{result: docValue(bytes.Clone(c.current()))}
		}
		if err := c.Err(); err != nil {
			return outcome{err: err}
		}
		return outcome{err: errors.New("runner: the cursor ended without a document or an error")}
	case "iterateOnce":
		if c.TryNext(ctx) {
			return outcome{result: docValue(bytes.Clone(c.current()))}
		}
		return outcome{err: c.Err()}
	case "close":
		_ = c.Close(ctx) // errors are suppressed, as the format says
		return outcome{}
	}
	return outcome{err: fmt.Errorf("%w: cursor operation %q", errUnsupportedOp, name)}
}

// changeStreamOptions reads createChangeStream's arguments.
func changeStreamOptions(a *args) (any, client.ChangeStreamOptions) {
	pipeline := a.pipeline("pipeline")
	o := client.ChangeStreamOptions{FullDocument: a.str("fullDocument"),
		FullDocumentBeforeChange: a.str("fullDocumentBeforeChange"),
		BatchSize:                int32(a.int64("batchSize")), MaxAwaitTime: a.millis("maxAwaitTimeMS"),
		ShowExpandedEvents: a.boolean("showExpandedEvents"), Comment: a.value("comment"),
		ResumeAfter: a.doc("resumeAfter"), StartAfter: a.doc("startAfter")}
	if c := a.collation(); c != nil {
		o.Collation = c
	}
	if v := a.get("startAtOperationTime"); !v.IsZero() {
		t, i, ok := v.Timestamp()
		if !ok {
			a.fail("startAtOperationTime", "a timestamp", v)
		}
		o.StartAtOperationTime = &bson.Timestamp{T: t, I: i}
	}
	return pipeline, o
}

// streamOutcome is the outcome of createChangeStream: the stream as an
// entity to save (its aggregate has run).
func streamOutcome(cs *client.ChangeStream, err error) outcome {
	if err != nil {
		return outcome{err: err}
	}
	return outcome{entity: streamEntity{cs}}
}

func watchCollection(ctx context.Context, c *collEntity, a *args) outcome {
	pipeline, o := changeStreamOptions(a)
	if bad := argErr(a); bad != nil {
		return *bad
	}
	return streamOutcome(c.Watch(ctx, pipeline, o))
}

func watchDatabase(ctx context.Context, db *client.Database, a *args) outcome {
	pipeline, o := changeStreamOptions(a)
	if bad := argErr(a); bad != nil {
		return *bad
	}
	return streamOutcome(db.Watch(ctx, pipeline, o))
}

func watchClient(ctx context.Context, c *client.Client, a *args) outcome {
	pipeline, o := changeStreamOptions(a)
	if bad := argErr(a); bad != nil {
		return *bad
	}
	return streamOutcome(c.Watch(ctx, pipeline, o))
}

// createFindCursor runs find and keeps the cursor, unread.
func createFindCursor(ctx context.Context, c *collEntity, a *args) outcome {
	filter := a.docOrNil("filter")
	o := client.FindOptions{Sort: a.docOrNil("sort"), Limit: a.int64("limit"),
		BatchSize: int32(a.int64("batchSize")), Comment: a.value("comment")}
	cursorTypeArgs(a, &o)
	if bad := argErr(a); bad != nil {
		return *bad
	}
	cur, err := c.Find(ctx, filter, o)
	if err != nil {
		return outcome{err: err}
	}
	return outcome{entity: findCursorEntity{cur}}
}
