package stream

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/changestream"
	"github.com/torque-go/torque/internal/driver"
	"github.com/torque-go/torque/session"
	"github.com/torque-go/torque/topology"
)

// Executor runs the stream's commands: *driver.Executor, or a fake in
// tests.
type Executor interface {
	Execute(ctx context.Context, op *driver.Operation) error
}

// Stream is a change stream: a tailable cursor over a $changeStream
// aggregation that remembers its resume token and resumes, once per
// error, after a resumable error. Iterate it like a cursor: Next (waits
// for an event), TryNext (one getMore at most), Current or Decode, Err;
// or range over Iter. Close it when done.
//
// Current and ResumeToken are slices of the stream's buffers, valid until
// the next call to Next, TryNext or Close: copy (bytes.Clone) or Decode
// what must live longer. A Stream is not safe for concurrent use.
type Stream struct {
	// Current is the event Next or TryNext moved to.
	Current bson.Raw

	x      Executor
	target Target
	opts   changestream.Options
	enc    encodedOptions

	sess    *session.ClientSession
	ownSess bool // an implicit session the stream ends

	cursor cursor

	token     []byte // the cached resume token (empty: none)
	opTime    bson.Timestamp
	hasOpTime bool
	returned  bool // an event was returned (startAfter no longer applies)
	resumes   int  // resumes so far, for tests and monitoring

	err    error
	closed bool
	// resumeNext: with resumeAfterDeadline (the stream has a timeoutMS),
	// a getMore ran out of time: the next fetch resumes rather than
	// trusting the old cursor, as the CSOT spec says.
	resumeNext, resumeAfterDeadline bool
}

// ResumeAfterDeadline makes a getMore that runs out of time (a deadline
// of its context) leave the stream to resume on the next call, as the
// CSOT spec wants of a stream with a timeoutMS; without it the next call
// goes on with the same cursor.
func (s *Stream) ResumeAfterDeadline() { s.resumeAfterDeadline = true }

// Open runs the aggregate that starts a change stream on t with the given
// pipeline (stages after $changeStream: $match, $project ...; nil for
// none) and options. The first aggregate is a retryable read; errors from
// it are returned as they are, never resumed.
func Open(ctx context.Context, x Executor, t Target, pipeline any, opts changestream.Options) (*Stream, error) {
	if t.Cluster {
		t.DB = "admin"
	}
	if t.DB == "" {
		return nil, errors.New("changestream: no database to watch")
	}
	enc, err := encode(t.Encoder, pipeline, &opts)
	if err != nil {
		return nil, err
	}
	s := &Stream{x: x, target: t, opts: opts, enc: enc, sess: t.Session}
	switch {
	case opts.StartAfter != nil:
		s.setToken(opts.StartAfter)
	case opts.ResumeAfter != nil:
		s.setToken(opts.ResumeAfter)
	}
	if opts.StartAtOperationTime != nil {
		s.opTime, s.hasOpTime = *opts.StartAtOperationTime, true
	}
	if err := s.aggregate(ctx, true); err != nil {
		_ = s.Close(ctx) // the handler may have kept a batch, a cursor and a session
		return nil, err
	}
	return s, nil
}

// aggregate runs the $changeStream aggregate: the user's options the first
// time, the resume rules afterwards.
func (s *Stream) aggregate(ctx context.Context, first bool) error {
	rps := s.userPoints()
	if !first {
		rps = []resumePoint{s.resumePoint()}
	}
	op := &driver.Operation{Name: "aggregate", DB: s.target.DB, Kind: driver.Read, Retryable: true,
		ReadPref: s.target.ReadPref, ReadConcern: s.target.ReadConcern, Session: s.sess, KeepSession: true, PinConn: true, LazyBatch: true,
		Command: func(dst []byte, _ *topology.ServerDescription) ([]byte, error) {
			return appendAggregate(dst, &s.target, &s.opts, &s.enc, rps)
		},
		Handle: func(r *driver.Reply) error {
			if err := s.cursor.take(r, "firstBatch"); err != nil {
				return err
			}
			s.cursor.keepConn(r)
			if kept := r.KeepSession(); kept != nil {
				s.sess, s.ownSess = kept, true
			}
			s.afterBatch()
			if first && s.noStartOption() && s.cursor.wire >= minWireStartAtOperationTime &&
				s.cursor.empty() && s.cursor.pbrt == nil {
				if t, i, ok := r.Doc.Lookup("operationTime").Timestamp(); ok {
					s.opTime, s.hasOpTime = bson.Timestamp{T: t, I: i}, true
				}
			}
			return nil
		}}
	return s.x.Execute(ctx, op)
}

// noStartOption reports that the user gave none of the three options
// that say where the stream starts.
func (s *Stream) noStartOption() bool {
	return s.opts.ResumeAfter == nil && s.opts.StartAfter == nil && s.opts.StartAtOperationTime == nil
}

// userPoints are the start options as the user gave them.
func (s *Stream) userPoints() []resumePoint {
	var rps []resumePoint
	if s.opts.ResumeAfter != nil {
		rps = append(rps, resumePoint{key: "resumeAfter", token: s.opts.ResumeAfter})
	}
	if s.opts.StartAfter != nil {
		rps = append(rps, resumePoint{key: "startAfter", token: s.opts.StartAfter})
	}
	if s.opts.StartAtOperationTime != nil {
		rps = append(rps, resumePoint{key: "startAtOperationTime", ts: *s.opts.StartAtOperationTime})
	}
	return rps
}

// Next moves to the next event, waiting for one (getMore after getMore,
// each waiting up to MaxAwaitTime on the server), and reports whether
// there is one. It returns false when the stream ends (an invalidate
// event closes the server's cursor), on an error (Err), or when ctx ends.
// An error of ctx leaves the stream open, to be called again; any other
// error closes it.
func (s *Stream) Next(ctx context.Context) bool {
	return s.next(ctx, true)
}

// TryNext is Next with at most one getMore: it returns false when no
// event arrived within MaxAwaitTime. Check Err to tell an error from
// "nothing yet", and call ResumeToken after every call to keep the most
// recent token, even when no event arrives.
func (s *Stream) TryNext(ctx context.Context) bool {
	return s.next(ctx, false)
}

func (s *Stream) next(ctx context.Context, wait bool) bool {
	s.Current = nil
	if s.closed {
		return false
	}
	if s.err != nil && ctx.Err() == nil {
		s.err = nil // a previous context error: try again
	}
	for {
		if ok, err := s.nextEvent(); ok || err != nil {
			if err != nil {
				s.fail(ctx, err)
			}
			return ok
		}
		if s.cursor.id == 0 {
			s.Close(ctx) // the server closed the stream (invalidate)
			return false
		}
		if !s.fetch(ctx) {
			return false
		}
		if !wait {
			ok, err := s.nextEvent()
			if err != nil {
				s.fail(ctx, err)
			}
			return ok
		}
	}
}

// nextEvent moves Current to the next event of the batch and caches its
// resume token. The batch was only framed on arrival (driver's
// Operation.LazyBatch): each event is checked whole here, before its token
// is taken, so a malformed event ends the stream with an error and never
// becomes its resume point.
func (s *Stream) nextEvent() (bool, error) {
	doc, ok, err := s.cursor.next()
	if !ok || err != nil {
		return false, err
	}
	if err := doc.ValidateStructure(); err != nil {
		return false, fmt.Errorf("changestream: the server sent a malformed event: %w", err)
	}
	id := doc.Lookup("_id")
	if id.IsZero() {
		return false, changestream.ErrMissingResumeToken
	}
	tok, isDoc := id.Document()
	if !isDoc {
		return false, errors.New("changestream: the event's _id, its resume token, is a " + id.Type.String() + ", not a document")
	}
	if s.cursor.empty() && s.cursor.pbrt != nil {
		tok = s.cursor.pbrt
	}
	s.setToken(tok)
	s.Current, s.returned = doc, true
	return true, nil
}

// fetch runs getMore, resuming once if it fails with a resumable error.
func (s *Stream) fetch(ctx context.Context) bool {
	if s.resumeNext {
		s.resumeNext = false
		if err := s.resume(ctx); err != nil {
			s.failOrWait(ctx, err)
			return false
		}
		return true
	}
	err := s.getMore(ctx)
	if err == nil {
		return true
	}
	if contextError(ctx, err) {
		s.err = err // the stream stays open
		s.resumeNext = s.resumeAfterDeadline && errors.Is(err, context.DeadlineExceeded)
		return false
	}
	if !resumable(err, s.cursor.wire) {
		s.fail(ctx, err)
		return false
	}
	if err := s.resume(ctx); err != nil {
		s.fail(ctx, err)
		return false
	}
	return true
}

// contextError reports whether err comes from ctx: it ended, or its
// deadline, set on the connection, fired first.
func contextError(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}

// afterBatch caches a new batch's postBatchResumeToken when the batch is
// empty (a non-empty batch's token is cached with its last event).
func (s *Stream) afterBatch() {
	if s.cursor.empty() && s.cursor.pbrt != nil {
		s.setToken(s.cursor.pbrt)
	}
}

// setToken copies tok into the stream's token buffer.
func (s *Stream) setToken(tok []byte) {
	s.token = append(s.token[:0], tok...)
}

// ResumeToken returns the token the stream would resume with: the last
// event's _id, or the server's postBatchResumeToken when it is later;
// nil before any. Store it (a copy) to restart a stream later with
// ResumeAfter (or StartAfter after an invalidate event).
func (s *Stream) ResumeToken() bson.Raw {
	if len(s.token) == 0 {
		return nil
	}
	return bson.Raw(s.token)
}

// Decode unmarshals Current into v (a struct, bson.M, *Event ...).
func (s *Stream) Decode(v any) error {
	if s.Current == nil {
		return errors.New("changestream: Decode with no current event: call Next first")
	}
	return bson.Unmarshal(s.Current, v)
}

// Err returns the error that stopped the stream, or the context error of
// the last call; nil otherwise.
func (s *Stream) Err() error { return s.err }

// ID returns the server's cursor id, 0 once the stream is closed.
func (s *Stream) ID() int64 { return s.cursor.id }

// SetMaxAwaitTime sets the maxTimeMS of the stream's next getMores: how
// long the server waits for new events before it answers with an empty
// batch (Options.MaxAwaitTime; 0: the server's default, one second).
func (s *Stream) SetMaxAwaitTime(d time.Duration) { s.opts.MaxAwaitTime = d }

// SetBatchSize sets the batchSize of the stream's next getMores and of
// the aggregate of its next resume (Options.BatchSize).
func (s *Stream) SetBatchSize(n int32) { s.opts.BatchSize = n }

// RemainingBatchLength returns how many events of the current batch Next
// or TryNext can still hand out without a getMore: 0 means their next
// call asks the server.
func (s *Stream) RemainingBatchLength() int { return s.cursor.remaining() }

// Resumes returns how many times the stream resumed after an error.
func (s *Stream) Resumes() int { return s.resumes }

// Iter returns an iterator over the events, for a range loop: each event
// is valid during its iteration only. The loop ends when ctx ends or the
// stream stops, an error ending it with a last pair (nil, err).
//
// The rule for Cursor.Iter (package client) and Stream.Iter alike:
// breaking out of the loop leaves the stream open, so that a later loop
// or Next goes on where it stopped; Close it when done (defer
// s.Close(ctx)).
func (s *Stream) Iter(ctx context.Context) iter.Seq2[bson.Raw, error] {
	return func(yield func(bson.Raw, error) bool) {
		for s.Next(ctx) {
			if !yield(s.Current, nil) {
				return
			}
		}
		if err := s.Err(); err != nil {
			yield(nil, err)
		}
	}
}

// fail records err and closes the stream.
func (s *Stream) fail(ctx context.Context, err error) {
	s.err = err
	_ = s.Close(ctx)
	s.err = err
}

// Close kills the server's cursor if it is open (killCursors), ends the
// stream's implicit session and releases its buffers. It is idempotent.
func (s *Stream) Close(ctx context.Context) error {
	if s.closed {
		return nil
	}
	s.closed = true
	err := s.killCursor(ctx)
	s.cursor.release()
	s.releaseSession()
	s.Current = nil
	return err
}

func (s *Stream) releaseSession() {
	if s.ownSess && s.sess != nil {
		s.sess.End(0)
	}
	s.sess, s.ownSess = nil, false
}

// failOrWait ends the stream after err, unless err comes from ctx: then
// the stream stays open, to resume on the next call.
func (s *Stream) failOrWait(ctx context.Context, err error) {
	if contextError(ctx, err) {
		s.err, s.resumeNext = err, true
		return
	}
	s.fail(ctx, err)
}
