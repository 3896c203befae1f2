package client_test

import (
	"sync"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
	"github.com/torque-go/torque/pool"
)

// poolLog counts a client's checked-out connections and keeps the
// ConnectionClosed reasons.
type poolLog struct {
	mu     sync.Mutex
	out    int
	closed []string
}

func (l *poolLog) monitor(e pool.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch e.Type {
	case pool.ConnectionCheckedOut:
		l.out++
	case pool.ConnectionCheckedIn:
		l.out--
	case pool.ConnectionClosed:
		l.closed = append(l.closed, e.Reason)
	}
}

func (l *poolLog) state() (out int, closed []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.out, append([]string(nil), l.closed...)
}

// TestLoadBalancedCursorKeepsBrokenConnection: behind a load balancer, a
// getMore that fails with a network error leaves the connection pinned to
// the cursor, checked out, until the cursor is closed; Close sends no
// killCursors and gives it back, and the pool closes it (reason "error"),
// as the load-balancers specification says.
func TestLoadBalancedCursorKeepsBrokenConnection(t *testing.T) {
	rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{LoadBalanced: true, LoadBalancedServices: 2})
	started := &startedLog{}
	plog := &poolLog{}
	c := connect(t, rs.LoadBalancerURI(), client.Options{Monitor: started.monitor(), PoolMonitor: plog.monitor})
	ctx := ctxT(t)
	coll := c.Database("test").Collection("c")
	for i := range 5 {
		if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", i)}); err != nil {
			t.Fatal(err)
		}
	}
	cur, err := coll.Find(ctx, bson.D{}, client.FindOptions{BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	rs.FailCommandLoadBalanced(mongotest.FailPoint{Times: 1, Commands: []string{"getMore"}, CloseConnection: true})
	n := 0
	for cur.Next(ctx) {
		n++
	}
	if n != 2 || !client.IsNetworkError(cur.Err()) {
		t.Fatalf("read %d documents, then %v: want 2, then a network error", n, cur.Err())
	}
	if out, _ := plog.state(); out != 1 {
		t.Errorf("%d connections checked out after the getMore's network error, want 1 (pinned to the cursor until Close)", out)
	}
	if err := cur.Close(ctx); err != nil {
		t.Errorf("Close: %v", err)
	}
	out, closed := plog.state()
	if out != 0 || len(closed) != 1 || closed[0] != pool.ReasonError {
		t.Errorf("after Close: %d checked out, closed %v; want 0 and one closed for an error", out, closed)
	}
	if k := started.named("killCursors"); len(k) != 0 {
		t.Errorf("Close sent killCursors on the broken connection: %d", len(k))
	}
}
