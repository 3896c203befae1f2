package client_test

import (
	"context"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

// Each operation runs with the timeoutMS of the handle it is called on:
// a collection's overrides its database's, which overrides the client's.
// The maxTimeMS each command carries (what is left of the timeoutMS that
// applies, less the RTT) tells which one was used: the client has 2s, the
// database 30s, the collection 120s, far enough apart for any machine.
func TestEveryOperationUsesItsHandlesTimeout(t *testing.T) {
	ctx := testContext(t)
	srv := mongotest.New(t)
	var ev csotEvents
	c := connect(t, srv.URI(), client.Options{Timeout: 2 * time.Second, Monitor: ev.monitor()})
	dbT, collT := 30*time.Second, 120*time.Second
	db := c.Database("handles", client.CollectionOptions{Timeout: &dbT})
	coll := db.Collection("coll", client.CollectionOptions{Timeout: &collT})
	doc := bson.D{bson.KV("_id", 1), bson.KV("x", 1)}
	byID := bson.D{bson.KV("_id", 1)}
	set := bson.D{bson.KV("$set", bson.D{bson.KV("x", 2)})}
	collOps := []struct {
		cmd string
		run func() error
	}{
		{"insert", func() error { _, err := coll.InsertOne(ctx, doc); return err }},
		{"find", func() error { return coll.FindOne(ctx, byID).Err() }},
		{"find", func() error { cur, err := coll.Find(ctx, byID); closeCursor(ctx, cur); return err }},
		{"aggregate", func() error { cur, err := coll.Aggregate(ctx, bson.A{}); closeCursor(ctx, cur); return err }},
		{"aggregate", func() error { _, err := coll.CountDocuments(ctx, bson.D{}); return err }},
		{"count", func() error { _, err := coll.EstimatedDocumentCount(ctx); return err }},
		{"distinct", func() error { _, err := coll.Distinct(ctx, "x", bson.D{}); return err }},
		{"update", func() error { _, err := coll.UpdateOne(ctx, byID, set); return err }},
		{"findAndModify", func() error { return coll.FindOneAndUpdate(ctx, byID, set).Err() }},
		{"update", func() error {
			_, err := coll.BulkWrite(ctx, []client.WriteModel{client.UpdateOneModel{Filter: byID, Update: set}})
			return err
		}},
		{"createIndexes", func() error {
			_, err := coll.Indexes().CreateOne(ctx, client.IndexModel{Keys: bson.D{bson.KV("x", 1)}})
			return err
		}},
		{"listIndexes", func() error { cur, err := coll.Indexes().List(ctx); closeCursor(ctx, cur); return err }},
		{"dropIndexes", func() error { return coll.Indexes().DropOne(ctx, "x_1") }},
		{"delete", func() error { _, err := coll.DeleteOne(ctx, byID); return err }},
		{"drop", func() error { return coll.Drop(ctx) }},
	}
	for i, op := range collOps {
		checkHandleTimeout(t, &ev, i, op.cmd, op.run, collT, dbT)
	}
	dbOps := []struct {
		cmd string
		run func() error
	}{
		{"ping", func() error { return db.RunCommand(ctx, bson.D{bson.KV("ping", 1)}).Err() }},
		{"create", func() error { return db.CreateCollection(ctx, "other") }},
		{"listCollections", func() error { _, err := db.ListCollectionNames(ctx, bson.D{}); return err }},
		{"dropDatabase", func() error { return db.Drop(ctx) }},
	}
	for i, op := range dbOps {
		checkHandleTimeout(t, &ev, i, op.cmd, op.run, dbT, 2*time.Second)
	}
}

// checkHandleTimeout runs op, whose command cmd must carry a maxTimeMS
// derived from want: above below, at most want.
func checkHandleTimeout(t *testing.T, ev *csotEvents, i int, cmd string, run func() error, want, below time.Duration) {
	t.Helper()
	ev.mu.Lock()
	from := len(ev.cmds)
	ev.mu.Unlock()
	if err := run(); err != nil {
		t.Fatalf("%d (%s): %v", i, cmd, err)
	}
	ev.mu.Lock()
	defer ev.mu.Unlock()
	for j := from; j < len(ev.cmds); j++ {
		if ev.started[j] != cmd {
			continue
		}
		ms, ok := ev.cmds[j].Lookup("maxTimeMS").AsInt64()
		if !ok || ms <= below.Milliseconds() || ms > want.Milliseconds() {
			t.Errorf("%d (%s): maxTimeMS %d (present %v), want one from the handle's %v (above %v)", i, cmd, ms, ok, want, below)
		}
		return
	}
	t.Errorf("%d: no %s command among %q", i, cmd, ev.started[from:])
}

func closeCursor(ctx context.Context, cur *client.Cursor) {
	if cur != nil {
		_ = cur.Close(ctx)
	}
}
