package client_test

// ChangeStream.SetMaxAwaitTime and SetBatchSize, on a mongotest replica
// set (change streams need one).

import (
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

func TestChangeStreamSetMaxAwaitTimeAndBatchSize(t *testing.T) {
	ctx := testContext(t)
	var ev events
	rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{})
	coll := connect(t, rs.URI(), client.Options{Monitor: ev.monitor()}).Database("test").Collection("c")
	cs, err := coll.Watch(ctx, nil, client.ChangeStreamOptions{MaxAwaitTime: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close(ctx)
	cs.SetMaxAwaitTime(20 * time.Millisecond)
	cs.SetBatchSize(7)
	if cs.TryNext(ctx) {
		t.Fatal("an event on an empty collection")
	}
	if err := cs.Err(); err != nil {
		t.Fatal(err)
	}
	gm := ev.sent("getMore")
	if len(gm) != 1 {
		t.Fatalf("%d getMores, want 1", len(gm))
	}
	if got := gm[0].Lookup("maxTimeMS").String() + " " + gm[0].Lookup("batchSize").String(); got != "20 7" {
		t.Errorf("getMore maxTimeMS, batchSize = %s, want 20 7", got)
	}
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	if !cs.Next(ctx) {
		t.Fatalf("no event after an insert: %v", cs.Err())
	}
}
