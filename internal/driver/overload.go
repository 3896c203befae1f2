package driver

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/torque-go/torque/internal/clock"
	"github.com/torque-go/torque/topology"
)

// Overload retries: the client backpressure specification. A server that
// sheds load answers with an error labelled SystemOverloadedError (an
// overload error) and, when the command may safely run again whatever it
// is, RetryableError. The executor then:
//   - retries any command, not only those the retryable reads/writes rules
//     allow (updateMany, create, getMore, RunCommand, a statement of a
//     transaction), when the error carries both labels and the client
//     retries that kind of operation (retryReads for reads and getMore,
//     retryWrites for writes, commit and abort, both for other commands);
//   - once any attempt met an overload error, allows MaxAdaptiveRetries
//     retries in all (default 2), whatever the other rules allow, under a
//     timeoutMS too;
//   - waits before each retry after an overload error: a random jitter in
//     [0, 1) times min(10s, 100ms * 2^(retry-1)), retry counted from 1;
//     not when the wait would pass the context's deadline (the error is
//     returned at once), and a context that ends meanwhile ends the wait
//     at once;
//   - with OverloadRetargeting, deprioritizes the overloaded server in the
//     retry's selection (a sharded cluster's failed mongos is always
//     deprioritized; a replica set's server is not, for other errors);
//   - with RetryTokens (adaptive retries), spends one token per retry
//     after an overload error, and refuses the retry when the bucket is
//     empty (tokens.go).
//
// A successful operation pays one bool test and, with RetryTokens set, one
// atomic deposit.

// Error labels of the client backpressure specification.
const (
	LabelRetryableError   = "RetryableError"
	LabelSystemOverloaded = "SystemOverloadedError"
)

// DefaultMaxAdaptiveRetries is maxAdaptiveRetries' default: the retries
// an operation may make once it met an overload error.
const DefaultMaxAdaptiveRetries = 2

// The backoff before a retry after an overload error.
const (
	baseBackoff = 100 * time.Millisecond
	maxBackoff  = 10 * time.Second
)

// isOverload reports whether err is an overload error.
func isOverload(err error) bool { return HasLabel(err, LabelSystemOverloaded) }

// overloadRetryable reports whether err allows an overload retry of the
// operation: both labels, and the client retries operations of its kind
// (a command that is neither read nor write needs both switches on).
func (x *Executor) overloadRetryable(ex *execution, err error) bool {
	if !isOverload(err) || !HasLabel(err, LabelRetryableError) {
		return false
	}
	switch ex.op.Kind {
	case Read, GetMore:
		return x.RetryReads
	case Write, Commit, Abort:
		return x.RetryWrites
	}
	return x.RetryReads && x.RetryWrites
}

// backoffDelay is the wait before retry number retry (from 1) after an
// overload error.
func (x *Executor) backoffDelay(retry int) time.Duration {
	d := maxBackoff
	if retry <= 8 { // 100ms << 7 = 12.8s is past the cap already
		d = min(maxBackoff, baseBackoff<<(retry-1))
	}
	j := rand.Float64
	if x.Jitter != nil {
		j = x.Jitter
	}
	return time.Duration(j() * float64(d))
}

// backoff waits before retry number retry after the overload error err.
// It returns nil when the retry may go ahead; err when it may not (the
// wait would pass ctx's deadline, or no retry token is left); the end of
// ctx, wrapping err, when ctx ended during the wait.
func (x *Executor) backoff(ctx context.Context, ex *execution, retry int, err error) error {
	d := x.backoffDelay(retry)
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		return err
	}
	if x.RetryTokens != nil && !x.RetryTokens.consume() {
		return err
	}
	if d <= 0 {
		return nil
	}
	sleep := clock.Sleep
	if x.Sleep != nil {
		sleep = x.Sleep
	}
	if serr := sleep(ctx, d); serr != nil {
		return fmt.Errorf("driver: %s: %w while waiting %v to retry after an overload error (%w)", ex.op.Name, serr, d, err)
	}
	return nil
}

// deprioritize reports whether a retry after err, met on the server desc
// describes, avoids that server: always behind mongos (the retryable
// reads/writes rules), and for an overload error with
// OverloadRetargeting.
func (x *Executor) deprioritize(err error, desc *topology.ServerDescription) bool {
	return desc.Type == topology.Mongos || x.OverloadRetargeting && isOverload(err)
}

// settle updates the token bucket after an attempt: a success deposits
// 0.1 token (1.1 after a retry); a retry that failed with an error other
// than an overload error deposits 1 (the server is well enough to answer).
func (x *Executor) settle(attempt int, err error) {
	if x.RetryTokens == nil {
		return
	}
	switch {
	case err == nil && attempt == 0:
		x.RetryTokens.deposit(tokenReturn)
	case err == nil:
		x.RetryTokens.deposit(tokenReturn + tokenOne)
	case attempt > 0 && !isOverload(err):
		x.RetryTokens.deposit(tokenOne)
	}
}
