package client_test

import (
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/leakcheck"
	"github.com/torque-go/torque/mongotest"
	"github.com/torque-go/torque/pool"
)

// poolTrace records a client's CMAP events in order, for the tests that
// follow one connection through them.
type poolTrace struct {
	mu     sync.Mutex
	events []pool.Event
}

func (l *poolTrace) monitor(e pool.Event) {
	e.Err = nil
	l.mu.Lock()
	l.events = append(l.events, e)
	l.mu.Unlock()
}

// of returns the types of the events of connection id, in order.
func (l *poolTrace) of(id int64) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, e := range l.events {
		if e.ConnectionID == id && e.Type != pool.ConnectionCheckOutStarted {
			out = append(out, e.Type.String())
		}
	}
	return out
}

// closedReason is the reason of connection id's ConnectionClosed event.
func (l *poolTrace) closedReason(id int64) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range l.events {
		if e.ConnectionID == id && e.Type == pool.ConnectionClosed {
			return e.Reason
		}
	}
	return ""
}

// clearedService reports a ConnectionPoolCleared event for a serviceId.
func (l *poolTrace) clearedService() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range l.events {
		if e.Type == pool.PoolCleared && e.ServiceID != nil {
			return true
		}
	}
	return false
}

// checkedOut counts the connections checked out and not checked in.
func (l *poolTrace) checkedOut() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, e := range l.events {
		switch e.Type {
		case pool.ConnectionCheckedOut:
			n++
		case pool.ConnectionCheckedIn:
			n--
		}
	}
	return n
}

// connNumber is the pool's id of a command event's connection ("host:port#7").
func connNumber(t *testing.T, connID string) int64 {
	t.Helper()
	_, n, _ := strings.Cut(connID, "#")
	id, err := strconv.ParseInt(n, 10, 64)
	if err != nil {
		t.Fatalf("connection id %q: %v", connID, err)
	}
	return id
}

// TestLoadBalancedWatchResumeAfterNetworkError (mongotest's load balancer
// in front of two mongoses): a change stream's cursor keeps the connection
// that opened it; a getMore that fails with a network error leaves that
// connection pinned to the old cursor, which the resume closes without a
// killCursors (the connection is no longer valid, load-balancers
// specification) and gives back to the pool, which closes it for the
// error. The resume's aggregate and the getMores after it run on another
// connection, and no connection or goroutine is left over.
func TestLoadBalancedWatchResumeAfterNetworkError(t *testing.T) {
	leakcheck.Check(t)
	rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{LoadBalanced: true, LoadBalancedServices: 2})
	started := &startedLog{}
	trace := &poolTrace{}
	c := connect(t, rs.LoadBalancerURI(), client.Options{Monitor: started.monitor(), PoolMonitor: trace.monitor})
	ctx := ctxT(t)
	coll := c.Database("test").Collection("c")
	cs, err := coll.Watch(ctx, nil, client.ChangeStreamOptions{MaxAwaitTime: 10e6})
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close(ctx)
	first := connNumber(t, started.named("aggregate")[0].ConnectionID)

	rs.FailCommandLoadBalanced(mongotest.FailPoint{Times: 1, Commands: []string{"getMore"}, CloseConnection: true})
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	if !cs.Next(ctx) {
		t.Fatalf("Next after the getMore's network error: %v (want the event, after a resume)", cs.Err())
	}
	if cs.Resumes() != 1 {
		t.Errorf("%d resumes, want 1", cs.Resumes())
	}
	if k := started.named("killCursors"); len(k) != 0 {
		t.Errorf("the resume sent killCursors (on %s) for the cursor whose connection broke", k[0].ConnectionID)
	}
	gm := started.named("getMore")
	if len(gm) == 0 || connNumber(t, gm[0].ConnectionID) != first {
		t.Fatalf("getMores %v: want the first on the aggregate's connection #%d", gm, first)
	}
	aggs := started.named("aggregate")
	if len(aggs) != 2 {
		t.Fatalf("%d aggregates, want 2 (the resume's)", len(aggs))
	}
	second := connNumber(t, aggs[1].ConnectionID)
	if second == first {
		t.Fatalf("the resume's aggregate ran on the broken connection #%d", first)
	}
	for _, e := range gm[1:] {
		if n := connNumber(t, e.ConnectionID); n != second {
			t.Errorf("a getMore after the resume ran on connection #%d, want the resumed cursor's #%d", n, second)
		}
	}
	want := "ConnectionCreated ConnectionReady ConnectionCheckedOut ConnectionCheckedIn ConnectionClosed"
	if got := strings.Join(trace.of(first), " "); got != want {
		t.Errorf("events of the broken connection #%d:\n got %s\nwant %s", first, got, want)
	}
	if r := trace.closedReason(first); r != pool.ReasonError {
		t.Errorf("the broken connection #%d closed for %q, want %q", first, r, pool.ReasonError)
	}
	if !trace.clearedService() {
		t.Error("no ConnectionPoolCleared event for the broken connection's serviceId")
	}
	if n := trace.checkedOut(); n != 1 {
		t.Errorf("%d connections checked out, want 1 (the resumed cursor's)", n)
	}
	if err := cs.Close(ctx); err != nil {
		t.Errorf("Close: %v", err)
	}
	if n := trace.checkedOut(); n != 0 {
		t.Errorf("%d connections checked out after Close, want 0", n)
	}
}
