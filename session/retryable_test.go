package session

import (
	"errors"
	"fmt"
	"testing"

	"github.com/torque-go/torque/topology"
)

func TestNeedsRetryableWriteLabel(t *testing.T) {
	pre44, v44 := int32(8), int32(9)
	tests := []struct {
		name   string
		err    error
		wire   int32
		mongos bool
		want   bool
	}{
		{"network error", networkErr(), v44, false, true},
		{"network error, 4.2", networkErr(), pre44, true, true},
		{"4.4+: never from a reply", codeErr(CodeNotWritablePrimary), v44, false, false},
		{"plain error", errors.New("x"), pre44, false, false},
		{"nil", nil, pre44, false, false},
		{"wrapped", fmt.Errorf("op: %w", codeErr(CodePrimarySteppedDown)), pre44, false, true},
		{"wc code from mongod", wcErr(CodeShutdownInProgress), pre44, false, true},
		{"wc code from mongos", wcErr(CodeShutdownInProgress), pre44, true, false},
		{"duplicate key", codeErr(11000), pre44, false, false},
		{"ReadConcernMajorityNotAvailableYet is read-only", codeErr(CodeReadConcernMajorityNotAvailable), pre44, false, false},
	}
	for _, code := range []int32{11600, 11602, 10107, 13435, 13436, 189, 91, 7, 6, 89, 9001, 262} {
		tests = append(tests, struct {
			name   string
			err    error
			wire   int32
			mongos bool
			want   bool
		}{fmt.Sprintf("code %d", code), codeErr(code), pre44, true, true})
	}
	for _, tt := range tests {
		if got := NeedsRetryableWriteLabel(tt.err, tt.wire, tt.mongos); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	if !IsRetryableWriteError(labelled(LabelRetryableWrite)) || IsRetryableWriteError(codeErr(CodeNotWritablePrimary)) {
		t.Error("IsRetryableWriteError must go by the label only")
	}
}

func TestIsRetryableReadError(t *testing.T) {
	for _, code := range []int32{262, 11600, 11602, 10107, 13435, 13436, 189, 134, 91, 7, 6, 89, 9001} {
		if !IsRetryableReadError(codeErr(code)) {
			t.Errorf("code %d not retryable", code)
		}
	}
	for _, err := range []error{codeErr(11000), codeErr(50), wcErr(91), errors.New("x"), nil} {
		if IsRetryableReadError(err) {
			t.Errorf("%v retryable", err)
		}
	}
	if !IsRetryableReadError(fmt.Errorf("wrapped: %w", networkErr())) {
		t.Error("network error not retryable")
	}
}

func TestTransactionLabels(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		kind  OpKind
		inTxn bool
		want  string // "" none
	}{
		{"network in transaction", networkErr(), OpWrite, true, LabelTransientTransaction},
		{"selection in transaction", &fakeErr{selection: true}, OpRead, true, LabelTransientTransaction},
		{"network outside", networkErr(), OpWrite, false, ""},
		{"server error in transaction", codeErr(112), OpWrite, true, ""},
		{"already labelled", &fakeErr{network: true, labels: []string{LabelTransientTransaction}}, OpWrite, true, ""},
		{"abort network", networkErr(), OpAbort, false, LabelTransientTransaction},
		{"commit network", networkErr(), OpCommit, false, LabelUnknownTransactionCommitResult},
		{"commit selection", &fakeErr{selection: true}, OpCommit, false, LabelUnknownTransactionCommitResult},
		{"commit retryable", labelled(LabelRetryableWrite), OpCommit, false, LabelUnknownTransactionCommitResult},
		{"commit MaxTimeMSExpired", codeErr(CodeMaxTimeMSExpired), OpCommit, false, LabelUnknownTransactionCommitResult},
		{"commit wc MaxTimeMSExpired", wcErr(CodeMaxTimeMSExpired), OpCommit, false, LabelUnknownTransactionCommitResult},
		{"commit WriteConcernFailed", codeErr(CodeWriteConcernFailed), OpCommit, false, LabelUnknownTransactionCommitResult},
		{"commit wc timeout", wcErr(CodeWriteConcernFailed), OpCommit, false, LabelUnknownTransactionCommitResult},
		{"commit UnsatisfiableWriteConcern", wcErr(CodeUnsatisfiableWriteConcern), OpCommit, false, ""},
		{"commit UnknownReplWriteConcern", wcErr(CodeUnknownReplWriteConcern), OpCommit, false, ""},
		{"commit NoSuchTransaction", codeErr(251), OpCommit, false, ""},
		{"plain error", errors.New("x"), OpWrite, true, ""},
	}
	for _, tt := range tests {
		got := TransactionLabels(tt.err, tt.kind, tt.inTxn)
		if (tt.want == "" && len(got) != 0) || (tt.want != "" && (len(got) != 1 || got[0] != tt.want)) {
			t.Errorf("%s: %v, want %q", tt.name, got, tt.want)
		}
	}
}

func TestSupportsRetryableWrites(t *testing.T) {
	rs := topology.ServerDescription{Type: topology.RSPrimary, LogicalSessionTimeoutMinutes: ptr(int64(30))}
	tests := []struct {
		name   string
		change func(*topology.ServerDescription)
		want   bool
	}{
		{"primary", func(*topology.ServerDescription) {}, true},
		{"standalone", func(d *topology.ServerDescription) { d.Type = topology.Standalone }, false},
		{"no sessions", func(d *topology.ServerDescription) { d.LogicalSessionTimeoutMinutes = nil }, false},
		{"mongos", func(d *topology.ServerDescription) { d.Type = topology.Mongos }, true},
		{"load balancer", func(d *topology.ServerDescription) {
			d.Type = topology.LoadBalancer
			d.LogicalSessionTimeoutMinutes = nil
		}, true},
	}
	for _, tt := range tests {
		d := rs
		tt.change(&d)
		if got := SupportsRetryableWrites(d); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestFinishDirtyAndPinning(t *testing.T) {
	tests := []struct {
		name      string
		kind      OpKind
		err       error
		begin     func(*ClientSession)
		wantPin   bool
		wantDirty bool
	}{
		{"success keeps the pin", OpWrite, nil, nil, true, false},
		{"server error keeps it", OpWrite, codeErr(11000), nil, true, false},
		{"transient label unpins", OpWrite, labelled(LabelTransientTransaction), nil, false, false},
		{"network error unpins (label added) and dirties", OpRead, networkErr(), nil, false, true},
		{"commit success keeps the pin", OpCommit, nil, func(s *ClientSession) { _, _ = s.BeginCommit() }, true, false},
		{"commit unknown result unpins", OpCommit, wcErr(CodeWriteConcernFailed), func(s *ClientSession) { _, _ = s.BeginCommit() }, false, false},
		{"commit network error unpins", OpCommit, networkErr(), func(s *ClientSession) { _, _ = s.BeginCommit() }, false, true},
		{"abort always unpins", OpAbort, nil, func(s *ClientSession) { _, _ = s.BeginAbort() }, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := inProgressPinned(t)
			if tt.begin != nil {
				tt.begin(s)
			}
			_ = s.Finish(tt.kind, nil, tt.err)
			if _, pinned := s.Pinned(); pinned != tt.wantPin {
				t.Errorf("pinned = %v, want %v", pinned, tt.wantPin)
			}
			if s.ServerSession().Dirty() != tt.wantDirty {
				t.Errorf("dirty = %v, want %v", s.ServerSession().Dirty(), tt.wantDirty)
			}
		})
	}
}

// txnPin is the mongos the pinning tests pin a transaction to.
var txnPin = Pin{Addr: "mongos1:27017"}

// inProgressPinned returns a session with a transaction in progress pinned
// to txnPin.
func inProgressPinned(t *testing.T) *ClientSession {
	s := newSession(t, Options{})
	_ = s.StartTransaction(nil)
	s.Pin(txnPin)
	prepare(t, s, Op{Kind: OpWrite})
	finishWith(t, s, OpWrite, 1)
	return s
}

func TestFinishTransactionEdges(t *testing.T) {
	t.Run("first command error still moves to in progress", func(t *testing.T) {
		s := newSession(t, Options{})
		_ = s.StartTransaction(nil)
		prepare(t, s, Op{Kind: OpWrite})
		_ = s.Finish(OpWrite, nil, codeErr(11000))
		if s.TransactionState() != TxnInProgress {
			t.Errorf("state %v", s.TransactionState())
		}
	})
	t.Run("empty abort unpins; new transaction and non-transaction ops unpin", func(t *testing.T) {
		s := newSession(t, Options{})
		_ = s.StartTransaction(nil)
		s.Pin(txnPin)
		_, _ = s.BeginAbort()
		if _, p := s.Pinned(); p {
			t.Error("empty abort kept the pin")
		}
		s2 := inProgressPinned(t)
		_, _ = s2.BeginCommit()
		_ = s2.Finish(OpCommit, nil, nil)
		_ = s2.StartTransaction(nil)
		if _, p := s2.Pinned(); p {
			t.Error("a new transaction kept the pin")
		}
		s2.Pin(txnPin)
		_, _ = s2.BeginAbort()
		_ = s2.Finish(OpAbort, nil, nil)
		s2.Pin(txnPin) // as if a stale pin were left
		_ = s2.StartOperation(OpRead)
		if _, p := s2.Pinned(); p {
			t.Error("a non-transaction operation kept the pin")
		}
	})
	t.Run("dirty session is not pooled", func(t *testing.T) {
		p := NewPool(nil)
		s := NewImplicit(p)
		_ = s.Acquire(timeout30)
		_ = s.Finish(OpRead, nil, networkErr())
		if !s.ServerSession().Dirty() {
			t.Fatal("not dirty")
		}
		s.End(timeout30)
		if p.Len() != 0 {
			t.Error("a dirty session went back to the pool")
		}
		clean := NewImplicit(p)
		_ = clean.Acquire(timeout30)
		clean.End(timeout30)
		if p.Len() != 1 {
			t.Error("a clean session was not pooled")
		}
	})
}
