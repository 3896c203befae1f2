package client

import (
	"context"
	"errors"
	"iter"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/stream"
)

// ChangeStream is a change stream (Watch): a tailable cursor over a
// $changeStream aggregation that remembers its resume token and resumes,
// once per error, after a resumable error (the rules are in package
// changestream's documentation; the implementation in internal/stream).
// Iterate it like a cursor: Next (waits for an event), TryNext (one
// getMore at most), Current or Decode, Err; or range over Iter. Close it
// when done.
//
// Current and ResumeToken are slices of the stream's buffers, valid until
// the next call to Next, TryNext or Close: copy (bytes.Clone) or Decode
// what must live longer. A ChangeStream is not safe for concurrent use.
type ChangeStream struct {
	// Current is the event Next or TryNext moved to.
	Current bson.Raw

	s   *stream.Stream
	dec bson.Decoder // the client's Options.Decoder
	// timeout is the stream's timeoutMS, which bounds each Next, TryNext
	// and Iter step (cursor_timeout.go); 0: none.
	timeout time.Duration
}

// Next waits for the next event (running getMore as often as needed,
// each waiting up to MaxAwaitTime on the server), and reports whether
// there is one. It returns false when the stream ends (an invalidate
// event closes the server's cursor), on an error (Err), or when ctx ends.
// An error of ctx leaves the stream open, to be called again; any other
// error closes it.
func (cs *ChangeStream) Next(ctx context.Context) bool {
	ctx, cancel := cs.bound(ctx)
	defer cancel()
	ok := cs.s.Next(ctx)
	cs.Current = cs.s.Current
	return ok
}

// TryNext is Next with at most one getMore: it returns false when no
// event arrived within MaxAwaitTime. Check Err to tell an error from
// "nothing yet", and call ResumeToken after every call to keep the most
// recent token, even when no event arrives.
func (cs *ChangeStream) TryNext(ctx context.Context) bool {
	ctx, cancel := cs.bound(ctx)
	defer cancel()
	ok := cs.s.TryNext(ctx)
	cs.Current = cs.s.Current
	return ok
}

// ResumeToken returns the token the stream would resume with: the last
// event's _id, or the server's postBatchResumeToken when it is later;
// nil before any. Store it (a copy) to restart a stream later with
// ResumeAfter (or StartAfter after an invalidate event).
func (cs *ChangeStream) ResumeToken() bson.Raw { return cs.s.ResumeToken() }

// Decode unmarshals Current into v (a struct, bson.M, *ChangeEvent ...),
// with the client's Decoder options, as Cursor.Decode does.
func (cs *ChangeStream) Decode(v any) error {
	if cs.s.Current == nil {
		return errors.New("client: Decode with no current event: call Next first")
	}
	return decode(cs.dec, cs.s.Current, v, "Decode")
}

// Err returns the error that stopped the stream, or the context error of
// the last call; nil otherwise.
func (cs *ChangeStream) Err() error { return cs.s.Err() }

// ID returns the server's cursor id, 0 once the stream is closed.
func (cs *ChangeStream) ID() int64 { return cs.s.ID() }

// RemainingBatchLength returns how many events of the current batch Next
// or TryNext can still hand out without a round trip to the server: when
// it is 0, their next call sends a getMore (as in the official driver).
// It walks the batch's element headers (no decoding, no allocation).
func (cs *ChangeStream) RemainingBatchLength() int { return cs.s.RemainingBatchLength() }

// Resumes returns how many times the stream resumed after an error.
func (cs *ChangeStream) Resumes() int { return cs.s.Resumes() }

// SetMaxAwaitTime sets the maxTimeMS of the stream's next getMores: how
// long the server waits for new events before it answers with an empty
// batch (ChangeStreamOptions.MaxAwaitTime; 0: the server's default, one
// second).
func (cs *ChangeStream) SetMaxAwaitTime(d time.Duration) { cs.s.SetMaxAwaitTime(d) }

// SetBatchSize sets the batchSize of the stream's next getMores and of
// the aggregate of its next resume (ChangeStreamOptions.BatchSize).
func (cs *ChangeStream) SetBatchSize(n int32) { cs.s.SetBatchSize(n) }

// Iter returns an iterator over the events, for a range loop: each event
// is valid during its iteration only (Current is set to it too). The loop
// ends when ctx ends or the stream stops, an error ending it with a last
// pair (nil, err).
//
// The rule for Cursor.Iter and ChangeStream.Iter alike: breaking out of
// the loop leaves the stream open, so that a later loop or Next goes on
// where it stopped; Close it when done (defer cs.Close(ctx)).
func (cs *ChangeStream) Iter(ctx context.Context) iter.Seq2[bson.Raw, error] {
	if cs.timeout > 0 {
		return cs.iterBounded(ctx)
	}
	return func(yield func(bson.Raw, error) bool) {
		for ev, err := range cs.s.Iter(ctx) {
			cs.Current = ev
			if !yield(ev, err) {
				return
			}
		}
	}
}

// Close kills the server's cursor if it is open (killCursors), ends the
// stream's implicit session and releases its buffers. It is idempotent.
func (cs *ChangeStream) Close(ctx context.Context) error {
	cs.Current = nil
	return cs.s.Close(ctx)
}
