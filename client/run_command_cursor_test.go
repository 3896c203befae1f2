package client_test

// Database.RunCommandCursor and the Cursor's batch methods
// (RemainingBatchLength, SetBatchSize, SetMaxAwaitTime), against an
// in-process mongotest server; the commands sent are read from the
// client's CommandMonitor.

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

// mongotestColl connects to a fresh mongotest server, recording the
// commands sent, and returns test.c holding {_id: 1..n}.
func mongotestColl(t *testing.T, n int) (*client.Collection, *events) {
	t.Helper()
	var ev events
	c := connect(t, mongotest.New(t).URI(), client.Options{Monitor: ev.monitor()})
	coll := c.Database("test").Collection("c")
	if n > 0 {
		docs := make([]any, n)
		for i := range docs {
			docs[i] = bson.D{bson.KV("_id", i+1)}
		}
		if _, err := coll.InsertMany(testContext(t), docs); err != nil {
			t.Fatal(err)
		}
	}
	return coll, &ev
}

// sent returns the commands named name that the client sent.
func (e *events) sent(name string) []bson.Raw {
	var out []bson.Raw
	for _, s := range e.started {
		if s.CommandName == name {
			out = append(out, s.Command)
		}
	}
	return out
}

func TestRunCommandCursor(t *testing.T) {
	ctx := testContext(t)
	coll, ev := mongotestColl(t, 5)
	db := coll.Database()
	cur, err := db.RunCommandCursor(ctx, bson.D{bson.KV("find", "c"), bson.KV("batchSize", 2)},
		client.RunCommandCursorOptions{BatchSize: 3, MaxAwaitTime: 250 * time.Millisecond, Comment: "more"})
	if err != nil {
		t.Fatal(err)
	}
	defer cur.Close(ctx)
	if n := cur.RemainingBatchLength(); n != 2 {
		t.Errorf("RemainingBatchLength before Next = %d, want 2", n)
	}
	if !cur.Next(ctx) {
		t.Fatal(cur.Err())
	}
	if n := cur.RemainingBatchLength(); n != 1 {
		t.Errorf("RemainingBatchLength after one Next = %d, want 1", n)
	}
	var ids []int64
	for ok := true; ok; ok = cur.Next(ctx) {
		id, _ := cur.Current.Lookup("_id").AsInt64()
		ids = append(ids, id)
	}
	if err := cur.Err(); err != nil {
		t.Fatal(err)
	}
	if len(ids) != 5 || ids[4] != 5 {
		t.Errorf("documents = %v, want _id 1..5", ids)
	}
	gm := ev.sent("getMore")
	if len(gm) != 1 {
		t.Fatalf("%d getMores, want 1 (5 documents: 2 + 3)", len(gm))
	}
	for k, want := range map[string]string{"batchSize": "3", "maxTimeMS": "250", "comment": `"more"`} {
		if got := gm[0].Lookup(k).String(); got != want {
			t.Errorf("getMore %s = %s, want %s", k, got, want)
		}
	}
	if f := ev.sent("find"); len(f) != 1 || f[0].Lookup("batchSize").String() != "2" {
		t.Errorf("find sent as %v: the command must go as given", f)
	}
}

// A command whose reply is no cursor is an error of the client's, not
// the server's; a nil or empty command fails before anything is sent.
func TestRunCommandCursorNeedsACursorReply(t *testing.T) {
	ctx := testContext(t)
	coll, ev := mongotestColl(t, 0)
	_, err := coll.Database().RunCommandCursor(ctx, bson.D{bson.KV("ping", 1)})
	if err == nil || !strings.Contains(err.Error(), "no cursor document") {
		t.Errorf("ping: err = %v, want a client error about the missing cursor", err)
	}
	var ce *client.CommandError
	if errors.As(err, &ce) {
		t.Errorf("ping: a *CommandError %v, want a client error", ce)
	}
	n := len(ev.started)
	for _, cmd := range []any{nil, bson.D{}, bson.M{"find": "c", "limit": 1}} {
		if _, err := coll.Database().RunCommandCursor(ctx, cmd); err == nil {
			t.Errorf("RunCommandCursor(%v): no error", cmd)
		}
	}
	if len(ev.started) != n {
		t.Errorf("bad commands were sent: %d commands", len(ev.started)-n)
	}
}

// SetBatchSize, SetMaxAwaitTime and SetComment change the getMores that follow; the
// cursor and its implicit session count in NumberSessionsInProgress
// until it is closed.
func TestCursorSetBatchSizeAndMaxAwaitTime(t *testing.T) {
	ctx := testContext(t)
	coll, ev := mongotestColl(t, 6)
	c := coll.Database().Client()
	cur, err := coll.Find(ctx, bson.D{}, client.FindOptions{BatchSize: 1, Sort: bson.D{bson.KV("_id", 1)}})
	if err != nil {
		t.Fatal(err)
	}
	if n := c.NumberSessionsInProgress(); n != 1 {
		t.Errorf("NumberSessionsInProgress with an open cursor = %d, want 1", n)
	}
	cur.Next(ctx) // from the first batch
	cur.SetBatchSize(2)
	cur.SetMaxAwaitTime(time.Second)
	cur.Next(ctx) // getMore
	if n := cur.RemainingBatchLength(); n != 1 {
		t.Errorf("RemainingBatchLength = %d after a getMore of 2 and one Next, want 1", n)
	}
	cur.SetBatchSize(0)
	cur.SetMaxAwaitTime(0)
	cur.SetComment(bson.D{bson.KV("why", "test")})
	cur.Next(ctx)
	cur.Next(ctx) // getMore, default size: the rest
	if err := cur.Close(ctx); err != nil {
		t.Fatal(err)
	}
	gm := ev.sent("getMore")
	if len(gm) != 2 {
		t.Fatalf("%d getMores, want 2", len(gm))
	}
	if got := gm[0].Lookup("batchSize").String() + " " + gm[0].Lookup("maxTimeMS").String(); got != "2 1000" {
		t.Errorf("first getMore batchSize, maxTimeMS = %s, want 2 1000", got)
	}
	if !gm[1].Lookup("batchSize").IsZero() || !gm[1].Lookup("maxTimeMS").IsZero() ||
		gm[1].Lookup("comment").String() != `{"why":"test"}` {
		t.Errorf("second getMore = %v: batchSize and maxTimeMS should be gone, the comment set", gm[1])
	}
	if n := c.NumberSessionsInProgress(); n != 0 {
		t.Errorf("NumberSessionsInProgress after Close = %d, want 0", n)
	}
}
