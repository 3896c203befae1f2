package session

import (
	"context"
	"errors"
	"testing"
	"time"
)

// txnHarness drives WithTransaction with scripted errors and a fake clock.
type txnHarness struct {
	t                          *testing.T
	s                          *ClientSession
	clock                      *fakeClock
	callbackErrs               []error // one per call; missing: nil
	commitErrs                 []error
	callbackCost               time.Duration // fake time each callback takes
	commitCost                 time.Duration
	callbacks, commits, aborts int
	sent                       int // abort commands that needed a round trip
	slept                      []time.Duration
}

func newHarness(t *testing.T) *txnHarness {
	return &txnHarness{t: t, s: newSession(t, Options{}), clock: newFakeClock()}
}

func next(errs []error, i int) error {
	if i < len(errs) {
		return errs[i]
	}
	return nil
}

func (h *txnHarness) runner() TransactionRunner {
	return TransactionRunner{
		Callback: func(ctx context.Context) error {
			h.callbacks++
			h.clock.Advance(h.callbackCost)
			if err := h.s.StartOperation(OpWrite); err != nil {
				return err
			}
			if _, err := h.s.Prepare(Op{Kind: OpWrite, WireVersion: 25}, ClusterTime{}); err != nil {
				return err
			}
			err := next(h.callbackErrs, h.callbacks-1)
			_ = h.s.Finish(OpWrite, nil, err)
			return err
		},
		Commit: func(ctx context.Context) error {
			h.commits++
			h.clock.Advance(h.commitCost)
			if _, err := h.s.BeginCommit(); err != nil {
				return err
			}
			err := next(h.commitErrs, h.commits-1)
			_ = h.s.Finish(OpCommit, nil, err)
			return err
		},
		Abort: func(ctx context.Context) error {
			h.aborts++
			send, err := h.s.BeginAbort()
			if send {
				h.sent++
			}
			_ = h.s.Finish(OpAbort, nil, nil)
			return err
		},
		Now: h.clock.Now,
		Sleep: func(ctx context.Context, d time.Duration) error {
			h.slept = append(h.slept, d)
			h.clock.Advance(d)
			return nil
		},
		Rand: func() float64 { return 0.5 },
	}
}

func TestWithTransaction(t *testing.T) {
	transient := labelled(LabelTransientTransaction)
	unknown := labelled(LabelUnknownTransactionCommitResult)
	maxTime := &fakeErr{code: CodeMaxTimeMSExpired, labels: []string{LabelUnknownTransactionCommitResult}}
	fatal := codeErr(11000)
	tests := []struct {
		name         string
		callbackErrs []error
		commitErrs   []error
		wantErr      error // matched with errors.Is; nil: success
		callbacks    int
		commits      int
		aborts       int
		state        TxnState
	}{
		{"success", nil, nil, nil, 1, 1, 0, TxnCommitted},
		{"callback transient error retries all", []error{transient, transient}, nil, nil, 3, 1, 2, TxnCommitted},
		{"callback fatal error aborts and returns", []error{fatal}, nil, fatal, 1, 0, 1, TxnAborted},
		{"callback unknown commit result returns", []error{unknown}, nil, unknown, 1, 0, 1, TxnAborted},
		{"commit unknown result retries the commit", nil, []error{unknown, unknown}, nil, 1, 3, 0, TxnCommitted},
		{"commit MaxTimeMSExpired is not retried", nil, []error{maxTime}, maxTime, 1, 1, 0, TxnCommitted},
		{"commit transient error retries all", nil, []error{transient}, nil, 2, 2, 0, TxnCommitted},
		{"commit fatal error returns", nil, []error{fatal}, fatal, 1, 1, 0, TxnCommitted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.callbackErrs, h.commitErrs = tt.callbackErrs, tt.commitErrs
			err := WithTransaction(context.Background(), h.s, h.runner())
			if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if h.callbacks != tt.callbacks || h.commits != tt.commits || h.aborts != tt.aborts {
				t.Errorf("callbacks/commits/aborts = %d/%d/%d, want %d/%d/%d",
					h.callbacks, h.commits, h.aborts, tt.callbacks, tt.commits, tt.aborts)
			}
			if h.s.TransactionState() != tt.state {
				t.Errorf("state %v, want %v", h.s.TransactionState(), tt.state)
			}
			if len(h.slept) != tt.callbacks-1 {
				t.Errorf("slept %d times, want once per transaction retry (%d)", len(h.slept), tt.callbacks-1)
			}
		})
	}
}

func TestWithTransactionBackoff(t *testing.T) {
	h := newHarness(t)
	transient := labelled(LabelTransientTransaction)
	h.callbackErrs = make([]error, 15)
	for i := range h.callbackErrs {
		h.callbackErrs[i] = transient
	}
	if err := WithTransaction(context.Background(), h.s, h.runner()); err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{2500 * time.Microsecond, 3750 * time.Microsecond} // 0.5 * 5ms * 1.5^n
	for i, d := range want {
		if h.slept[i] != d {
			t.Errorf("backoff %d = %v, want %v", i, h.slept[i], d)
		}
	}
	if last := h.slept[len(h.slept)-1]; last != 250*time.Millisecond {
		t.Errorf("last backoff %v, want the cap 0.5 * 500ms", last)
	}
}

func TestWithTransactionTimeLimit(t *testing.T) {
	transient := labelled(LabelTransientTransaction)
	t.Run("callback keeps failing", func(t *testing.T) {
		h := newHarness(t)
		h.callbackCost = 50 * time.Second
		h.callbackErrs = []error{transient, transient, transient, transient}
		err := WithTransaction(context.Background(), h.s, h.runner())
		var te *TimeoutError
		if !errors.As(err, &te) || !errors.Is(err, transient) || !HasErrorLabel(err, LabelTransientTransaction) {
			t.Fatalf("err = %v, want a TimeoutError wrapping the transient error", err)
		}
		if h.callbacks != 3 { // at 50 s, 100 s retry; at 150 s stop
			t.Errorf("callbacks = %d, want 3", h.callbacks)
		}
	})
	t.Run("commit keeps failing", func(t *testing.T) {
		h := newHarness(t)
		h.commitCost = 30 * time.Second
		unknown := labelled(LabelUnknownTransactionCommitResult)
		h.commitErrs = []error{unknown, unknown, unknown, unknown, unknown, unknown}
		err := WithTransaction(context.Background(), h.s, h.runner())
		var te *TimeoutError
		if !errors.As(err, &te) || !errors.Is(err, unknown) {
			t.Fatalf("err = %v", err)
		}
		if h.commits != 4 || te.Elapsed != 120*time.Second {
			t.Errorf("commits = %d, elapsed %v; want 4 and 2m0s", h.commits, te.Elapsed)
		}
	})
	t.Run("the caller's context ends during the commit", func(t *testing.T) {
		h := newHarness(t)
		ctx, cancel := context.WithCancel(context.Background())
		unknown := labelled(LabelUnknownTransactionCommitResult)
		h.commitErrs = []error{unknown, unknown, unknown}
		r := h.runner()
		commit := r.Commit
		r.Commit = func(ctx context.Context) error { cancel(); return commit(ctx) }
		err := WithTransaction(ctx, h.s, r)
		if !errors.Is(err, unknown) || h.commits != 1 {
			t.Errorf("err = %v after %d commits, want the commit's error after 1 (no retry once the context ended)", err, h.commits)
		}
	})
	t.Run("custom timeout; backoff would pass it", func(t *testing.T) {
		h := newHarness(t)
		h.callbackCost = time.Second
		h.callbackErrs = []error{transient, transient}
		r := h.runner()
		r.Timeout = time.Second + time.Millisecond // the 2.5 ms backoff does not fit
		err := WithTransaction(context.Background(), h.s, r)
		var te *TimeoutError
		if !errors.As(err, &te) || h.callbacks != 1 || len(h.slept) != 0 {
			t.Errorf("err = %v, callbacks %d, sleeps %d", err, h.callbacks, len(h.slept))
		}
	})
}

func TestWithTransactionCallbackEndsTransaction(t *testing.T) {
	for _, end := range []string{"commit", "abort"} {
		t.Run(end, func(t *testing.T) {
			h := newHarness(t)
			r := h.runner()
			r.Callback = func(ctx context.Context) error {
				h.callbacks++
				if end == "commit" {
					_, err := h.s.BeginCommit()
					return err
				}
				_, err := h.s.BeginAbort()
				return err
			}
			if err := WithTransaction(context.Background(), h.s, r); err != nil {
				t.Fatal(err)
			}
			if h.commits != 0 || h.aborts != 0 {
				t.Errorf("WithTransaction committed %d / aborted %d times after the callback ended the transaction",
					h.commits, h.aborts)
			}
		})
	}
}

func TestWithTransactionErrors(t *testing.T) {
	h := newHarness(t)
	if err := WithTransaction(context.Background(), h.s, TransactionRunner{}); err == nil {
		t.Error("missing functions accepted")
	}
	snap := newSession(t, Options{Snapshot: true})
	h2 := newHarness(t)
	h2.s = snap
	if err := WithTransaction(context.Background(), snap, h2.runner()); !errors.Is(err, &Error{Kind: ErrSnapshotTransaction}) {
		t.Errorf("snapshot session: %v", err)
	}
	if h2.callbacks != 0 {
		t.Error("callback ran after StartTransaction failed")
	}

	// A cancelled context stops the backoff.
	h3 := newHarness(t)
	h3.callbackErrs = []error{labelled(LabelTransientTransaction)}
	r := h3.runner()
	r.Sleep = nil // the real sleep, which honours ctx
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := WithTransaction(ctx, h3.s, r); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
