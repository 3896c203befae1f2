package driver

import (
	"time"

	"github.com/torque-go/torque/session"
	"github.com/torque-go/torque/topology"
)

// The retry rules of the retryable-writes and retryable-reads
// specifications, each where it is applied. The loop itself is run
// (executor.go): at most two attempts, the second on a newly selected
// server; under a timeoutMS (CSOT), attempts until the deadline.
//
//	rule (spec)                                          where
//	-----------------------------------------------------------------------------
//	retryWrites / retryReads on (default true)           decideRetry
//	only single-statement writes and the read commands   Operation.Retryable, set by
//	  (no multi update/delete, no generic command,         each operation's builder
//	  no getMore, no mapReduce)                            (package client)
//	not in a transaction (but commit and abort are       decideRetry
//	  retried once, even with retryWrites off)
//	not on a cursor's own server (getMore, killCursors)  decideRetry (op.Server)
//	writes: acknowledged, with a session, on a server    decideRetry,
//	  that supports retryable writes (not standalone)      session.SupportsRetryableWrites
//	one txnNumber for both attempts                      decideRetry (IncrementTxnNumber once)
//	no connection checked out: retry if the operation    retryable, mayRetry,
//	  could have been (nothing was sent): a network        handshakeRetryable
//	  error, or a handshake refused with a retryable code
//	read error retryable: network error or a code of     retryable,
//	  the retryable-reads list                             session.IsRetryableReadError
//	write error retryable: RetryableWriteError label     retryable,
//	                                                       session.IsRetryableWriteError
//	driver adds RetryableWriteError: network errors      labelRetryableWrite,
//	  (establishing the connection too), and listed        session.NeedsRetryableWriteLabel
//	  codes from servers before 4.4
//	retry on another server: the failed one              run (failed), selectServer
//	  deprioritized (a sharded cluster's mongos)           (Criteria.Deprioritized)
//	retry server must support retryable writes, else     supportsRetry
//	  the first error is returned
//	retry fails with NoWritesPerformed: return the       run
//	  first error
//	a retried commit or abort selects its server afresh  run (Unpin)
//	timeoutMS (CSOT): retry until the deadline, not      lastAttempt, timedOutRetrying
//	  once; the time running out is a timeout error        (csot.go)
//	retries fail with NoWritesPerformed: return the      run (first)
//	  latest error without it
//
// and those of the client backpressure specification (overload.go, tokens.go):
//
//	rule (spec)                                          where
//	-----------------------------------------------------------------------------
//	any command is retried after an error labelled       retryDecision,
//	  SystemOverloadedError and RetryableError, in a       overloadRetryable
//	  transaction too, if retryReads (reads, getMore) /
//	  retryWrites (writes, commit, abort) / both (others)
//	after an overload error, maxAdaptiveRetries          lastAttempt (csot.go)
//	  retries in all (default 2), with CSOT too
//	backoff before a retry after an overload error:      backoff, backoffDelay
//	  jitter * min(10s, 100ms * 2^(retry-1)); none past
//	  the deadline; ctx ends the wait
//	replica set: the same server unless the error is     deprioritize
//	  an overload error and enableOverloadRetargeting;
//	  mongos: always another one when there is one
//	adaptive retries: the token bucket (deposit on       settle, backoff,
//	  success, take one per overload retry)                TokenBucket

// prepare starts an implicit session when the server supports sessions,
// takes a server session, and decides, once, whether the operation may be
// retried (decideRetry).
func (x *Executor) prepare(ex *execution, desc *topology.ServerDescription) error {
	ex.prepared = true
	op := ex.op
	acknowledged := op.Kind != Write || op.WriteConcern.Acknowledged()
	supportsSessions := desc.LogicalSessionTimeoutMinutes != nil || desc.Type == topology.LoadBalancer
	if desc.LogicalSessionTimeoutMinutes != nil {
		ex.sessTimeout = time.Duration(*desc.LogicalSessionTimeoutMinutes) * time.Minute
	}
	if ex.sess == nil && !op.NoSession && x.Sessions != nil && acknowledged && supportsSessions {
		ex.sess, ex.implicit = session.NewImplicit(x.Sessions), true
	}
	if ex.sess != nil {
		if err := ex.sess.Acquire(ex.sessTimeout); err != nil {
			return err
		}
	}
	if err := x.split(ex, desc); err != nil {
		return err
	}
	return x.decideRetry(ex, desc, acknowledged)
}

// decideRetry is the retry decision, made once, on the server of the
// first attempt that got a connection: whether the operation may be
// retried, and for a retryable write its txnNumber.
func (x *Executor) decideRetry(ex *execution, desc *topology.ServerDescription, acknowledged bool) error {
	op := ex.op
	inTxn := ex.sess != nil && ex.sess.InTransaction()
	ex.retry = false
	switch {
	case op.Kind == Commit || op.Kind == Abort:
		ex.retry = ex.sess != nil && session.SupportsRetryableWrites(*desc)
	case !op.Retryable || ex.noRetryBatch || inTxn || op.Server != nil:
	case op.Kind == Read:
		ex.retry = x.RetryReads
	case op.Kind == Write:
		ex.retry = x.RetryWrites && acknowledged && ex.sess != nil && session.SupportsRetryableWrites(*desc)
		if ex.retry {
			if _, err := ex.sess.IncrementTxnNumber(); err != nil {
				return err
			}
		}
	}
	return nil
}

// mayRetry is prepare's retry decision for an attempt that never got a
// connection (so prepare did not run): the rules that need no server.
func (x *Executor) mayRetry(ex *execution) bool {
	op := ex.op
	switch {
	case op.Server != nil:
		return false
	case op.Kind == Commit || op.Kind == Abort:
		return ex.sess != nil
	case !op.Retryable || ex.sess != nil && ex.sess.InTransaction():
		return false
	case op.Kind == Read:
		return x.RetryReads
	case op.Kind == Write:
		return x.RetryWrites && op.WriteConcern.Acknowledged()
	}
	return false
}

// supportsRetry reports whether the server can take the retry: any
// server for a read; for a write, one that supports retryable writes.
func (x *Executor) supportsRetry(ex *execution, desc *topology.ServerDescription) bool {
	return ex.op.Kind != Write || session.SupportsRetryableWrites(*desc)
}

// retryable applies the retry rules to the first attempt's error. A
// connection that could not be checked out (a network error before
// anything was sent) is retried when the operation could have been.
func (x *Executor) retryable(ex *execution, err error) bool {
	if !ex.prepared {
		return (IsNetworkError(err) || handshakeRetryable(ex.op.Kind, err)) && x.mayRetry(ex)
	}
	if !ex.retry {
		return false
	}
	if ex.op.Kind == Read {
		return session.IsRetryableReadError(classify(err))
	}
	return session.IsRetryableWriteError(classify(err))
}

// retryDecision applies the retry rules to an attempt's error: those of
// the retryable reads and writes specs (retryable), else the overload
// rule (overloadRetryable, overload.go). An overload error makes
// MaxAdaptiveRetries the bound of the operation's retries (lastAttempt).
func (x *Executor) retryDecision(ex *execution, err error) bool {
	if isOverload(err) {
		ex.overloaded = true
	}
	normal := x.retryable(ex, err)
	ex.overloadRetry = !normal && x.overloadRetryable(ex, err)
	return normal || ex.overloadRetry
}

// labelRetryableWrite adds the RetryableWriteError label to an error of
// any attempt of a retryable write (commit and abort included) where the
// driver must: a network error, or a retryable code from a server too old
// to label it; also a network error establishing the connection, or a
// pool cleared at checkout, before the first attempt got a connection.
func (x *Executor) labelRetryableWrite(ex *execution, err error, desc *topology.ServerDescription) {
	if err == nil || ex.op.Kind == Read {
		return
	}
	if !ex.prepared {
		if IsNetworkError(err) && x.mayRetry(ex) {
			addLabel(err, LabelRetryableWrite)
		}
		return
	}
	if !ex.retry {
		return
	}
	if session.NeedsRetryableWriteLabel(classify(err), desc.MaxWireVersion, desc.Type == topology.Mongos) {
		addLabel(err, LabelRetryableWrite)
	}
}
