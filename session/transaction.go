package session

import (
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/topology"
)

// TxnState is where a session is in the transaction state machine of the
// transactions specification.
type TxnState uint8

// The transaction states. TxnCommittedEmpty is "transaction committed"
// for a transaction that ran no command: its commit (and every retry of
// it) is a no-op with no round trip.
const (
	TxnNone TxnState = iota
	TxnStarting
	TxnInProgress
	TxnCommitted
	TxnCommittedEmpty
	TxnAborted
)

var txnStateNames = [...]string{"no transaction", "starting transaction", "transaction in progress",
	"transaction committed", "transaction committed (empty)", "transaction aborted"}

func (st TxnState) String() string {
	if int(st) < len(txnStateNames) {
		return txnStateNames[st]
	}
	return "TxnState(?)"
}

// TransactionOptions are the options of one transaction. A nil field is
// inherited: from the session's defaults, which hold the client's.
type TransactionOptions struct {
	ReadConcern    *ReadConcern
	WriteConcern   *WriteConcern
	ReadPreference *topology.ReadPref
	MaxCommitTime  *time.Duration // maxTimeMS of commitTransaction
}

// Inherit returns o with its nil fields taken from from.
func (o TransactionOptions) Inherit(from TransactionOptions) TransactionOptions {
	if o.ReadConcern == nil {
		o.ReadConcern = from.ReadConcern
	}
	if o.WriteConcern == nil {
		o.WriteConcern = from.WriteConcern
	}
	if o.ReadPreference == nil {
		o.ReadPreference = from.ReadPreference
	}
	if o.MaxCommitTime == nil {
		o.MaxCommitTime = from.MaxCommitTime
	}
	return o
}

// Pin is the mongos (and, behind a load balancer, the connection) that
// every command of a sharded transaction goes to.
type Pin struct {
	Addr topology.Address
	// Conn, behind a load balancer, is the connection the transaction
	// holds (the driver's): the session releases it when it unpins.
	Conn Releaser
}

// Releaser is a connection the session holds for its transaction; Release
// gives it back to its pool.
type Releaser interface{ Release() }

// transaction is a session's transaction state.
type transaction struct {
	state          TxnState
	opts           TransactionOptions // resolved at StartTransaction
	numbered       bool               // the txnNumber of this transaction was taken
	commitAttempts int                // commitTransaction commands prepared
	recoveryToken  bson.Raw
	pin            Pin
}

// CommitRetryWTimeout is the wtimeout a retried commitTransaction uses when
// the transaction's write concern has none.
const CommitRetryWTimeout = 10 * time.Second

// StartTransaction starts a transaction with opts (nil: the defaults). It
// fails, changing nothing, on an ended or snapshot session, when a
// transaction is already starting or in progress, or when the write
// concern is unacknowledged. It takes the next transaction number, or, when
// the session has no server session yet, leaves that to the first command
// (Prepare).
func (s *ClientSession) StartTransaction(opts *TransactionOptions) error {
	switch {
	case s.ended:
		return newError(ErrSessionEnded)
	case s.snapshot:
		return newError(ErrSnapshotTransaction)
	case s.txn.state == TxnStarting || s.txn.state == TxnInProgress:
		return newError(ErrTransactionInProgress)
	}
	var o TransactionOptions
	if opts != nil {
		o = *opts
	}
	o = o.Inherit(s.defaults)
	if o.WriteConcern != nil && !o.WriteConcern.Acknowledged() {
		return newError(ErrUnacknowledgedTransaction)
	}
	if s.server == nil && s.txn.state != TxnNone && !s.txn.numbered {
		s.skipped++ // the last transaction ran no command
	}
	s.setPin(Pin{}) // a new transaction gives back the last one's mongos or connection
	s.txn = transaction{state: TxnStarting, opts: o}
	if s.server != nil {
		s.server.txnNumber++
		s.txn.numbered = true
	}
	return nil
}

// TransactionState returns the state of the transaction machine.
func (s *ClientSession) TransactionState() TxnState { return s.txn.state }

// InTransaction reports whether a transaction is starting or in progress:
// commands carry autocommit:false, are not retried as retryable writes,
// and send no read or write concern of their own.
func (s *ClientSession) InTransaction() bool {
	return s.txn.state == TxnStarting || s.txn.state == TxnInProgress
}

// TransactionOptions returns the options of the current (or last)
// transaction, defaults resolved.
func (s *ClientSession) TransactionOptions() TransactionOptions { return s.txn.opts }

// RecoveryToken returns the last recoveryToken of a sharded transaction.
func (s *ClientSession) RecoveryToken() bson.Raw { return s.txn.recoveryToken }

// BeginCommit moves the session to "transaction committed" and says
// whether a commitTransaction command must be sent: not for a transaction
// that ran no command. Calling it again after a commit re-runs the commit
// (send is true again and Prepare uses w:majority). It fails, changing
// nothing, when there is no transaction or it was aborted.
func (s *ClientSession) BeginCommit() (send bool, err error) {
	if s.ended {
		return false, newError(ErrSessionEnded)
	}
	switch s.txn.state {
	case TxnNone:
		return false, newError(ErrNoTransactionStarted)
	case TxnAborted:
		return false, newError(ErrCommitAfterAbort)
	case TxnStarting, TxnCommittedEmpty:
		s.txn.state = TxnCommittedEmpty
		return false, nil
	}
	s.txn.state = TxnCommitted
	return true, nil
}

// BeginAbort moves the session to "transaction aborted" and says whether an
// abortTransaction command must be sent: not for a transaction that ran
// no command. It fails, changing nothing, when there is no transaction, or
// it was committed or aborted already. Whatever happens next, call Finish
// with OpAbort (or Unpin) when done: abort always unpins.
func (s *ClientSession) BeginAbort() (send bool, err error) {
	if s.ended {
		return false, newError(ErrSessionEnded)
	}
	switch s.txn.state {
	case TxnNone:
		return false, newError(ErrNoTransactionStarted)
	case TxnCommitted, TxnCommittedEmpty:
		return false, newError(ErrAbortAfterCommit)
	case TxnAborted:
		return false, newError(ErrAbortTwice)
	}
	send = s.txn.state == TxnInProgress
	s.txn.state = TxnAborted
	if !send {
		s.setPin(Pin{})
	}
	return send, nil
}

// Pin records the mongos (or load-balanced connection) the first command of
// a sharded transaction went to.
func (s *ClientSession) Pin(p Pin) { s.setPin(p) }

// setPin replaces the pin, releasing the connection of the old one.
func (s *ClientSession) setPin(p Pin) {
	old := s.txn.pin
	s.txn.pin = p
	if old.Conn != nil && old.Conn != p.Conn {
		old.Conn.Release()
	}
}

// Pinned returns the pin, if any: server selection for the commands of a
// transaction must return that server.
func (s *ClientSession) Pinned() (Pin, bool) { return s.txn.pin, s.txn.pin != Pin{} }

// Unpin forgets the pin (before selecting a server for a retried commit or
// abort, say).
func (s *ClientSession) Unpin() { s.setPin(Pin{}) }

// resetTransaction returns to "no transaction", dropping the recovery
// token and the pin.
func (s *ClientSession) resetTransaction() {
	s.setPin(Pin{})
	s.txn = transaction{opts: s.txn.opts}
}

// commitWriteConcern is the write concern of a commitTransaction attempt:
// the transaction's, or w:majority (keeping j and wtimeout, with wtimeout
// 10 s by default) for any attempt after the first.
func (s *ClientSession) commitWriteConcern() (WriteConcern, bool) {
	var wc WriteConcern
	if s.txn.opts.WriteConcern != nil {
		wc = *s.txn.opts.WriteConcern
	}
	if s.txn.commitAttempts == 0 {
		return wc, !wc.IsServerDefault()
	}
	wc.W = "majority"
	if wc.WTimeout == 0 {
		wc.WTimeout = CommitRetryWTimeout
	}
	return wc, true
}
