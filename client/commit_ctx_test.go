package client_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
	"github.com/torque-go/torque/pool"
	"github.com/torque-go/torque/topology"
)

// serverTrouble counts what would say the driver blamed the server: pools
// cleared, servers marked Unknown.
type serverTrouble struct {
	mu              sync.Mutex
	cleared, marked int
}

func (s *serverTrouble) options() client.Options {
	return client.Options{
		PoolMonitor: func(e pool.Event) {
			if e.Type == pool.PoolCleared {
				s.mu.Lock()
				s.cleared++
				s.mu.Unlock()
			}
		},
		SDAMListener: topology.ListenerFunc(func(e topology.Event) {
			if ch, ok := e.(topology.ServerDescriptionChanged); ok && ch.New.Type == topology.ServerUnknown && ch.Previous.Type != topology.ServerUnknown {
				s.mu.Lock()
				s.marked++
				s.mu.Unlock()
			}
		}),
	}
}

func (s *serverTrouble) check(t *testing.T) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cleared != 0 || s.marked != 0 {
		t.Errorf("%d pool clears, %d servers marked Unknown: the caller's context is not the server's failure", s.cleared, s.marked)
	}
}

// A commitTransaction cut short by the caller's context (its reply not
// come yet, or before it was sent) has an unknown outcome: the error
// carries UnknownTransactionCommitResult, is the caller's (errors.Is finds
// the context's error; not a network error), and the server is not
// blamed. Calling CommitTransaction again commits, once.
func TestCommitCutByCallersContext(t *testing.T) {
	ctx := testContext(t)
	rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{})
	var trouble serverTrouble
	c := connect(t, rs.URI(), trouble.options())
	coll := c.Database("db").Collection("coll")
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 0)}); err != nil {
		t.Fatal(err)
	}
	for i, cut := range []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{"deadline while the reply is due", func() (context.Context, context.CancelFunc) {
			rs.FailCommand(rs.Primary(), mongotest.FailPoint{Commands: []string{"commitTransaction"}, BlockTime: time.Second, Times: 1})
			return context.WithTimeout(ctx, 100*time.Millisecond)
		}, context.DeadlineExceeded},
		{"cancelled before it is sent", func() (context.Context, context.CancelFunc) {
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			return cctx, cancel
		}, context.Canceled},
	} {
		s, err := c.StartSession()
		if err != nil {
			t.Fatal(err)
		}
		if err := s.StartTransaction(); err != nil {
			t.Fatal(err)
		}
		id := i + 1
		if _, err := coll.InsertOne(client.WithSession(ctx, s), bson.D{bson.KV("_id", id)}); err != nil {
			t.Fatal(err)
		}
		cctx, cancel := cut.ctx()
		err = s.CommitTransaction(cctx)
		cancel()
		if !client.HasErrorLabel(err, "UnknownTransactionCommitResult") || client.HasErrorLabel(err, "TransientTransactionError") {
			t.Errorf("%s: %v, want UnknownTransactionCommitResult (and not TransientTransactionError)", cut.name, err)
		}
		if !errors.Is(err, cut.want) || client.IsNetworkError(err) {
			t.Errorf("%s: %v, want the caller's %v, not a network error", cut.name, err, cut.want)
		}
		if err := s.CommitTransaction(ctx); err != nil {
			t.Errorf("%s: committing again: %v", cut.name, err)
		}
		s.EndSession(ctx)
		if n, err := coll.CountDocuments(ctx, bson.D{bson.KV("_id", id)}); err != nil || n != 1 {
			t.Errorf("%s: %d documents with _id %d (%v), want 1", cut.name, n, id, err)
		}
	}
	trouble.check(t)
}

// WithTransaction stops retrying a commit once the caller's context has
// ended (it would only fail again at once, for up to 120 seconds). The
// context is cancelled when the commit starts, its reply held back.
func TestWithTransactionStopsWhenTheContextEnds(t *testing.T) {
	ctx := testContext(t)
	rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{})
	var trouble serverTrouble
	var ev csotEvents
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	o := trouble.options()
	record := ev.monitor()
	o.Monitor = client.MonitorFuncs{
		OnStarted: func(e client.CommandStartedEvent) {
			record.Started(e)
			if e.CommandName == "commitTransaction" {
				cancel()
			}
		},
	}
	c := connect(t, rs.URI(), o)
	coll := c.Database("db").Collection("coll")
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 0)}); err != nil {
		t.Fatal(err)
	}
	s, err := c.StartSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.EndSession(ctx)
	rs.FailCommand(rs.Primary(), mongotest.FailPoint{Commands: []string{"commitTransaction"}, BlockTime: time.Second, Times: 1})
	start := time.Now()
	err = s.WithTransaction(cctx, func(ctx context.Context) error {
		_, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1)})
		return err
	})
	if !errors.Is(err, context.Canceled) || !client.HasErrorLabel(err, "UnknownTransactionCommitResult") {
		t.Errorf("WithTransaction = %v, want the commit's cancellation, labelled", err)
	}
	if n := ev.count("commitTransaction", ""); n != 1 {
		t.Errorf("%d commitTransaction commands, want 1", n)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("WithTransaction took %v after its context ended", d)
	}
	trouble.check(t)
}
