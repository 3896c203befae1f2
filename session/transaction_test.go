package session

import (
	"errors"
	"testing"

	"github.com/torque-go/torque/topology"
)

// txnAction is one step applied to a session in the state-machine table.
type txnAction string

const (
	actStart  txnAction = "start"
	actOp     txnAction = "op"     // a command that reached the server
	actCommit txnAction = "commit" // BeginCommit
	actAbort  txnAction = "abort"  // BeginAbort
)

// apply runs one action and returns (round trip needed, error).
func apply(t *testing.T, s *ClientSession, a txnAction) (bool, error) {
	t.Helper()
	switch a {
	case actStart:
		return false, s.StartTransaction(nil)
	case actOp:
		if err := s.StartOperation(OpWrite); err != nil {
			return false, err
		}
		if _, err := s.Prepare(Op{Kind: OpWrite, WireVersion: 25}, ClusterTime{}); err != nil {
			return false, err
		}
		return true, s.Finish(OpWrite, reply(nil, nil, nil), nil)
	case actCommit:
		return s.BeginCommit()
	case actAbort:
		return s.BeginAbort()
	}
	t.Fatalf("unknown action %q", a)
	return false, nil
}

func TestTransactionStateMachine(t *testing.T) {
	tests := []struct {
		name     string
		setup    []txnAction // reach the state under test
		from     TxnState
		action   txnAction
		want     TxnState
		wantSend bool      // commit/abort: a round trip is needed
		wantErr  ErrorKind // 0: none
	}{
		{"none: start", nil, TxnNone, actStart, TxnStarting, false, 0},
		{"none: commit", nil, TxnNone, actCommit, TxnNone, false, ErrNoTransactionStarted},
		{"none: abort", nil, TxnNone, actAbort, TxnNone, false, ErrNoTransactionStarted},
		{"none: op", nil, TxnNone, actOp, TxnNone, false, 0},

		{"starting: start again", []txnAction{actStart}, TxnStarting, actStart, TxnStarting, false, ErrTransactionInProgress},
		{"starting: op", []txnAction{actStart}, TxnStarting, actOp, TxnInProgress, false, 0},
		{"starting: commit (empty)", []txnAction{actStart}, TxnStarting, actCommit, TxnCommittedEmpty, false, 0},
		{"starting: abort (empty)", []txnAction{actStart}, TxnStarting, actAbort, TxnAborted, false, 0},

		{"in progress: start", []txnAction{actStart, actOp}, TxnInProgress, actStart, TxnInProgress, false, ErrTransactionInProgress},
		{"in progress: op", []txnAction{actStart, actOp}, TxnInProgress, actOp, TxnInProgress, false, 0},
		{"in progress: commit", []txnAction{actStart, actOp}, TxnInProgress, actCommit, TxnCommitted, true, 0},
		{"in progress: abort", []txnAction{actStart, actOp}, TxnInProgress, actAbort, TxnAborted, true, 0},

		{"committed: commit again (re-run)", []txnAction{actStart, actOp, actCommit}, TxnCommitted, actCommit, TxnCommitted, true, 0},
		{"committed: abort", []txnAction{actStart, actOp, actCommit}, TxnCommitted, actAbort, TxnCommitted, false, ErrAbortAfterCommit},
		{"committed: start", []txnAction{actStart, actOp, actCommit}, TxnCommitted, actStart, TxnStarting, false, 0},
		{"committed: op resets", []txnAction{actStart, actOp, actCommit}, TxnCommitted, actOp, TxnNone, false, 0},

		{"committed empty: commit again", []txnAction{actStart, actCommit}, TxnCommittedEmpty, actCommit, TxnCommittedEmpty, false, 0},
		{"committed empty: abort", []txnAction{actStart, actCommit}, TxnCommittedEmpty, actAbort, TxnCommittedEmpty, false, ErrAbortAfterCommit},
		{"committed empty: start", []txnAction{actStart, actCommit}, TxnCommittedEmpty, actStart, TxnStarting, false, 0},
		{"committed empty: op resets", []txnAction{actStart, actCommit}, TxnCommittedEmpty, actOp, TxnNone, false, 0},

		{"aborted: commit", []txnAction{actStart, actOp, actAbort}, TxnAborted, actCommit, TxnAborted, false, ErrCommitAfterAbort},
		{"aborted: abort", []txnAction{actStart, actOp, actAbort}, TxnAborted, actAbort, TxnAborted, false, ErrAbortTwice},
		{"aborted: start", []txnAction{actStart, actOp, actAbort}, TxnAborted, actStart, TxnStarting, false, 0},
		{"aborted: op resets", []txnAction{actStart, actOp, actAbort}, TxnAborted, actOp, TxnNone, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSession(t, Options{})
			for _, a := range tt.setup {
				if _, err := apply(t, s, a); err != nil {
					t.Fatalf("setup %s: %v", a, err)
				}
			}
			if s.TransactionState() != tt.from {
				t.Fatalf("setup reached %v, want %v", s.TransactionState(), tt.from)
			}
			send, err := apply(t, s, tt.action)
			if tt.wantErr != 0 {
				var se *Error
				if !errors.As(err, &se) || se.Kind != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if !errors.Is(err, &Error{Kind: tt.wantErr}) {
					t.Error("errors.Is does not match the kind")
				}
			} else if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if got := s.TransactionState(); got != tt.want {
				t.Errorf("state = %v, want %v", got, tt.want)
			}
			if tt.action == actCommit || tt.action == actAbort {
				if send != tt.wantSend {
					t.Errorf("send = %v, want %v", send, tt.wantSend)
				}
			}
		})
	}
}

func TestErrorMessagesFollowTheSpec(t *testing.T) {
	want := map[ErrorKind]string{
		ErrTransactionInProgress:     "Transaction already in progress",
		ErrNoTransactionStarted:      "No transaction started",
		ErrCommitAfterAbort:          "Cannot call commitTransaction after calling abortTransaction",
		ErrAbortAfterCommit:          "Cannot call abortTransaction after calling commitTransaction",
		ErrAbortTwice:                "Cannot call abortTransaction twice",
		ErrUnacknowledgedTransaction: "transactions do not support unacknowledged write concerns",
		ErrTransactionReadPreference: "read preference in a transaction must be primary",
		ErrSnapshotWireVersion:       "Snapshot reads require MongoDB 5.0 or later",
	}
	for k, msg := range want {
		if got := (&Error{Kind: k}).Error(); got != "session: "+msg {
			t.Errorf("%d: %q, want it to carry %q", k, got, msg)
		}
	}
	if ErrorKind(200).String() == "" {
		t.Error("unknown kind has no message")
	}
}

func TestStartTransactionRefusals(t *testing.T) {
	t.Run("snapshot session", func(t *testing.T) {
		s := newSession(t, Options{Snapshot: true})
		if err := s.StartTransaction(nil); !errors.Is(err, &Error{Kind: ErrSnapshotTransaction}) {
			t.Errorf("err = %v", err)
		}
		if s.TransactionState() != TxnNone {
			t.Error("state changed")
		}
	})
	t.Run("unacknowledged from options", func(t *testing.T) {
		s := newSession(t, Options{})
		err := s.StartTransaction(&TransactionOptions{WriteConcern: &WriteConcern{W: "0"}})
		if !errors.Is(err, &Error{Kind: ErrUnacknowledgedTransaction}) {
			t.Errorf("err = %v", err)
		}
		if s.TransactionState() != TxnNone || s.ServerSession().TxnNumber() != 0 {
			t.Error("a refused StartTransaction changed the session")
		}
	})
	t.Run("unacknowledged from defaults", func(t *testing.T) {
		s := newSession(t, Options{DefaultTransactionOptions: TransactionOptions{WriteConcern: &WriteConcern{W: "0"}}})
		if err := s.StartTransaction(nil); !errors.Is(err, &Error{Kind: ErrUnacknowledgedTransaction}) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("w:0 with j:true is acknowledged", func(t *testing.T) {
		s := newSession(t, Options{})
		if err := s.StartTransaction(&TransactionOptions{WriteConcern: &WriteConcern{W: "0", Journal: ptr(true)}}); err != nil {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("ended session", func(t *testing.T) {
		s := newSession(t, Options{})
		s.End(timeout30)
		if err := s.StartTransaction(nil); !errors.Is(err, &Error{Kind: ErrSessionEnded}) {
			t.Errorf("err = %v", err)
		}
	})
}

func TestSnapshotAndCausalAreExclusive(t *testing.T) {
	if _, err := NewExplicit(NewPool(nil), Options{Snapshot: true, CausalConsistency: ptr(true)}); !errors.Is(err, &Error{Kind: ErrSnapshotAndCausal}) {
		t.Errorf("err = %v", err)
	}
	tests := []struct {
		opts       Options
		wantCausal bool
	}{
		{Options{}, true},
		{Options{CausalConsistency: ptr(false)}, false},
		{Options{Snapshot: true}, false},
		{Options{Snapshot: true, CausalConsistency: ptr(false)}, false},
	}
	for _, tt := range tests {
		s, err := NewExplicit(NewPool(nil), tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		if s.CausalConsistency() != tt.wantCausal {
			t.Errorf("%+v: causal = %v", tt.opts, s.CausalConsistency())
		}
	}
	if NewImplicit(NewPool(nil)).CausalConsistency() {
		t.Error("implicit sessions must not be causally consistent")
	}
}

func TestTransactionOptionsInherit(t *testing.T) {
	def := TransactionOptions{
		ReadConcern:    &ReadConcern{Level: "majority"},
		WriteConcern:   &WriteConcern{W: "majority"},
		ReadPreference: &topology.ReadPref{Mode: topology.Primary},
	}
	s := newSession(t, Options{DefaultTransactionOptions: def})
	if err := s.StartTransaction(&TransactionOptions{ReadConcern: &ReadConcern{Level: "snapshot"}}); err != nil {
		t.Fatal(err)
	}
	o := s.TransactionOptions()
	if o.ReadConcern.Level != "snapshot" || o.WriteConcern.W != "majority" || o.ReadPreference == nil {
		t.Errorf("resolved options = %+v", o)
	}
}

func TestTxnNumberIncrements(t *testing.T) {
	s := newSession(t, Options{})
	txnOf := func(kind OpKind, retryable bool) int64 {
		t.Helper()
		if err := s.StartOperation(kind); err != nil {
			t.Fatal(err)
		}
		if retryable {
			if _, err := s.IncrementTxnNumber(); err != nil {
				t.Fatal(err)
			}
		}
		f, err := s.Prepare(Op{Kind: kind, RetryableWrite: retryable, WireVersion: 25}, ClusterTime{})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Finish(kind, reply(nil, nil, nil), nil); err != nil {
			t.Fatal(err)
		}
		if !f.HasTxnNumber {
			return -1
		}
		return f.TxnNumber
	}
	if got := txnOf(OpWrite, true); got != 1 {
		t.Errorf("first retryable write: txnNumber %d, want 1", got)
	}
	if got := txnOf(OpWrite, true); got != 2 {
		t.Errorf("second retryable write: txnNumber %d, want 2", got)
	}
	if got := txnOf(OpRead, false); got != -1 {
		t.Errorf("a read carries txnNumber %d", got)
	}
	if err := s.StartTransaction(nil); err != nil {
		t.Fatal(err)
	}
	first, second := txnOf(OpWrite, false), txnOf(OpRead, false)
	if first != 3 || second != 3 {
		t.Errorf("transaction commands: txnNumber %d, %d, want 3, 3", first, second)
	}
	if _, err := s.BeginCommit(); err != nil {
		t.Fatal(err)
	}
	f, _ := s.Prepare(Op{Kind: OpCommit, WireVersion: 25}, ClusterTime{})
	if f.TxnNumber != 3 {
		t.Errorf("commit txnNumber %d, want 3", f.TxnNumber)
	}
	if err := s.StartTransaction(nil); err != nil {
		t.Fatal(err)
	}
	if got := txnOf(OpWrite, false); got != 4 {
		t.Errorf("next transaction: txnNumber %d, want 4", got)
	}
}

func TestTxnNumberBeforeAcquire(t *testing.T) {
	s, _ := NewExplicit(NewPool(nil), Options{})
	if err := s.StartTransaction(nil); err != nil { // no server session yet
		t.Fatal(err)
	}
	if err := s.Acquire(timeout30); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ { // the first command prepared twice (a retry) keeps its number
		f, err := s.Prepare(Op{Kind: OpWrite, WireVersion: 25}, ClusterTime{})
		if err != nil {
			t.Fatal(err)
		}
		if f.TxnNumber != 1 || !f.StartTransaction {
			t.Errorf("attempt %d: txnNumber %d startTransaction %v, want 1 true", i, f.TxnNumber, f.StartTransaction)
		}
	}
}

func TestTransactionReadPreference(t *testing.T) {
	s := newSession(t, Options{})
	if err := s.StartTransaction(&TransactionOptions{ReadPreference: &topology.ReadPref{Mode: topology.Secondary}}); err != nil {
		t.Fatal(err) // not checked at start
	}
	if err := s.StartOperation(OpWrite); err != nil {
		t.Errorf("a write must not check the read preference: %v", err)
	}
	if err := s.StartOperation(OpRead); !errors.Is(err, &Error{Kind: ErrTransactionReadPreference}) {
		t.Errorf("read: err = %v", err)
	}
}

func TestNeedsAbort(t *testing.T) {
	s := newSession(t, Options{})
	if s.NeedsAbort() {
		t.Error("no transaction needs no abort")
	}
	_ = s.StartTransaction(nil)
	if s.NeedsAbort() {
		t.Error("an empty transaction needs no abort round trip")
	}
	prepare(t, s, Op{Kind: OpWrite})
	finishWith(t, s, OpWrite, 1)
	if !s.NeedsAbort() {
		t.Error("a transaction in progress needs an abort before End")
	}
	_, _ = s.BeginCommit()
	if s.NeedsAbort() {
		t.Error("a committed transaction needs no abort")
	}
}
