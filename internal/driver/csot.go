package driver

import (
	"context"
	"fmt"

	"github.com/torque-go/torque/session"
)

// The client-side operation timeout (timeoutMS, the CSOT specification)
// in the executor. The caller (package client) resolves which level's
// timeoutMS applies — the operation's, a withTransaction's, the
// collection's, the database's, the client's — and sets Operation.CSOT
// and Operation.Deadline. The executor then:
//   - bounds the whole operation, selection, checkout, every retry and
//     batch included, by the deadline (Execute);
//   - derives maxTimeMS from the time left less the server's minimum
//     RTT, and fails before sending when less than a millisecond would
//     be left (appendMaxTime in encode.go);
//   - retries a retryable failure as often as the rules allow until the
//     deadline passes, instead of once (lastAttempt).
//
// Without timeoutMS none of this costs more than a bool test.

// lastAttempt reports whether the attempt just made (attempt, from 0)
// must be the last: the first retry is, without CSOT; under CSOT only the
// end of ctx (its deadline) stops the retries. Once an attempt met an
// overload error, MaxAdaptiveRetries retries in all are allowed, under
// CSOT too (overload.go).
func (x *Executor) lastAttempt(ctx context.Context, ex *execution, attempt int) bool {
	switch {
	case ex.overloaded && attempt >= x.MaxAdaptiveRetries:
		return true
	case ex.op.CSOT:
		return ctx.Err() != nil
	}
	return !ex.overloaded && attempt >= 1
}

// timeoutBeforeSend is the error of an operation whose time left cannot
// cover the server's round trip: a timeout (IsTimeout, and
// errors.Is(err, context.DeadlineExceeded)) raised with nothing sent.
func timeoutBeforeSend(op string) error {
	return fmt.Errorf("driver: %s: %w: timeoutMS leaves under 1ms once the server's round trip is taken off (nothing sent)", op, context.DeadlineExceeded)
}

// timedOutRetrying makes the retryable error of the last attempt, if the
// CSOT deadline passed, a timeout: the spec wants a timeout error once the
// time is up, and the server's error stays reachable with errors.As.
func timedOutRetrying(ctx context.Context, ex *execution, err error) error {
	if err == nil || !ex.op.CSOT || ctx.Err() == nil || IsTimeout(err) {
		return err
	}
	return fmt.Errorf("driver: %s: timeoutMS expired while retrying: %w (%w)", ex.op.Name, context.DeadlineExceeded, err)
}

// csotWriteConcern is the operation's write concern, without wtimeout
// under a timeoutMS: the deprecated wTimeoutMS gives way to it.
func csotWriteConcern(op *Operation) session.WriteConcern {
	wc := op.WriteConcern
	if op.CSOT {
		wc.WTimeout = 0
	}
	return wc
}

// csotFields drops from a commit's or abort's session fields what
// timeoutMS replaces: maxCommitTimeMS (appendMaxTime derives maxTimeMS
// instead) and the write concern's wtimeout.
func csotFields(op *Operation, f *session.Fields) {
	if !op.CSOT {
		return
	}
	f.MaxTimeMS = 0
	if f.WriteConcern != nil && f.WriteConcern.WTimeout != 0 {
		wc := *f.WriteConcern
		wc.WTimeout = 0
		f.WriteConcern = &wc
		if wc.IsServerDefault() {
			f.WriteConcern = nil // nothing left to say
		}
	}
}
