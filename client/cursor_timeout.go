package client

import (
	"context"
	"errors"
	"iter"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/driver"
)

// cursorTimeout is how timeoutMS applies to one cursor (the CSOT spec's
// Cursors section): set when a timeoutMS applies at all; d its value
// (0: no limit); mode CursorLifetime (the opening command and every
// getMore end by deadline) or Iteration (each Next, TryNext... gets d
// afresh, and no command carries a maxTimeMS derived from it).
type cursorTimeout struct {
	set, awaitData bool
	d              time.Duration
	mode           TimeoutMode
	deadline       time.Time
}

// cursorTimeout resolves the timeoutMS and mode of the cursor spec opens,
// refusing the combinations the spec forbids.
func (spec *cursorSpec) cursorTimeout(ctx context.Context) (cursorTimeout, error) {
	d, deadline, set, err := resolveTimeout(ctx, spec.timeout)
	if err != nil {
		return cursorTimeout{}, err
	}
	t := timeoutFrom(ctx)
	mode := t.mode
	switch {
	case t.hasMode && mode != TimeoutModeDefault && !set:
		return cursorTimeout{}, errors.New("client: a timeout mode needs a timeoutMS (WithTimeout, or one on the collection, database or client)")
	case spec.tailable && mode == CursorLifetime:
		return cursorTimeout{}, errors.New("client: a tailable cursor's timeout mode can only be Iteration")
	case spec.kind == driver.Write && mode == Iteration:
		return cursorTimeout{}, errors.New("client: an aggregate with $out or $merge cannot use the Iteration timeout mode")
	case spec.maxAwait > 0 && set && d > 0 && spec.maxAwait >= d:
		// An awaitData find, or an aggregate (which may be tailable: the
		// driver cannot tell), as the CSOT spec's tailable-awaitData tests say.
		return cursorTimeout{}, errors.New("client: MaxAwaitTime must be less than timeoutMS")
	}
	if mode == TimeoutModeDefault {
		mode = CursorLifetime
		if spec.tailable {
			mode = Iteration
		}
	}
	return cursorTimeout{set: set, awaitData: spec.awaitData, d: d, mode: mode, deadline: deadline}, nil
}

// opening sets the CSOT fields of the command that opens the cursor. In
// Iteration mode no maxTimeMS is derived for it (it would cap the
// cursor's life on the server), but for a tailable awaitData cursor,
// whose getMores carry maxAwaitTimeMS instead.
func (t *cursorTimeout) opening(op *driver.Operation) {
	op.CSOT, op.Deadline = t.set, t.deadline
	if t.set && t.mode == Iteration && !t.awaitData {
		op.OmitMaxTime = true
	}
}

// nextDeadline is the deadline of the getMores of one Next or TryNext:
// the cursor's own in CursorLifetime mode, timeoutMS from now in
// Iteration mode, none (zero) without a timeoutMS or with timeoutMS=0.
func (t *cursorTimeout) nextDeadline() time.Time {
	if t.set && t.mode == Iteration && t.d > 0 {
		return time.Now().Add(t.d)
	}
	return t.deadline
}

// closeDeadline is killCursors': timeoutMS afresh (the CSOT spec refreshes
// it for close, even after a CursorLifetime deadline passed), or that of
// WithTimeout on Close's ctx.
func (t *cursorTimeout) closeDeadline(ctx context.Context) time.Time {
	d := t.d
	if o := timeoutFrom(ctx); o.set {
		d = o.d
	}
	if !t.set || d <= 0 {
		return time.Time{}
	}
	return time.Now().Add(d)
}

// watchExecutor is the executor of a change stream: the client's, or,
// when a timeoutMS applies, one that gives every command of the stream
// (the aggregate, each getMore, each resume) that timeoutMS afresh, as
// the Iteration mode of tailable awaitData cursors wants; getMores carry
// maxAwaitTimeMS, never a maxTimeMS derived from it.
func watchExecutor(ctx context.Context, x *driver.Executor, handle *time.Duration, maxAwait time.Duration) (changestreamExecutor, time.Duration, error) {
	d, _, set, err := resolveTimeout(ctx, handle)
	switch {
	case err != nil:
		return nil, 0, err
	case !set:
		return x, 0, nil
	case maxAwait > 0 && d > 0 && maxAwait >= d:
		return nil, 0, errors.New("client: MaxAwaitTime must be less than timeoutMS")
	}
	return &timeoutExecutor{x: x, d: d}, d, nil
}

// bound gives one Next, TryNext or Iter step of a change stream its
// timeoutMS: every getMore and resume of the step share it. When it runs
// out the stream stays open (it is the context's deadline), and the next
// call resumes, as the CSOT spec wants.
func (cs *ChangeStream) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if cs.timeout <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, cs.timeout)
}

// iterBounded is Iter with a timeoutMS: each step bounded by bound.
func (cs *ChangeStream) iterBounded(ctx context.Context) iter.Seq2[bson.Raw, error] {
	return func(yield func(bson.Raw, error) bool) {
		for cs.Next(ctx) {
			if !yield(cs.Current, nil) {
				return
			}
		}
		if err := cs.Err(); err != nil {
			yield(nil, err)
		}
	}
}

// changestreamExecutor is changestream.Executor.
type changestreamExecutor = interface {
	Execute(ctx context.Context, op *driver.Operation) error
}

// timeoutExecutor runs each operation with timeoutMS d (0: no limit).
type timeoutExecutor struct {
	x *driver.Executor
	d time.Duration
}

func (t *timeoutExecutor) Execute(ctx context.Context, op *driver.Operation) error {
	op.CSOT = true
	if o := timeoutFrom(ctx); o.set && o.d >= 0 {
		op.Deadline = deadlineAfter(o.d)
	} else {
		op.Deadline = deadlineAfter(t.d)
	}
	return t.x.Execute(ctx, op)
}

// deadlineAfter is now+d, or none for 0.
func deadlineAfter(d time.Duration) time.Time {
	if d <= 0 {
		return time.Time{}
	}
	return time.Now().Add(d)
}
