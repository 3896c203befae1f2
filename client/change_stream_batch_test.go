package client_test

// ChangeStream.RemainingBatchLength against an in-process mongotest
// replica set: the events left in the batch, and a getMore exactly when
// it is 0.

import (
	"sync/atomic"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

func TestChangeStreamRemainingBatchLength(t *testing.T) {
	ctx := testContext(t)
	rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{})
	var getMores atomic.Int32
	c := connect(t, rs.URI(), client.Options{Monitor: client.MonitorFuncs{OnStarted: func(e client.CommandStartedEvent) {
		if e.CommandName == "getMore" {
			getMores.Add(1)
		}
	}}})
	coll := c.Database("cs").Collection("batch")
	cs, err := coll.Watch(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close(ctx)
	if n := cs.RemainingBatchLength(); n != 0 {
		t.Errorf("RemainingBatchLength of the first (empty) batch = %d, want 0", n)
	}
	docs := []any{bson.D{bson.KV("_id", 1)}, bson.D{bson.KV("_id", 2)}, bson.D{bson.KV("_id", 3)}}
	if _, err := coll.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	cs.SetBatchSize(2)
	// Two batches of the three events: 2, then 1.
	for i, want := range []int{1, 0, 0} {
		before := getMores.Load()
		left := cs.RemainingBatchLength()
		if !cs.Next(ctx) {
			t.Fatalf("Next %d: %v", i, cs.Err())
		}
		if sent := getMores.Load() - before; (left == 0) != (sent > 0) {
			t.Errorf("Next %d with %d events left sent %d getMores", i, left, sent)
		}
		if n := cs.RemainingBatchLength(); n != want {
			t.Errorf("RemainingBatchLength after Next %d = %d, want %d", i, n, want)
		}
		if id := cs.Current.Lookup("documentKey", "_id"); id.String() != []string{"1", "2", "3"}[i] {
			t.Errorf("event %d is for _id %s", i, id)
		}
	}
	if err := cs.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if n := cs.RemainingBatchLength(); n != 0 {
		t.Errorf("RemainingBatchLength after Close = %d, want 0", n)
	}
}
