package driver

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/clock"
	"github.com/torque-go/torque/topology"
)

// The overload retries of the client backpressure spec (overload.go),
// on the fake deployment, with an injected jitter and a virtual clock:
// no test here waits for a backoff.

// errReply is {ok: 0, code, errmsg, errorLabels}.
func errReply(t testing.TB, code int32, labels ...string) bson.Raw {
	d := bson.D{bson.KV("ok", 0.0), bson.KV("code", code), bson.KV("errmsg", "shed")}
	if len(labels) > 0 {
		a := bson.A{}
		for _, l := range labels {
			a = append(a, l)
		}
		d = append(d, bson.KV("errorLabels", a))
	}
	return doc(t, d)
}

var overloadLabels = []string{LabelRetryableError, LabelSystemOverloaded}

// vclock is a virtual clock for Executor.Sleep: it records each wait and
// returns at once (or the context's error).
type vclock struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (c *vclock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.waits = append(c.waits, d)
	c.mu.Unlock()
	return ctx.Err()
}

// overloadExecutor is an executor with MaxAdaptiveRetries 2, a jitter
// of j and the virtual clock.
func overloadExecutor(d *fakeDeployment, j float64, c *vclock) *Executor {
	x := newExecutor(d)
	x.MaxAdaptiveRetries = DefaultMaxAdaptiveRetries
	x.Jitter = func() float64 { return j }
	x.Sleep = c.sleep
	return x
}

// failing answers the first n commands with reply, then {ok: 1}.
func failing(t *testing.T, log *cmdLog, n int, reply func(i int) bson.Raw) func(topology.Address, bson.Raw) (bson.Raw, bool, error) {
	return func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) {
		log.add(addr, cmd)
		if i := len(log.cmds); i <= n {
			return reply(i), true, nil
		}
		return okDoc(t, bson.KV("n", 1)), true, nil
	}
}

// A command no other rule retries (a generic command, an updateMany, a
// getMore) is retried after an overload error, at most
// MaxAdaptiveRetries times, each retry after a backoff of jitter *
// 100ms * 2^(retry-1).
func TestOverloadRetriesAnyCommand(t *testing.T) {
	for _, kind := range []Kind{Command, Write, GetMore, Read} {
		for _, fails := range []int{2, 3} {
			d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary)
			var log cmdLog
			d.handle(failing(t, &log, fails, func(int) bson.Raw { return errReply(t, 462, overloadLabels...) }))
			var c vclock
			x := overloadExecutor(d, 0.5, &c)
			op := simpleOp(t, "cmd", kind, bson.D{bson.KV("cmd", 1)}) // not Retryable
			err := x.Execute(context.Background(), op)
			if fails == 2 && err != nil {
				t.Errorf("kind %d, %d overload errors: %v, want success on the second retry", kind, fails, err)
			}
			var se *Error
			if fails == 3 && (!errors.As(err, &se) || se.Code != 462 || !HasLabel(err, LabelSystemOverloaded)) {
				t.Errorf("kind %d, %d overload errors: %v, want the overload error", kind, fails, err)
			}
			if len(log.cmds) != 3 {
				t.Errorf("kind %d, %d overload errors: %d attempts, want 3 (MaxAdaptiveRetries 2)", kind, fails, len(log.cmds))
			}
			if want := []time.Duration{50 * time.Millisecond, 100 * time.Millisecond}; !equalDurations(c.waits, want) {
				t.Errorf("kind %d: backoffs %v, want %v", kind, c.waits, want)
			}
		}
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Only the two labels together make an overload retry; retryReads,
// retryWrites (both for a generic command) and MaxAdaptiveRetries 0 turn
// it off.
func TestOverloadRetryNeeds(t *testing.T) {
	for _, tc := range []struct {
		name          string
		kind          Kind
		labels        []string
		reads, writes bool
		max           int
		attempts      int
	}{
		{"both labels", Command, overloadLabels, true, true, 2, 2},
		{"overload label alone", Command, []string{LabelSystemOverloaded}, true, true, 2, 1},
		{"retryable label alone", Command, []string{LabelRetryableError}, true, true, 2, 1},
		{"command without retryReads", Command, overloadLabels, false, true, 2, 1},
		{"command without retryWrites", Command, overloadLabels, true, false, 2, 1},
		{"read without retryReads", Read, overloadLabels, false, true, 2, 1},
		{"read without retryWrites", Read, overloadLabels, true, false, 2, 2},
		{"write without retryWrites", Write, overloadLabels, true, false, 2, 1},
		{"maxAdaptiveRetries 0", Command, overloadLabels, true, true, 0, 1},
	} {
		d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary)
		var log cmdLog
		d.handle(failing(t, &log, 1, func(int) bson.Raw { return errReply(t, 462, tc.labels...) }))
		var c vclock
		x := overloadExecutor(d, 1, &c)
		x.RetryReads, x.RetryWrites, x.MaxAdaptiveRetries = tc.reads, tc.writes, tc.max
		_ = x.Execute(context.Background(), simpleOp(t, "cmd", tc.kind, bson.D{bson.KV("cmd", 1)}))
		if len(log.cmds) != tc.attempts {
			t.Errorf("%s: %d attempts, want %d", tc.name, len(log.cmds), tc.attempts)
		}
	}
}

// Once an overload error was met, MaxAdaptiveRetries bounds the retries
// of the retryable reads rules too, and only overload errors back off
// (retryable reads prose tests 4 and 5).
func TestOverloadSetsTheBoundForOtherRetries(t *testing.T) {
	d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary)
	var log cmdLog
	d.handle(failing(t, &log, 100, func(i int) bson.Raw {
		if i == 1 {
			return errReply(t, 91, overloadLabels...)
		}
		return errReply(t, 91, LabelRetryableError)
	}))
	var c vclock
	x := overloadExecutor(d, 1, &c)
	x.MaxAdaptiveRetries = 3
	op := simpleOp(t, "find", Read, bson.D{bson.KV("find", "c")})
	op.Retryable = true
	if err := x.Execute(context.Background(), op); err == nil {
		t.Fatal("success, want the last error")
	}
	if len(log.cmds) != 4 {
		t.Errorf("%d attempts, want MaxAdaptiveRetries + 1 = 4", len(log.cmds))
	}
	if len(c.waits) != 1 || c.waits[0] != baseBackoff {
		t.Errorf("backoffs %v, want one of 100ms (after the overload error only)", c.waits)
	}
}

// Under a timeoutMS the overload retries stop at MaxAdaptiveRetries too;
// a backoff that would pass the deadline is not waited: the overload
// error comes back at once.
func TestOverloadBackoffAndDeadline(t *testing.T) {
	d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary)
	var log cmdLog
	d.handle(failing(t, &log, 100, func(int) bson.Raw { return errReply(t, 462, overloadLabels...) }))
	var c vclock
	x := overloadExecutor(d, 1, &c)
	op := simpleOp(t, "cmd", Command, bson.D{bson.KV("cmd", 1)})
	op.CSOT, op.Deadline = true, time.Now().Add(time.Hour)
	err := x.Execute(context.Background(), op)
	if len(log.cmds) != 3 || IsTimeout(err) {
		t.Errorf("CSOT: %d attempts, error %v; want 3 and the overload error", len(log.cmds), err)
	}

	log = cmdLog{}
	c = vclock{}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond) // < 100ms, the first backoff
	defer cancel()
	err = x.Execute(ctx, simpleOp(t, "cmd", Command, bson.D{bson.KV("cmd", 1)}))
	var se *Error
	if len(log.cmds) != 1 || len(c.waits) != 0 || !errors.As(err, &se) || se.Code != 462 {
		t.Errorf("backoff past the deadline: %d attempts, waits %v, error %v; want 1, none, the overload error", len(log.cmds), c.waits, err)
	}
}

// A context cancelled during the backoff ends it at once: the
// context's error, wrapping the overload error.
func TestOverloadBackoffCancelled(t *testing.T) {
	d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary)
	var log cmdLog
	d.handle(failing(t, &log, 100, func(int) bson.Raw { return errReply(t, 462, overloadLabels...) }))
	x := newExecutor(d)
	x.MaxAdaptiveRetries = 2
	x.Jitter = func() float64 { return 0.999 }
	ctx, cancel := context.WithCancel(context.Background())
	x.Sleep = func(ctx context.Context, d time.Duration) error {
		cancel()
		return clock.Sleep(ctx, time.Hour) // the real wait, ended by ctx
	}
	err := x.Execute(ctx, simpleOp(t, "cmd", Command, bson.D{bson.KV("cmd", 1)}))
	if !errors.Is(err, context.Canceled) || !HasLabel(err, LabelSystemOverloaded) || len(log.cmds) != 1 {
		t.Errorf("cancelled backoff: %v after %d attempts; want context.Canceled wrapping the overload error, 1 attempt", err, len(log.cmds))
	}
}

// The jittered backoff: jitter * min(10s, 100ms * 2^(retry-1)).
func TestBackoffDelay(t *testing.T) {
	x := &Executor{Jitter: func() float64 { return 1 }}
	for retry, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 5: 1600 * time.Millisecond,
		8: 10 * time.Second, 9: 10 * time.Second, 100: 10 * time.Second} {
		if got := x.backoffDelay(retry); got != want {
			t.Errorf("retry %d: %v, want %v", retry, got, want)
		}
	}
	x.Jitter = nil // math/rand/v2: in [0, 100ms)
	for range 100 {
		if d := x.backoffDelay(1); d < 0 || d >= baseBackoff {
			t.Fatalf("random backoff %v outside [0, 100ms)", d)
		}
	}
}

// Where the retry goes: a replica set's server again, unless the error
// is an overload error and OverloadRetargeting is on; another mongos
// always (retryable reads prose tests 3.1-3.3; the sharded 2.1).
func TestOverloadRetargeting(t *testing.T) {
	for _, tc := range []struct {
		name     string
		tt       topology.TopologyType
		st       topology.ServerType
		labels   []string
		retarget bool
		moved    bool
	}{
		{"rs overload, retargeting", topology.ReplicaSetWithPrimary, topology.RSSecondary, overloadLabels, true, true},
		{"rs overload", topology.ReplicaSetWithPrimary, topology.RSSecondary, overloadLabels, false, false},
		{"rs other error, retargeting", topology.ReplicaSetWithPrimary, topology.RSSecondary, []string{LabelRetryableError}, true, false},
		{"mongos other error", topology.Sharded, topology.Mongos, []string{LabelRetryableError}, false, true},
	} {
		d := newFake(tc.tt, tc.st, tc.st)
		var log cmdLog
		code := int32(6) // HostUnreachable: a retryable read error
		d.handle(failing(t, &log, 1, func(int) bson.Raw { return errReply(t, code, tc.labels...) }))
		var c vclock
		x := overloadExecutor(d, 0, &c)
		x.OverloadRetargeting = tc.retarget
		op := simpleOp(t, "find", Read, bson.D{bson.KV("find", "c")})
		op.Retryable = true
		if err := x.Execute(context.Background(), op); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		deprioritized := len(d.criteria[1].Deprioritized) == 1 && d.criteria[1].Deprioritized[0] == log.addr[0]
		if deprioritized != tc.moved {
			t.Errorf("%s: retry criteria deprioritize %v; want the failed server deprioritized: %v", tc.name, d.criteria[1].Deprioritized, tc.moved)
		}
	}
}

// Retryable writes prose test 6, cases 1-3: which error comes back after
// overload errors with and without NoWritesPerformed.
func TestOverloadErrorPropagation(t *testing.T) {
	nwp := append([]string{LabelNoWritesPerformed}, overloadLabels...)
	for _, tc := range []struct {
		name          string
		first, others []string
		firstCode     int32
		othersCode    int32
		wantCode      int32
		wantNWP       bool
	}{
		{"no NoWritesPerformed", overloadLabels, overloadLabels, 91, 10107, 10107, false},
		{"all NoWritesPerformed", nwp, nwp, 91, 10107, 91, true},
		{"first without, then with", overloadLabels, nwp, 91, 91, 91, false},
	} {
		d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary)
		var log cmdLog
		d.handle(failing(t, &log, 100, func(i int) bson.Raw {
			if i == 1 {
				return errReply(t, tc.firstCode, tc.first...)
			}
			return errReply(t, tc.othersCode, tc.others...)
		}))
		var c vclock
		x := overloadExecutor(d, 0, &c)
		err := x.Execute(context.Background(), insertOp(t, bson.D{bson.KV("_id", 1)}))
		var se *Error
		if !errors.As(err, &se) || se.Code != tc.wantCode || HasLabel(err, LabelNoWritesPerformed) != tc.wantNWP {
			t.Errorf("%s: %v (labels %v), want code %d with NoWritesPerformed %v", tc.name, err, se, tc.wantCode, tc.wantNWP)
		}
		if len(log.cmds) != 3 {
			t.Errorf("%s: %d attempts, want 3", tc.name, len(log.cmds))
		}
		sameTxnNumber(t, log.cmds[0], log.cmds[2])
	}
}

// The token bucket: with 2 tokens, three overload errors allow two
// retries (client backpressure prose test 4 of the adaptive retries
// spec); successes put tokens back, up to the capacity; a retry failing
// with another error puts one back.
func TestTokenBucket(t *testing.T) {
	d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary)
	var log cmdLog
	d.handle(failing(t, &log, 3, func(int) bson.Raw { return errReply(t, 462, overloadLabels...) }))
	var c vclock
	x := overloadExecutor(d, 0, &c)
	x.MaxAdaptiveRetries = 5
	x.RetryTokens = NewTokenBucket()
	x.RetryTokens.SetTokens(2)
	err := x.Execute(context.Background(), simpleOp(t, "find", Read, bson.D{bson.KV("find", "c")}))
	if err == nil || len(log.cmds) != 3 || x.RetryTokens.Tokens() != 0 {
		t.Errorf("%v after %d attempts, %v tokens left; want the overload error after 3 (two tokens spent)", err, len(log.cmds), x.RetryTokens.Tokens())
	}
	if err := x.Execute(context.Background(), simpleOp(t, "ping", Command, bson.D{bson.KV("ping", 1)})); err != nil {
		t.Fatal(err)
	}
	if got := x.RetryTokens.Tokens(); got != 0.1 {
		t.Errorf("a first-attempt success left %v tokens, want 0.1", got)
	}

	b := NewTokenBucket()
	b.deposit(tokenReturn)
	if b.Tokens() != 1000 {
		t.Errorf("a full bucket grew to %v", b.Tokens())
	}
	x.RetryTokens = b
	b.SetTokens(10)
	log = cmdLog{}
	d.handle(failing(t, &log, 2, func(i int) bson.Raw {
		if i == 1 {
			return errReply(t, 462, overloadLabels...)
		}
		return errReply(t, 91, LabelRetryableError) // a retry fails with another error
	}))
	op := simpleOp(t, "find", Read, bson.D{bson.KV("find", "c")})
	op.Retryable = true
	if err := x.Execute(context.Background(), op); err != nil {
		t.Fatal(err)
	}
	// 10 - 1 (retry) + 1 (retry failed, not overloaded) + 1.1 (success on a retry)
	if got := b.Tokens(); got != 11.1 {
		t.Errorf("tokens %v, want 11.1", got)
	}
}
