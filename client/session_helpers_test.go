package client_test

// UseSession, NumberSessionsInProgress, SessionOptions.SnapshotTime and
// causal consistency across two clients (ClusterTime/OperationTime
// passed by hand), against mongotest: a standalone server for the
// helpers, a replica set for snapshot reads, and a replica set whose
// secondaries lag for causal consistency.

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

func TestUseSession(t *testing.T) {
	ctx := testContext(t)
	coll, ev := mongotestColl(t, 0)
	c := coll.Database().Client()
	var lsid bson.Raw
	err := c.UseSession(ctx, func(sctx context.Context, s *client.Session) error {
		if _, err := coll.InsertOne(sctx, bson.D{bson.KV("_id", 1)}); err != nil {
			return err
		}
		lsid = s.ID()
		if n := c.NumberSessionsInProgress(); n != 1 {
			t.Errorf("NumberSessionsInProgress inside UseSession = %d, want 1", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sent := ev.sent("insert")
	if len(sent) != 1 || lsid == nil || !bsonEqual(sent[0].Lookup("lsid"), lsid) {
		t.Errorf("the insert did not run in the session: lsid %v, sent %v", lsid, sent)
	}
	if n := c.NumberSessionsInProgress(); n != 0 {
		t.Errorf("NumberSessionsInProgress after UseSession = %d, want 0: the session was not ended", n)
	}
	boom := errors.New("boom")
	if err := c.UseSession(ctx, func(context.Context, *client.Session) error { return boom }); err != boom {
		t.Errorf("UseSession returned %v, want fn's error", err)
	}
	if err := c.UseSession(ctx, func(context.Context, *client.Session) error { return nil },
		client.SessionOptions{Snapshot: true, CausalConsistency: new(bool)}, client.SessionOptions{}); err == nil {
		t.Error("two SessionOptions: no error")
	}
}

func bsonEqual(v bson.RawValue, doc bson.Raw) bool {
	d, ok := v.Document()
	return ok && d.String() == doc.String()
}

// A snapshot session started at another's SnapshotTime reads what that
// one read, not the writes made since.
func TestSessionSnapshotTime(t *testing.T) {
	ctx := testContext(t)
	var ev events
	rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{})
	c := connect(t, rs.URI(), client.Options{Monitor: ev.monitor()})
	coll := c.Database("test").Collection("c", client.CollectionOptions{WriteConcern: &client.WriteConcern{W: "majority"}})
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	first := startSession(t, c, client.SessionOptions{Snapshot: true})
	if n, err := coll.CountDocuments(client.WithSession(ctx, first), bson.D{}); err != nil || n != 1 {
		t.Fatalf("first snapshot read: %d, %v", n, err)
	}
	at, ok := first.SnapshotTime()
	if !ok {
		t.Fatal("no SnapshotTime after a snapshot read")
	}
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 2)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.StartSession(client.SessionOptions{SnapshotTime: &at}); err == nil {
		t.Error("SnapshotTime without Snapshot: no error")
	}
	second := startSession(t, c, client.SessionOptions{Snapshot: true, SnapshotTime: &at})
	if got, ok := second.SnapshotTime(); !ok || got != at {
		t.Errorf("second.SnapshotTime() = %v %v, want %v before any read", got, ok, at)
	}
	if n, err := coll.CountDocuments(client.WithSession(ctx, second), bson.D{}); err != nil || n != 1 {
		t.Errorf("read at the first session's snapshot time: %d documents (%v), want 1", n, err)
	}
	aggs := ev.sent("aggregate")
	last := aggs[len(aggs)-1]
	if tt, i, ok := last.Lookup("readConcern", "atClusterTime").Timestamp(); !ok || (bson.Timestamp{T: tt, I: i}) != at {
		t.Errorf("the second session's first read sent %v, want atClusterTime %v", last.Lookup("readConcern"), at)
	}
	if n, err := coll.CountDocuments(ctx, bson.D{}); err != nil || n != 2 {
		t.Errorf("a read outside the snapshot: %d (%v), want 2", n, err)
	}
}

// Causal consistency across clients: client B's session, advanced to
// client A's session's cluster and operation times, reads A's write from
// a lagging secondary; its read carries A's operation time as
// afterClusterTime.
func TestCausalConsistencyAcrossClients(t *testing.T) {
	ctx := testContext(t)
	const lag = 3 * time.Second
	rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{Members: 3, Lag: lag})
	a := connect(t, rs.URI())
	var ev events
	b := connect(t, rs.URI(), client.Options{Monitor: ev.monitor()})
	sa := startSession(t, a)
	notes := a.Database("app").Collection("notes")
	if _, err := notes.InsertOne(client.WithSession(ctx, sa), bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	opTime, ok := sa.OperationTime()
	if !ok || sa.ClusterTime() == nil {
		t.Fatalf("session A has no operation time (%v) or cluster time (%v) after a write", ok, sa.ClusterTime())
	}
	secondary := client.ReadPref{Mode: client.Secondary}
	fromB := b.Database("app").Collection("notes", client.CollectionOptions{ReadPreference: &secondary})
	if n, err := fromB.CountDocuments(ctx, bson.D{}); err != nil || n != 0 {
		t.Logf("control read without the session: %d notes (%v); 0 expected unless the machine took over %v", n, err, lag)
	}
	sb := startSession(t, b)
	if err := sb.AdvanceClusterTime(sa.ClusterTime()); err != nil {
		t.Fatal(err)
	}
	sb.AdvanceOperationTime(opTime)
	if err := sb.AdvanceClusterTime(bson.Raw{5, 0, 0, 0, 0}); err == nil {
		t.Error("AdvanceClusterTime({}): no error")
	}
	if n, err := fromB.CountDocuments(client.WithSession(ctx, sb), bson.D{}); err != nil || n != 1 {
		t.Errorf("client B's causally consistent read: %d notes (%v), want 1", n, err)
	}
	aggs := ev.sent("aggregate")
	last := aggs[len(aggs)-1]
	if tt, i, ok := last.Lookup("readConcern", "afterClusterTime").Timestamp(); !ok || (bson.Timestamp{T: tt, I: i}) != opTime {
		t.Errorf("client B's read sent readConcern %v, want afterClusterTime %v", last.Lookup("readConcern"), opTime)
	}
	gt, gi, _ := last.Lookup("$clusterTime", "clusterTime").Timestamp()
	at, ai, ok := sa.ClusterTime().Lookup("clusterTime").Timestamp()
	if !ok || gt < at || gt == at && gi < ai {
		t.Errorf("client B's read gossiped $clusterTime %v, want at least A's %s", last.Lookup("$clusterTime"), sa.ClusterTime())
	}
}
