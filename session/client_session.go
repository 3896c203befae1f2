package session

import (
	"bytes"
	"errors"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/topology"
)

// Options configures an explicit session.
type Options struct {
	// CausalConsistency defaults to true, or to false when Snapshot is
	// set; setting both to true is an error.
	CausalConsistency *bool
	// Snapshot makes every read of the session read from one snapshot
	// (MongoDB 5.0+). Snapshot sessions cannot run transactions.
	Snapshot bool
	// SnapshotTime, with Snapshot, is the atClusterTime of every read of
	// the session, instead of the one the server picks for its first read
	// (the SnapshotTime of another snapshot session, say, to read what it
	// read). Setting it without Snapshot is an error.
	SnapshotTime *bson.Timestamp
	// DefaultTransactionOptions are used where StartTransaction's options
	// leave a field nil. The client fills its own defaults (its read and
	// write concern and read preference) into the nil fields before
	// creating the session, with Inherit.
	DefaultTransactionOptions TransactionOptions
}

// ClientSession is the driver's side of a session: which server session it
// uses, the times it has seen, its options and its transaction. An
// operation calls, in order: StartOperation (before server selection),
// Acquire (after checking out a connection), IncrementTxnNumber (once per
// retryable write), Prepare and Fields.Append (once per attempt), and
// Finish (after each attempt that sent the command).
//
// A ClientSession is not safe for concurrent use: like the specification
// says, one operation at a time uses a session.
type ClientSession struct {
	pool     *Pool
	server   *ServerSession // nil until Acquire
	implicit bool
	ended    bool

	causal   bool
	snapshot bool
	defaults TransactionOptions

	clusterTime      ClusterTime
	operationTime    bson.Timestamp
	hasOperationTime bool
	snapshotTime     bson.Timestamp
	hasSnapshotTime  bool

	txn transaction
	// skipped counts the transactions started and ended without a
	// command before the session had a server session: each took a
	// transaction number all the same, given at Acquire.
	skipped int64
}

// NewExplicit starts a session the application asked for.
func NewExplicit(pool *Pool, opts Options) (*ClientSession, error) {
	causal := !opts.Snapshot
	if opts.CausalConsistency != nil {
		if *opts.CausalConsistency && opts.Snapshot {
			return nil, newError(ErrSnapshotAndCausal)
		}
		causal = *opts.CausalConsistency
	}
	s := &ClientSession{pool: pool, causal: causal, snapshot: opts.Snapshot,
		defaults: opts.DefaultTransactionOptions}
	if opts.SnapshotTime != nil {
		if !opts.Snapshot {
			return nil, newError(ErrSnapshotTimeWithoutSnapshot)
		}
		s.snapshotTime, s.hasSnapshotTime = *opts.SnapshotTime, true
	}
	return s, nil
}

// NewImplicit starts the session of one operation that the application
// gave none. Implicit sessions are never causally consistent.
func NewImplicit(pool *Pool) *ClientSession {
	return &ClientSession{pool: pool, implicit: true}
}

// Implicit reports whether the driver started the session for one
// operation.
func (s *ClientSession) Implicit() bool { return s.implicit }

// CausalConsistency reports whether reads wait for earlier operations.
func (s *ClientSession) CausalConsistency() bool { return s.causal }

// Snapshot reports whether this is a snapshot session.
func (s *ClientSession) Snapshot() bool { return s.snapshot }

// Ended reports whether End was called.
func (s *ClientSession) Ended() bool { return s.ended }

// Acquire takes a server session from the pool unless the session already
// has one. Call it after checking out a connection that supports sessions
// (so that waiting operations do not hold server sessions); timeout is the
// topology's logicalSessionTimeoutMinutes (<= 0 in load-balanced mode).
func (s *ClientSession) Acquire(timeout time.Duration) error {
	if s.ended {
		return newError(ErrSessionEnded)
	}
	if s.server != nil {
		return nil
	}
	ss, err := s.pool.Get(timeout)
	if err != nil {
		return errors.New("session: creating a session id: " + err.Error())
	}
	s.server = ss
	ss.txnNumber += s.skipped
	s.skipped = 0
	return nil
}

// ServerSession returns the server session, nil before Acquire.
func (s *ClientSession) ServerSession() *ServerSession { return s.server }

// IncrementTxnNumber gives the next transaction number to a retryable
// write. Call it once per operation (a retry reuses the number), after
// Acquire.
func (s *ClientSession) IncrementTxnNumber() (int64, error) {
	if s.server == nil {
		return 0, newError(ErrNoServerSession)
	}
	s.server.txnNumber++
	return s.server.txnNumber, nil
}

// NeedsAbort reports whether End must be preceded by an abortTransaction
// round trip (a transaction in progress), whose errors End's caller
// ignores.
func (s *ClientSession) NeedsAbort() bool { return s.txn.state == TxnInProgress }

// End ends the session and returns its server session to the pool. It is
// idempotent.
func (s *ClientSession) End(timeout time.Duration) {
	if s.ended {
		return
	}
	s.ended = true
	s.setPin(Pin{})
	if s.server != nil {
		s.pool.Put(s.server, timeout)
		s.server = nil
	}
}

// ClusterTime returns the highest cluster time the session has seen.
func (s *ClientSession) ClusterTime() ClusterTime { return s.clusterTime }

// AdvanceClusterTime keeps ct if it is later than the session's cluster
// time. Unlike a Clock, a session may be advanced by the application.
func (s *ClientSession) AdvanceClusterTime(ct ClusterTime) {
	s.clusterTime = MaxClusterTime(s.clusterTime, ct)
}

// OperationTime returns the operationTime of the last reply (ok false when
// none was seen).
func (s *ClientSession) OperationTime() (bson.Timestamp, bool) {
	return s.operationTime, s.hasOperationTime
}

// AdvanceOperationTime keeps ts if it is later than the session's
// operation time.
func (s *ClientSession) AdvanceOperationTime(ts bson.Timestamp) {
	if !s.hasOperationTime || timestampAfter(ts, s.operationTime) {
		s.operationTime, s.hasOperationTime = ts, true
	}
}

// SnapshotTime returns the atClusterTime of a snapshot session's reads:
// Options.SnapshotTime, or the one its first read's reply gave.
func (s *ClientSession) SnapshotTime() (bson.Timestamp, bool) {
	return s.snapshotTime, s.hasSnapshotTime
}

// Update records what a reply tells the session: operationTime,
// $clusterTime, a snapshot session's first atClusterTime (top-level for
// distinct, cursor.atClusterTime for find and aggregate) and a
// transaction's recoveryToken. It copies what it keeps, so the reply's
// buffer may be reused afterwards. A malformed field is an error that
// leaves the rest recorded.
func (s *ClientSession) Update(reply bson.Raw) error {
	var errs []error
	if v := reply.Lookup("operationTime"); !v.IsZero() {
		if t, i, ok := v.Timestamp(); ok {
			s.AdvanceOperationTime(bson.Timestamp{T: t, I: i})
		} else {
			errs = append(errs, errors.New("session: operationTime in reply is a "+v.Type.String()))
		}
	}
	ct, err := ClusterTimeFromReply(reply)
	if err != nil {
		errs = append(errs, err)
	}
	s.AdvanceClusterTime(ct)
	if s.snapshot && !s.hasSnapshotTime {
		v := reply.Lookup("cursor", "atClusterTime")
		if v.IsZero() {
			v = reply.Lookup("atClusterTime")
		}
		if t, i, ok := v.Timestamp(); ok {
			s.snapshotTime, s.hasSnapshotTime = bson.Timestamp{T: t, I: i}, true
		}
	}
	if s.txn.state != TxnNone {
		if v := reply.Lookup("recoveryToken"); !v.IsZero() {
			if doc, ok := v.Document(); ok {
				s.txn.recoveryToken = bytes.Clone(doc)
			} else {
				errs = append(errs, errors.New("session: recoveryToken in reply is a "+v.Type.String()))
			}
		}
	}
	return errors.Join(errs...)
}

// StartOperation is called before server selection for every operation
// that uses the session, except commitTransaction and abortTransaction
// (BeginCommit, BeginAbort). It leaves a finished transaction (back to
// "no transaction"), unpins a session used outside a transaction, and
// refuses a read in a transaction whose read preference is not primary.
func (s *ClientSession) StartOperation(kind OpKind) error {
	if s.ended {
		return newError(ErrSessionEnded)
	}
	switch s.txn.state {
	case TxnCommitted, TxnCommittedEmpty, TxnAborted:
		s.resetTransaction()
	case TxnStarting, TxnInProgress:
		if kind == OpRead {
			if rp := s.txn.opts.ReadPreference; rp != nil && rp.Mode != topology.Primary {
				return newError(ErrTransactionReadPreference)
			}
		}
		return nil
	}
	s.setPin(Pin{})
	return nil
}

// CheckCommandReadPref refuses a generic command (runCommand) in a
// transaction whose read preference is not primary: mode is the
// command's own, and when that is primary the transaction's counts.
func (s *ClientSession) CheckCommandReadPref(mode topology.Mode) error {
	if !s.InTransaction() {
		return nil
	}
	if rp := s.txn.opts.ReadPreference; mode == topology.Primary && rp != nil {
		mode = rp.Mode
	}
	if mode != topology.Primary {
		return newError(ErrTransactionReadPreference)
	}
	return nil
}

// Finish records the outcome of one attempt that sent a command (or tried
// to): the reply's times and tokens (reply may be nil on error), a network
// error (the server session turns dirty), the move from "starting
// transaction" to "transaction in progress", and the unpinning rules of
// sharded transactions. err is the error as classified by the driver; the
// labels TransactionLabels would add count as present. Do not call it for
// errors raised before anything was sent: they must not change the state.
func (s *ClientSession) Finish(kind OpKind, reply bson.Raw, err error) error {
	var uerr error
	if reply != nil {
		uerr = s.Update(reply)
	}
	if err != nil && IsNetworkError(err) && s.server != nil {
		s.server.MarkDirty()
	}
	inTxn := s.InTransaction()
	var added []string
	if err != nil {
		added = TransactionLabels(err, kind, inTxn)
	}
	has := func(label string) bool { return err != nil && (HasErrorLabel(err, label) || contains(added, label)) }
	switch {
	case kind == OpAbort:
		s.setPin(Pin{})
	case kind == OpCommit:
		if has(LabelTransientTransaction) || has(LabelUnknownTransactionCommitResult) {
			s.setPin(Pin{})
		}
	case inTxn:
		if s.txn.state == TxnStarting && !refusedOverloaded(err) {
			s.txn.state = TxnInProgress
		}
		if has(LabelTransientTransaction) {
			s.setPin(Pin{})
		}
	}
	return uerr
}

// refusedOverloaded reports whether err is a retryable overload error
// (the client backpressure spec: labels SystemOverloadedError and
// RetryableError): the server refused the command without running it, so
// a transaction's first command did not start the transaction, and its
// retry carries startTransaction again.
func refusedOverloaded(err error) bool {
	return err != nil && HasErrorLabel(err, "SystemOverloadedError") && HasErrorLabel(err, "RetryableError")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
