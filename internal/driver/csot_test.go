package driver

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/session"
	"github.com/torque-go/torque/topology"
)

// A failing read under CSOT: {ok: 0, code: 7 (HostNotFound)}, retryable.
func retryableErrDoc(t *testing.T) bson.Raw {
	return doc(t, bson.D{bson.KV("ok", 0.0), bson.KV("code", int32(7)), bson.KV("errmsg", "host not found")})
}

func TestCSOTMaxTimeMS(t *testing.T) {
	d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary)
	var log cmdLog
	d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) {
		log.add(addr, cmd)
		return okDoc(t), true, nil
	})
	x := newExecutor(d)
	find := func(csot bool, deadline time.Time, maxTime time.Duration) bson.Raw {
		t.Helper()
		op := simpleOp(t, "find", Read, bson.D{bson.KV("find", "c")})
		op.CSOT, op.Deadline, op.MaxTime = csot, deadline, maxTime
		if err := x.Execute(context.Background(), op); err != nil {
			t.Fatal(err)
		}
		return log.cmds[len(log.cmds)-1]
	}
	ms, ok := find(true, time.Now().Add(10*time.Second), time.Hour).Lookup("maxTimeMS").AsInt64()
	if !ok || ms <= 0 || ms > 10000 {
		t.Errorf("CSOT: maxTimeMS = %d, %v; want within (0, 10000] (an explicit MaxTime gives way)", ms, ok)
	}
	if v := find(false, time.Time{}, 0).Lookup("maxTimeMS"); !v.IsZero() {
		t.Errorf("maxTimeMS %s sent without timeoutMS", v)
	}
	if v := find(true, time.Time{}, 0).Lookup("maxTimeMS"); !v.IsZero() {
		t.Errorf("maxTimeMS %s sent with timeoutMS=0", v)
	}
	if ms, _ := find(false, time.Time{}, 1500*time.Millisecond).Lookup("maxTimeMS").AsInt64(); ms != 1500 {
		t.Errorf("explicit maxTimeMS without CSOT = %d, want 1500", ms)
	}
}

// An operation whose time left cannot cover the server's minimum RTT
// fails before anything is sent, with a timeout.
func TestCSOTMinRTTShortCircuits(t *testing.T) {
	d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary)
	d.servers[0].desc.MinRTT = time.Hour
	var log cmdLog
	d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) {
		log.add(addr, cmd)
		return okDoc(t), true, nil
	})
	op := simpleOp(t, "find", Read, bson.D{bson.KV("find", "c")})
	op.CSOT, op.Deadline = true, time.Now().Add(time.Minute)
	err := newExecutor(d).Execute(context.Background(), op)
	if !IsTimeout(err) || !errors.Is(err, context.DeadlineExceeded) || len(log.cmds) != 0 {
		t.Fatalf("err %v (timeout %v), %d sent; want a timeout with nothing sent", err, IsTimeout(err), len(log.cmds))
	}
}

// Under CSOT a retryable failure is retried until it succeeds, not once;
// timeoutMS=0 (CSOT, no deadline) too. Without CSOT: one retry.
func TestCSOTRetriesUntilSuccess(t *testing.T) {
	for _, tc := range []struct {
		name      string
		csot      bool
		deadline  time.Duration
		wantSends int
		wantErr   bool
	}{
		{"timeoutMS", true, time.Minute, 4, false},
		{"timeoutMS=0", true, 0, 4, false},
		{"no timeoutMS", false, 0, 2, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary)
			var log cmdLog
			d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) {
				log.add(addr, cmd)
				if len(log.cmds) <= 3 {
					return retryableErrDoc(t), true, nil
				}
				return okDoc(t), true, nil
			})
			op := simpleOp(t, "find", Read, bson.D{bson.KV("find", "c")})
			op.Retryable, op.CSOT = true, tc.csot
			if tc.deadline > 0 {
				op.Deadline = time.Now().Add(tc.deadline)
			}
			err := newExecutor(d).Execute(context.Background(), op)
			if (err != nil) != tc.wantErr || len(log.cmds) != tc.wantSends {
				t.Fatalf("err %v after %d sends; want error %v after %d", err, len(log.cmds), tc.wantErr, tc.wantSends)
			}
		})
	}
}

// A retryable write retried under CSOT keeps its txnNumber every time.
func TestCSOTRetriedWriteKeepsTxnNumber(t *testing.T) {
	d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary)
	var log cmdLog
	d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) {
		log.add(addr, cmd)
		if len(log.cmds) <= 2 {
			return doc(t, bson.D{bson.KV("ok", 0.0), bson.KV("code", int32(7)),
				bson.KV("errorLabels", bson.A{"RetryableWriteError"})}), true, nil
		}
		return okDoc(t, bson.E{Key: "n", Value: int32(1)}), true, nil
	})
	op := insertOp(t, bson.D{bson.KV("a", 1)})
	op.CSOT, op.Deadline = true, time.Now().Add(time.Minute)
	if err := newExecutor(d).Execute(context.Background(), op); err != nil {
		t.Fatal(err)
	}
	if len(log.cmds) != 3 {
		t.Fatalf("%d sends, want 3", len(log.cmds))
	}
	for i, c := range log.cmds {
		if n, _ := c.Lookup("txnNumber").AsInt64(); n != 1 {
			t.Errorf("send %d: txnNumber %d, want 1", i, n)
		}
	}
}

// The retries stop at the deadline, with a timeout error.
func TestCSOTRetriesStopAtDeadline(t *testing.T) {
	d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary)
	var log cmdLog
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The deadline leaves the first two attempts half a second (a loaded
	// machine once took more than 20 ms for them); the third attempt's
	// server answers only after the deadline has passed.
	deadline := time.Now().Add(500 * time.Millisecond)
	d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) {
		log.add(addr, cmd)
		if len(log.cmds) == 3 {
			time.Sleep(time.Until(deadline) + 20*time.Millisecond)
		}
		return retryableErrDoc(t), true, nil
	})
	op := simpleOp(t, "find", Read, bson.D{bson.KV("find", "c")})
	op.Retryable, op.CSOT, op.Deadline = true, true, deadline
	err := newExecutor(d).Execute(ctx, op)
	if err == nil || len(log.cmds) < 3 {
		t.Fatalf("err %v after %d sends; want a failure after at least 3", err, len(log.cmds))
	}
	if !IsTimeout(err) || !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, new(*Error)) {
		t.Errorf("err %v: want a timeout that wraps the last server error", err)
	}
}

// Under timeoutMS a commit's maxCommitTimeMS and wtimeout give way; a
// write concern left with nothing to say is not sent.
func TestCSOTFields(t *testing.T) {
	mct := int64(5000)
	wc := session.WriteConcern{W: "majority", WTimeout: time.Second}
	f := session.Fields{MaxTimeMS: mct, WriteConcern: &wc}
	csotFields(&Operation{}, &f)
	if f.MaxTimeMS != mct || f.WriteConcern.WTimeout != time.Second {
		t.Fatalf("without CSOT the fields changed: %+v", f)
	}
	csotFields(&Operation{CSOT: true}, &f)
	if f.MaxTimeMS != 0 || f.WriteConcern == nil || f.WriteConcern.WTimeout != 0 || f.WriteConcern.W != "majority" {
		t.Errorf("under CSOT: maxTimeMS %d, writeConcern %+v; want 0 and {w: majority}", f.MaxTimeMS, f.WriteConcern)
	}
	if wc.WTimeout != time.Second {
		t.Error("csotFields changed the session's write concern")
	}
	only := session.WriteConcern{WTimeout: time.Second}
	f = session.Fields{WriteConcern: &only}
	csotFields(&Operation{CSOT: true}, &f)
	if f.WriteConcern != nil {
		t.Errorf("a write concern of wtimeout alone is sent as %+v, want none", f.WriteConcern)
	}
}

// withTransaction running out of time is a timeout.
func TestIsTimeoutWithTransaction(t *testing.T) {
	err := &session.TimeoutError{Elapsed: time.Minute, Err: &Error{Code: 24, Message: "LockTimeout"}}
	if !IsTimeout(err) {
		t.Error("IsTimeout(session.TimeoutError) = false")
	}
}
