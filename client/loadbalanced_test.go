package client_test

import (
	"sync"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

// startedLog records the CommandStarted events of a client.
type startedLog struct {
	mu     sync.Mutex
	events []client.CommandStartedEvent
}

func (l *startedLog) monitor() client.CommandMonitor {
	return client.MonitorFuncs{OnStarted: func(e client.CommandStartedEvent) {
		e.Command = nil // valid only during the call
		l.mu.Lock()
		l.events = append(l.events, e)
		l.mu.Unlock()
	}}
}

func (l *startedLog) named(name string) []client.CommandStartedEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []client.CommandStartedEvent
	for _, e := range l.events {
		if e.CommandName == name {
			out = append(out, e)
		}
	}
	return out
}

// TestLoadBalancedTransactionPinsConnection: behind a load balancer every
// command of a transaction goes on the connection of its first (another
// connection might reach another mongos), which no other operation gets
// meanwhile; command events carry the connection's serviceId.
func TestLoadBalancedTransactionPinsConnection(t *testing.T) {
	rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{LoadBalanced: true})
	log := &startedLog{}
	c := connect(t, rs.LoadBalancerURI(), client.Options{Monitor: log.monitor()})
	ctx := ctxT(t)
	coll := c.Database("test").Collection("c")
	s, err := c.StartSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.EndSession(ctx)
	if err := s.StartTransaction(); err != nil {
		t.Fatal(err)
	}
	sctx := client.WithSession(ctx, s)
	for i := range 2 {
		if _, err := coll.InsertOne(sctx, bson.D{bson.KV("_id", i)}); err != nil {
			t.Fatal(err)
		}
		// Outside the transaction: another connection, the pinned one
		// is not in the pool.
		if _, err := coll.CountDocuments(ctx, bson.D{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CommitTransaction(ctx); err != nil {
		t.Fatal(err)
	}
	inserts, commits, counts := log.named("insert"), log.named("commitTransaction"), log.named("aggregate")
	if len(inserts) != 2 || len(commits) != 1 || len(counts) != 2 {
		t.Fatalf("%d inserts, %d commits, %d counts; want 2, 1, 2", len(inserts), len(commits), len(counts))
	}
	pinned := inserts[0].ConnectionID
	if inserts[1].ConnectionID != pinned || commits[0].ConnectionID != pinned {
		t.Errorf("transaction on connections %s, %s, %s: want one", pinned, inserts[1].ConnectionID, commits[0].ConnectionID)
	}
	for _, e := range counts {
		if e.ConnectionID == pinned {
			t.Errorf("an operation outside the transaction got its pinned connection %s", pinned)
		}
	}
	for _, e := range append(inserts, counts...) {
		if e.ServiceID == nil || e.ServiceID.IsZero() {
			t.Errorf("%s event without a serviceId", e.CommandName)
		}
	}
	if addr, ok := s.PinnedServer(); !ok || "mongodb://"+addr+"/?loadBalanced=true" != rs.LoadBalancerURI() {
		t.Errorf("PinnedServer %q %v after commit: want the load balancer until the next transaction", addr, ok)
	}
}
