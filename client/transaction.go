package client

import (
	"context"
	"errors"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/driver"
	"github.com/torque-go/torque/session"
	"github.com/torque-go/torque/topology"
)

// TransactionOptions are the options of one transaction; nil fields take
// the session's defaults, which take the client's. Reads in a
// transaction must use the primary.
type TransactionOptions = session.TransactionOptions

// StartTransaction starts a multi-document transaction on the session:
// every operation run with WithSession(ctx, s) until CommitTransaction
// or AbortTransaction belongs to it. Nothing is sent until the first
// operation, which carries startTransaction and the read concern. Pass at
// most one TransactionOptions.
func (s *Session) StartTransaction(opts ...TransactionOptions) error {
	o, err := single(opts)
	if err != nil {
		return err
	}
	if len(opts) == 0 {
		return s.cs.StartTransaction(nil)
	}
	return s.cs.StartTransaction(&o)
}

// CommitTransaction commits the transaction. A transaction that ran no
// operation commits without a round trip. It may be called again after
// an error with the UnknownTransactionCommitResult label (a retry that
// uses w: "majority"); the driver itself retries once after a retryable
// error. A commit that ctx (or its timeoutMS) cuts short carries that
// label too: it may have reached the server. Its error is still the
// context's (errors.Is(err, context.DeadlineExceeded)), not a network
// error, and says nothing about the server.
func (s *Session) CommitTransaction(ctx context.Context) error {
	send, err := s.cs.BeginCommit()
	if err != nil || !send {
		return err
	}
	return s.endTransaction(ctx, driver.Commit, "commitTransaction")
}

// AbortTransaction aborts the transaction. The server's answer is
// ignored (the transaction is over either way): only misuse, such as
// aborting twice or after a commit, is an error.
func (s *Session) AbortTransaction(ctx context.Context) error {
	send, err := s.cs.BeginAbort()
	if err != nil || !send {
		return err
	}
	_ = s.endTransaction(ctx, driver.Abort, "abortTransaction")
	s.cs.Unpin()
	return nil
}

// endTransaction runs commitTransaction or abortTransaction against
// admin; package session supplies txnNumber, autocommit, the write
// concern (w: "majority" on a repeated commit), maxTimeMS and the
// recovery token.
func (s *Session) endTransaction(ctx context.Context, kind driver.Kind, name string) error {
	if err := s.client.checkConnected(); err != nil {
		return err
	}
	op := &driver.Operation{Name: name, DB: "admin", Kind: kind, Retryable: true, Session: s.cs,
		OmitMaxTime: kind == driver.Commit && s.cs.TransactionOptions().MaxCommitTime != nil,
		Command: func(dst []byte, _ *topology.ServerDescription) ([]byte, error) {
			return bson.AppendInt32Element(dst, name, 1), nil
		}}
	if err := s.applyTimeout(ctx, op, kind == driver.Abort); err != nil {
		return err
	}
	if op.CSOT {
		op.OmitMaxTime = false // maxCommitTimeMS gives way to timeoutMS
	}
	return s.client.x.Execute(ctx, op)
}

// applyTimeout sets the timeoutMS of a commit or abort: the operation's
// own (WithTimeout), else the running WithTransaction's deadline (an
// abort gets its timeoutMS afresh: the transaction must be cleaned up
// even when the time ran out), else the session's defaultTimeoutMS.
func (s *Session) applyTimeout(ctx context.Context, op *driver.Operation, abort bool) error {
	switch {
	case s.txnCSOT && timeoutFrom(ctx).set:
		return errors.New("client: WithTimeout cannot override the timeout of a WithTransaction whose session has one")
	case s.txnCSOT && abort:
		op.CSOT = true
		if s.txnTimeout > 0 {
			op.Deadline = time.Now().Add(s.txnTimeout)
		}
		return nil
	case s.txnCSOT:
		op.CSOT, op.Deadline = true, s.txnDeadline
		return nil
	}
	return applyTimeout(ctx, op, s.defaultTimeout)
}

// WithTransaction runs fn in a transaction and commits it, retrying as
// the convenient transaction API says: the whole transaction again after
// a TransientTransactionError (from fn or the commit), the commit alone
// after an UnknownTransactionCommitResult, for up to 120 seconds. With a
// timeoutMS (WithTimeout on ctx, else the session's DefaultTimeout, else
// the client's), that bounds the whole call instead: every operation fn
// runs with the session, and the commit, must end by then (and may not
// set a WithTimeout of their own: that is an error); an abort after a
// failure gets the timeoutMS afresh. Operations that do not use the
// session are not bounded by it. fn receives a context that carries the session: run
// every operation of the transaction with it, and return their errors
// unchanged. fn may run several times, so it should have no other side
// effects. If fn commits or aborts itself, WithTransaction returns.
func (s *Session) WithTransaction(ctx context.Context, fn func(ctx context.Context) error, opts ...TransactionOptions) error {
	o, err := single(opts)
	if err != nil {
		return err
	}
	if fn == nil {
		return errors.New("client: WithTransaction needs a function")
	}
	// The runner reads the labels of the errors through
	// driver.Classified; the caller gets them back unwrapped.
	r := session.TransactionRunner{
		Callback: func(ctx context.Context) error { return driver.Classified(fn(WithSession(ctx, s))) },
		Commit:   func(ctx context.Context) error { return driver.Classified(s.CommitTransaction(ctx)) },
		Abort:    s.AbortTransaction,
	}
	if len(opts) > 0 {
		r.Options = &o
	}
	// (WithSession(ctx, nil): another session's WithTransaction in ctx
	// is not this one's.)
	d, deadline, set, err := resolveTimeout(WithSession(ctx, nil), s.defaultTimeout)
	if err != nil {
		return err
	}
	if set {
		r.Timeout = d
		if d == 0 {
			r.Timeout = time.Duration(1<<63 - 1) // timeoutMS=0: no limit
		}
		s.txnCSOT, s.txnDeadline, s.txnTimeout = true, deadline, d
		defer func() { s.txnCSOT, s.txnDeadline, s.txnTimeout = false, time.Time{}, 0 }()
		// The callback's operations take the session's deadline; a
		// WithTimeout on ctx was this call's, not an override of theirs.
		ctx = context.WithValue(ctx, timeoutKey{}, opTimeout{})
	}
	return driver.Unclassified(session.WithTransaction(ctx, s.cs, r))
}

// InTransaction reports whether a transaction is starting or in progress.
func (s *Session) InTransaction() bool { return s.cs.InTransaction() }
