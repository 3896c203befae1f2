package session

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/torque-go/torque/internal/clock"
)

// WithTransactionTimeout is how long WithTransaction keeps retrying when no
// client-side operation timeout is set.
const WithTransactionTimeout = 120 * time.Second

// Backoff between attempts of a whole transaction: jitter * min(5 ms *
// 1.5^(attempt-1), 500 ms).
const (
	backoffInitial = 5 * time.Millisecond
	backoffMax     = 500 * time.Millisecond
)

// TransactionRunner holds what WithTransaction needs besides the session:
// the application's callback and the I/O of commit and abort, which
// internal/driver provides. The clock, sleep and randomness can be
// replaced in tests.
type TransactionRunner struct {
	// Callback runs the application's operations in the transaction.
	Callback func(ctx context.Context) error
	// Commit and Abort run commitTransaction and abortTransaction on the
	// session (BeginCommit / BeginAbort plus the round trip).
	Commit func(ctx context.Context) error
	Abort  func(ctx context.Context) error
	// Options for StartTransaction (nil: the session's defaults).
	Options *TransactionOptions
	// Timeout bounds the retries, from the start (0:
	// WithTransactionTimeout; the client passes timeoutMS when set).
	Timeout time.Duration

	Now   func() time.Time                                 // nil: time.Now
	Sleep func(ctx context.Context, d time.Duration) error // nil: a timer that honours ctx
	Rand  func() float64                                   // nil: math/rand/v2.Float64, in [0, 1)
}

// TimeoutError is returned when WithTransaction gives up retrying: Err is
// the last error, whose labels stay visible through errors.As.
type TimeoutError struct {
	Elapsed time.Duration
	Err     error
}

func (e *TimeoutError) Error() string {
	return "session: withTransaction gave up retrying after " + e.Elapsed.Round(time.Millisecond).String() +
		": " + e.Err.Error()
}

// Unwrap returns the last error.
func (e *TimeoutError) Unwrap() error { return e.Err }

// Timeout reports true, like net.Error.
func (e *TimeoutError) Timeout() bool { return true }

// WithTransaction runs r.Callback in a transaction on s and commits it,
// per the convenient transaction API: a TransientTransactionError (from
// the callback or the commit) retries the whole transaction after a short
// backoff; an UnknownTransactionCommitResult retries the commit, unless it
// is a MaxTimeMSExpired; retries stop when the timeout has passed since
// the start, with a *TimeoutError. If the callback ends the transaction
// itself, WithTransaction returns. The callback may run many times: it
// should be idempotent, and must return the errors of its operations.
func WithTransaction(ctx context.Context, s *ClientSession, r TransactionRunner) error {
	if r.Callback == nil || r.Commit == nil || r.Abort == nil {
		return errors.New("session: WithTransaction needs Callback, Commit and Abort")
	}
	r.defaults()
	start := r.Now()
	elapsed := func() time.Duration { return r.Now().Sub(start) }
	var last error
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			backoff := time.Duration(r.Rand() * float64(min(
				time.Duration(float64(backoffInitial)*pow15(attempt-1)), backoffMax)))
			if elapsed()+backoff >= r.Timeout {
				return &TimeoutError{Elapsed: elapsed(), Err: last}
			}
			if err := r.Sleep(ctx, backoff); err != nil {
				return err
			}
		}
		if err := s.StartTransaction(r.Options); err != nil {
			return err
		}
		if err := r.Callback(ctx); err != nil {
			last = err
			if s.InTransaction() {
				_ = r.Abort(ctx) // the server aborts it anyway; its errors mean nothing to the caller
			}
			if !HasErrorLabel(err, LabelTransientTransaction) {
				return err
			}
			if elapsed() >= r.Timeout {
				return &TimeoutError{Elapsed: elapsed(), Err: err}
			}
			continue
		}
		if !s.InTransaction() {
			return nil // the callback committed or aborted
		}
		err, retry := r.commit(ctx, s, elapsed)
		if !retry {
			return err
		}
		last = err
	}
}

// commit commits, retrying on UnknownTransactionCommitResult; retry is true
// when the whole transaction should be retried (err is then the
// TransientTransactionError).
func (r *TransactionRunner) commit(ctx context.Context, s *ClientSession, elapsed func() time.Duration) (err error, retry bool) {
	for {
		err = r.Commit(ctx)
		switch {
		case err == nil:
			return nil, false
		case elapsed() >= r.Timeout:
			return &TimeoutError{Elapsed: elapsed(), Err: err}, false
		case ctx.Err() != nil:
			return err, false // the caller's context ended: a retry cannot succeed
		case !isMaxTimeMSExpired(err) && HasErrorLabel(err, LabelUnknownTransactionCommitResult):
			continue
		case HasErrorLabel(err, LabelTransientTransaction):
			return err, true
		default:
			return err, false
		}
	}
}

func (r *TransactionRunner) defaults() {
	if r.Timeout <= 0 {
		r.Timeout = WithTransactionTimeout
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.Rand == nil {
		r.Rand = rand.Float64
	}
	if r.Sleep == nil {
		r.Sleep = clock.Sleep
	}
}

// pow15 returns 1.5^n.
func pow15(n int) float64 {
	p := 1.0
	for ; n > 0 && p < 1000; n-- { // past 1000 the backoff is capped anyway
		p *= 1.5
	}
	return p
}
