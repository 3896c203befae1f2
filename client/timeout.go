package client

import (
	"context"
	"errors"
	"time"

	"github.com/torque-go/torque/internal/driver"
)

// The client-side operation timeout (timeoutMS, the CSOT specification).
//
// timeoutMS is set on the client (Options.Timeout, the URI's timeoutMS),
// overridden on a database or collection (CollectionOptions.Timeout), on
// one operation (WithTimeout), and for a session's transaction commands
// (SessionOptions.DefaultTimeout). Once set at some level it applies to
// every operation below it: the operation, its server selection,
// connection checkout, every retry and batch, must finish within it;
// maxTimeMS is derived from the time left; retryable failures are retried
// until the time is up (not just once). 0 means no limit, but keeps those
// rules (retries without limit of count). A context deadline still works
// and combines with it: the earlier wins. Either way a timeout is an error
// for which IsTimeout is true.

// TimeoutMode is a cursor's timeoutMode: whether timeoutMS bounds the
// whole life of the cursor (CursorLifetime: the command that opened it
// and every getMore) or each call separately (Iteration: the opening
// command, then each Next, TryNext, All... on its own). The zero value
// is the cursor's default: CursorLifetime, but Iteration for tailable
// cursors and change streams, the only mode they allow.
type TimeoutMode int

// Timeout modes of cursors.
const (
	TimeoutModeDefault TimeoutMode = iota
	CursorLifetime
	Iteration
)

// opTimeout is what WithTimeout and WithTimeoutMode put in a context.
type opTimeout struct {
	d       time.Duration
	set     bool
	mode    TimeoutMode
	hasMode bool
}

type timeoutKey struct{}

// WithTimeout returns a context whose operations run with timeoutMS d,
// overriding the collection's, database's and client's: the per-operation
// timeoutMS (0: no limit; a negative d is an error when used). The
// context's own deadline, if any, still applies: the earlier wins.
func WithTimeout(ctx context.Context, d time.Duration) context.Context {
	t, _ := ctx.Value(timeoutKey{}).(opTimeout)
	t.d, t.set = d, true
	return context.WithValue(ctx, timeoutKey{}, t)
}

// WithTimeoutMode returns a context whose cursor-opening operations (Find,
// Aggregate, ListCollections, ListIndexes...) use the timeout mode m. It
// needs a timeoutMS at some level; tailable cursors accept only Iteration,
// and an Aggregate with $out or $merge only CursorLifetime.
func WithTimeoutMode(ctx context.Context, m TimeoutMode) context.Context {
	t, _ := ctx.Value(timeoutKey{}).(opTimeout)
	t.mode, t.hasMode = m, true
	return context.WithValue(ctx, timeoutKey{}, t)
}

// timeoutFrom returns what WithTimeout and WithTimeoutMode put in ctx.
func timeoutFrom(ctx context.Context) opTimeout {
	t, _ := ctx.Value(timeoutKey{}).(opTimeout)
	return t
}

// optTimeout is a timeoutMS that may be unset (nil), as the client,
// database and collection hold it.
func optTimeout(d time.Duration) *time.Duration { return &d }

// clientTimeout is Options.Timeout as a level: nil when unset, 0 for the
// URI's timeoutMS=0 (negative in Options).
func clientTimeout(d time.Duration) *time.Duration {
	switch {
	case d == 0:
		return nil
	case d < 0:
		return optTimeout(0)
	}
	return optTimeout(d)
}

var errNegativeTimeout = errors.New("client: timeoutMS must not be negative")

// resolveTimeout returns the timeoutMS that applies to an operation run
// with ctx on a handle whose (inherited) timeoutMS is handle: the
// operation's own (WithTimeout), else the deadline of the withTransaction
// its session runs in, else handle's. A WithTimeout inside a
// withTransaction that has a timeout is an error, as the spec says.
func resolveTimeout(ctx context.Context, handle *time.Duration) (d time.Duration, deadline time.Time, set bool, err error) {
	t := timeoutFrom(ctx)
	if s := sessionFrom(ctx); s != nil && s.txnCSOT {
		if t.set {
			return 0, time.Time{}, false, errors.New("client: WithTimeout cannot override the timeout of a WithTransaction whose session has one")
		}
		return 0, s.txnDeadline, true, nil
	}
	switch {
	case t.set:
		d, set = t.d, true
	case handle != nil:
		d, set = *handle, true
	default:
		return 0, time.Time{}, false, nil
	}
	if d < 0 {
		return 0, time.Time{}, false, errNegativeTimeout
	}
	if d > 0 {
		deadline = time.Now().Add(d)
	}
	return d, deadline, true, nil
}

// applyTimeout sets op's CSOT fields from the timeoutMS that applies.
func applyTimeout(ctx context.Context, op *driver.Operation, handle *time.Duration) error {
	_, deadline, set, err := resolveTimeout(ctx, handle)
	if err != nil {
		return err
	}
	op.CSOT, op.Deadline = set, deadline
	return nil
}

// derefTimeout returns *t and whether t is set.
func derefTimeout(t *time.Duration) (time.Duration, bool) {
	if t == nil {
		return 0, false
	}
	return *t, true
}

// TimeoutFrom returns the per-operation timeoutMS WithTimeout put in ctx,
// and whether there is one: for packages built on this one (gridfs) that
// bound several operations with one timeout.
func TimeoutFrom(ctx context.Context) (time.Duration, bool) {
	t := timeoutFrom(ctx)
	return t.d, t.set
}

// TimeoutContext returns ctx bounded by the timeoutMS an operation on c
// would get (WithTimeout in ctx, else c's), for a sequence of operations
// that must share that one timeout: BulkWrite's commands, a GridFS upload
// or download. Call cancel when done. Without a timeoutMS, or inside a
// WithTransaction whose session has one (its deadline already bounds
// them), ctx comes back as it is.
func (c *Collection) TimeoutContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if s := sessionFrom(ctx); s != nil && s.txnCSOT {
		return ctx, func() {}
	}
	d, deadline, set, err := resolveTimeout(ctx, c.timeout)
	if err != nil || !set {
		return ctx, func() {} // a bad timeoutMS fails the operations themselves
	}
	ctx = WithTimeout(ctx, d)
	if deadline.IsZero() {
		return ctx, func() {}
	}
	return context.WithDeadline(ctx, deadline)
}
