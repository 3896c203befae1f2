package client_test

// The causal consistency specification's prose tests (1-9, 11-13),
// against internal/mockserver: FerretDB has no cluster times
// (operationTime, $clusterTime), so it cannot run them. The mock answers
// aggregate and distinct with CommandNotFound: those reads still show
// what the driver sends, which is what the tests check; so does
// findAndModify, which the mock's store does not support.

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/mockserver"
)

// causalOp is one operation of the prose tests, run with ctx (which
// carries the session); its error is ignored when the mock cannot answer.
type causalOp struct {
	name    string // the command it sends
	run     func(ctx context.Context, coll *client.Collection) error
	mockErr bool // the mock answers it with an error (CommandNotFound)
}

var causalReads = []causalOp{
	{"find", func(ctx context.Context, c *client.Collection) error {
		cur, err := c.Find(ctx, bson.D{})
		if err == nil {
			err = cur.Close(ctx)
		}
		return err
	}, false},
	{"aggregate", func(ctx context.Context, c *client.Collection) error {
		_, err := c.Aggregate(ctx, bson.A{})
		return err
	}, true},
	{"distinct", func(ctx context.Context, c *client.Collection) error {
		_, err := c.Distinct(ctx, "a", bson.D{})
		return err
	}, true},
	{"count", func(ctx context.Context, c *client.Collection) error {
		_, err := c.EstimatedDocumentCount(ctx)
		return err
	}, false},
}

var causalWrites = []causalOp{
	{"insert", func(ctx context.Context, c *client.Collection) error {
		_, err := c.InsertOne(ctx, bson.D{bson.KV("_id", 2)})
		return err
	}, false},
	{"insert", func(ctx context.Context, c *client.Collection) error {
		_, err := c.InsertMany(ctx, []any{bson.D{bson.KV("_id", 3)}, bson.D{bson.KV("_id", 4)}})
		return err
	}, false},
	{"update", func(ctx context.Context, c *client.Collection) error {
		_, err := c.UpdateOne(ctx, bson.D{bson.KV("_id", 1)}, bson.D{bson.KV("$set", bson.D{bson.KV("a", 1)})})
		return err
	}, false},
	{"update", func(ctx context.Context, c *client.Collection) error {
		_, err := c.ReplaceOne(ctx, bson.D{bson.KV("_id", 1)}, bson.D{bson.KV("a", 2)})
		return err
	}, false},
	{"delete", func(ctx context.Context, c *client.Collection) error {
		_, err := c.DeleteMany(ctx, bson.D{bson.KV("_id", 1)})
		return err
	}, false},
	{"findAndModify", func(ctx context.Context, c *client.Collection) error {
		err := c.FindOneAndDelete(ctx, bson.D{bson.KV("_id", 1)}).Err()
		if errors.Is(err, client.ErrNoDocuments) {
			err = nil
		}
		return err
	}, true}, // the mock answers CommandNotSupported
	{"insert", func(ctx context.Context, c *client.Collection) error { // a duplicate key: an error reply
		_, err := c.InsertOne(ctx, bson.D{bson.KV("_id", 1)})
		return err
	}, true},
}

// causalSetup is a mock primary holding {_id: 1} in test.c, and a
// session on it.
func causalSetup(t *testing.T, role mockserver.Role, opts ...client.SessionOptions) (*mockserver.Server, *client.Collection, *client.Session, *replies) {
	h := mockserver.Hello{Role: role}
	if role == mockserver.Primary {
		h.SetName = "rs0"
	}
	srv := mockserver.New(t, mockserver.Options{Hello: h})
	if err := srv.Store().Insert("test.c", mockserver.Doc(bson.KV("_id", 1))); err != nil {
		t.Fatal(err)
	}
	var rec replies
	c := connect(t, srv.URI(), client.Options{Monitor: rec.monitor()})
	return srv, c.Database("test").Collection("c"), startSession(t, c, opts...), &rec
}

// lastNamed is the last recorded command called name.
func lastNamed(t *testing.T, srv *mockserver.Server, name string) *mockserver.Request {
	t.Helper()
	rs := srv.CommandsNamed(name)
	if len(rs) == 0 {
		t.Fatalf("no %s sent", name)
	}
	return rs[len(rs)-1]
}

// Prose test 1.
func TestCausalNewSessionHasNoOperationTime(t *testing.T) {
	_, _, sess, _ := causalSetup(t, mockserver.Primary)
	if ts, ok := sess.OperationTime(); ok {
		t.Errorf("a new session has operationTime %v", ts)
	}
}

// Prose tests 2 and 4 (with 8: the default read concern sends no level).
func TestCausalReadAfterRead(t *testing.T) {
	for _, op := range causalReads {
		t.Run(op.name, func(t *testing.T) {
			srv, coll, sess, _ := causalSetup(t, mockserver.Primary)
			ctx := client.WithSession(ctxT(t), sess)
			if err := op.run(ctx, coll); (err != nil) != op.mockErr {
				t.Fatalf("first %s: %v", op.name, err)
			}
			if rc := lastNamed(t, srv, op.name).Lookup("readConcern"); !rc.IsZero() {
				t.Errorf("the first read carries readConcern %s", rc)
			}
			if err := coll.FindOne(ctx, bson.D{}).Err(); err != nil {
				t.Fatal(err)
			}
			ot, _ := sess.OperationTime()
			_ = op.run(ctx, coll)
			cmd := lastNamed(t, srv, op.name)
			if got := timestampOf(t, cmd.Lookup("readConcern", "afterClusterTime"), op.name+" afterClusterTime"); got != ot {
				t.Errorf("%s afterClusterTime %v, want the findOne's operationTime %v", op.name, got, ot)
			}
			if !cmd.Lookup("readConcern", "level").IsZero() {
				t.Errorf("default read concern sent a level: %s", cmd.Lookup("readConcern"))
			}
		})
	}
}

// Prose tests 3 and 5: the first operation, a write (also one that
// fails), sets operationTime, which the next read waits for.
func TestCausalReadAfterWrite(t *testing.T) {
	for i, op := range causalWrites {
		t.Run(op.name, func(t *testing.T) {
			srv, coll, sess, rec := causalSetup(t, mockserver.Primary)
			ctx := client.WithSession(ctxT(t), sess)
			if err := op.run(ctx, coll); (err != nil) != op.mockErr {
				t.Fatalf("write %d (%s): %v", i, op.name, err)
			}
			ot, ok := sess.OperationTime()
			if !ok {
				t.Fatal("no operationTime after the first write")
			}
			if rs := rec.of(op.name); len(rs) > 0 {
				if want := timestampOf(t, rs[len(rs)-1].Lookup("operationTime"), "reply operationTime"); want != ot {
					t.Errorf("session operationTime %v, the reply's %v", ot, want)
				}
			}
			if err := coll.FindOne(ctx, bson.D{}).Err(); err != nil && !errors.Is(err, client.ErrNoDocuments) {
				t.Fatal(err)
			}
			if got := timestampOf(t, lastNamed(t, srv, "find").Lookup("readConcern", "afterClusterTime"), "afterClusterTime"); got != ot {
				t.Errorf("find afterClusterTime %v, want the write's operationTime %v", got, ot)
			}
		})
	}
}

// Prose test 13: a findOne, then each write waits for it.
func TestCausalWriteAfterRead(t *testing.T) {
	for i, op := range causalWrites[:len(causalWrites)-1] {
		t.Run(op.name, func(t *testing.T) {
			srv, coll, sess, _ := causalSetup(t, mockserver.Primary)
			ctx := client.WithSession(ctxT(t), sess)
			if err := coll.FindOne(ctx, bson.D{}).Err(); err != nil {
				t.Fatal(err)
			}
			ot, _ := sess.OperationTime()
			if err := op.run(ctx, coll); (err != nil) != op.mockErr {
				t.Fatalf("write %d: %v", i, err)
			}
			if got := timestampOf(t, lastNamed(t, srv, op.name).Lookup("readConcern", "afterClusterTime"), "afterClusterTime"); got != ot {
				t.Errorf("%s afterClusterTime %v, want %v", op.name, got, ot)
			}
		})
	}
}

// Prose test 9: a custom read concern is merged with afterClusterTime.
func TestCausalCustomReadConcern(t *testing.T) {
	srv, coll, sess, _ := causalSetup(t, mockserver.Primary)
	coll = coll.WithOptions(client.CollectionOptions{ReadConcern: &client.ReadConcern{Level: "majority"}})
	ctx := client.WithSession(ctxT(t), sess)
	if err := coll.FindOne(ctx, bson.D{}).Err(); err != nil {
		t.Fatal(err)
	}
	ot, _ := sess.OperationTime()
	if err := coll.FindOne(ctx, bson.D{}).Err(); err != nil {
		t.Fatal(err)
	}
	cmd := lastNamed(t, srv, "find")
	if lvl, _ := cmd.Lookup("readConcern", "level").StringValue(); lvl != "majority" {
		t.Errorf("readConcern %s, want level majority", cmd.Lookup("readConcern"))
	}
	if got := timestampOf(t, cmd.Lookup("readConcern", "afterClusterTime"), "afterClusterTime"); got != ot {
		t.Errorf("afterClusterTime %v, want %v", got, ot)
	}
}

// Prose tests 7 and 11: a deployment without cluster times (a
// standalone) gets neither afterClusterTime nor $clusterTime; test 12:
// a replica set gets $clusterTime.
func TestCausalClusterTimeSupport(t *testing.T) {
	srv, coll, sess, _ := causalSetup(t, mockserver.Standalone)
	ctx := client.WithSession(ctxT(t), sess)
	for i := 0; i < 2; i++ {
		if err := coll.FindOne(ctx, bson.D{}).Err(); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range srv.CommandsNamed("find") {
		if !f.Lookup("readConcern", "afterClusterTime").IsZero() || !f.Lookup("$clusterTime").IsZero() {
			t.Errorf("a standalone got cluster times: %s", f.Command)
		}
	}
	rs, rsColl, _, _ := causalSetup(t, mockserver.Primary)
	for i := 0; i < 2; i++ {
		if err := rsColl.FindOne(ctxT(t), bson.D{}).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if lastNamed(t, rs, "find").Lookup("$clusterTime").IsZero() {
		t.Error("a replica set member got no $clusterTime")
	}
}

// TestCausalConsistencyReadAfterWrite: in one session, the read after a
// write carries afterClusterTime, the write's operationTime.
func TestCausalConsistencyReadAfterWrite(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	var rec replies
	c := connect(t, srv.URI(), client.Options{Monitor: rec.monitor()})
	sess := startSession(t, c)
	ctx := client.WithSession(ctxT(t), sess)
	coll := c.Database("test").Collection("c")
	if err := coll.FindOne(ctx, bson.D{}).Err(); !errors.Is(err, client.ErrNoDocuments) {
		t.Fatal(err)
	}
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	if err := coll.FindOne(ctx, bson.D{bson.KV("_id", 1)}).Err(); err != nil {
		t.Fatal(err)
	}
	finds := srv.CommandsNamed("find")
	if !finds[0].Lookup("readConcern", "afterClusterTime").IsZero() {
		t.Errorf("the session's first read carries afterClusterTime: %s", finds[0].Command)
	}
	insertReply := rec.of("insert")[0]
	want := timestampOf(t, insertReply.Lookup("operationTime"), "the insert's operationTime")
	got := timestampOf(t, finds[1].Lookup("readConcern", "afterClusterTime"), "the read's afterClusterTime")
	if got != want {
		t.Errorf("afterClusterTime %v, want the write's operationTime %v", got, want)
	}
	if ot, ok := sess.OperationTime(); !ok || ot.T < want.T || ot.T == want.T && ot.I < want.I {
		t.Errorf("session OperationTime %v, %v: behind the write's %v", ot, ok, want)
	}
	// Writes wait for the session's earlier operations too (the
	// causal-consistency write-commands tests): afterClusterTime, no level.
	ins := srv.CommandsNamed("insert")[0]
	findTime := timestampOf(t, rec.of("find")[0].Lookup("operationTime"), "the first find's operationTime")
	if got := timestampOf(t, ins.Lookup("readConcern", "afterClusterTime"), "the write's afterClusterTime"); got != findTime {
		t.Errorf("write afterClusterTime %v, want the first read's operationTime %v", got, findTime)
	}
	if !ins.Lookup("readConcern", "level").IsZero() {
		t.Errorf("a write carries a read concern level: %s", ins.Command)
	}
}

// TestCausalConsistencyAcrossSessions: a second session advanced to the
// first one's cluster and operation times reads after its write.
func TestCausalConsistencyAcrossSessions(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	s1, s2 := startSession(t, c), startSession(t, c)
	coll := c.Database("test").Collection("c")
	if _, err := coll.InsertOne(client.WithSession(ctx, s1), bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	ot, ok := s1.OperationTime()
	if !ok || s1.ClusterTime() == nil {
		t.Fatal("the first session saw no operationTime or $clusterTime")
	}
	if err := s2.AdvanceClusterTime(s1.ClusterTime()); err != nil {
		t.Fatal(err)
	}
	s2.AdvanceOperationTime(ot)
	if err := coll.FindOne(client.WithSession(ctx, s2), bson.D{bson.KV("_id", 1)}).Err(); err != nil {
		t.Fatal(err)
	}
	find := srv.CommandsNamed("find")[0]
	if got := timestampOf(t, find.Lookup("readConcern", "afterClusterTime"), "afterClusterTime"); got != ot {
		t.Errorf("second session's read afterClusterTime %v, want the first's operationTime %v", got, ot)
	}
	sent := timestampOf(t, find.Lookup("$clusterTime", "clusterTime"), "$clusterTime")
	s1ct, _, _ := s1.ClusterTime().Lookup("clusterTime").Timestamp()
	if sent.T < s1ct {
		t.Errorf("gossiped $clusterTime %v is before the first session's", sent)
	}
	if lsid, _ := find.Lookup("lsid").Document(); s2.ID() == nil || !bytes.Equal(lsid, s2.ID()) {
		t.Errorf("find lsid %s, want the second session's %s", find.Lookup("lsid"), s2.ID())
	}
	if err := s2.AdvanceClusterTime(bson.Raw{5, 0, 0, 0, 0}); err == nil {
		t.Error("AdvanceClusterTime accepted a document without clusterTime")
	}
}

func TestCausalConsistencyOff(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI())
	sess := startSession(t, c, client.SessionOptions{CausalConsistency: new(bool)})
	ctx := client.WithSession(ctxT(t), sess)
	coll := c.Database("test").Collection("c")
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	if err := coll.FindOne(ctx, bson.D{}).Err(); err != nil {
		t.Fatal(err)
	}
	if rc := srv.CommandsNamed("find")[0].Lookup("readConcern"); !rc.IsZero() {
		t.Errorf("a session without causal consistency sent readConcern %s", rc)
	}
}

func TestSnapshotSession(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI())
	sess := startSession(t, c, client.SessionOptions{Snapshot: true})
	ctx := client.WithSession(ctxT(t), sess)
	if err := c.Database("test").Collection("c").FindOne(ctx, bson.D{}).Err(); !errors.Is(err, client.ErrNoDocuments) {
		t.Fatal(err)
	}
	if lvl, _ := srv.CommandsNamed("find")[0].Lookup("readConcern", "level").StringValue(); lvl != "snapshot" {
		t.Errorf("snapshot session read with level %q", lvl)
	}
	if err := sess.StartTransaction(); err == nil {
		t.Error("a snapshot session started a transaction")
	}
	if _, err := c.StartSession(client.SessionOptions{Snapshot: true, CausalConsistency: ptr(true)}); err == nil {
		t.Error("snapshot and causal consistency together were accepted")
	}
}

// TestUnacknowledgedWriteInExplicitSession fails before sending.
func TestUnacknowledgedWriteInExplicitSession(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI())
	sess := startSession(t, c)
	ctx := client.WithSession(ctxT(t), sess)
	coll := c.Database("test").Collection("c", client.CollectionOptions{WriteConcern: &client.WriteConcern{W: "0"}})
	_, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1)})
	if err == nil {
		t.Fatal("an unacknowledged write ran in an explicit session")
	}
	if n := len(srv.CommandsNamed("insert")); n != 0 {
		t.Errorf("%d inserts sent", n)
	}
}

// TestSnapshotReadsAtClusterTime: a snapshot session's first read takes
// the server's atClusterTime; every later read asks for that snapshot.
func TestSnapshotReadsAtClusterTime(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	snap := bson.Timestamp{T: 1700000000, I: 9}
	srv.Handle("find", func(req *mockserver.Request) mockserver.Reply {
		return mockserver.OK(bson.KV("cursor", bson.D{bson.KV("id", int64(0)), bson.KV("ns", "test.c"),
			bson.KV("firstBatch", bson.A{}), bson.KV("atClusterTime", snap)}))
	})
	c := connect(t, srv.URI())
	sess := startSession(t, c, client.SessionOptions{Snapshot: true})
	ctx := client.WithSession(ctxT(t), sess)
	coll := c.Database("test").Collection("c")
	for i := 0; i < 2; i++ {
		if err := coll.FindOne(ctx, bson.D{}).Err(); !errors.Is(err, client.ErrNoDocuments) {
			t.Fatal(err)
		}
	}
	finds := srv.CommandsNamed("find")
	if !finds[0].Lookup("readConcern", "atClusterTime").IsZero() {
		t.Errorf("the first snapshot read asks for a time: %s", finds[0].Lookup("readConcern"))
	}
	if got := timestampOf(t, finds[1].Lookup("readConcern", "atClusterTime"), "atClusterTime"); got != snap {
		t.Errorf("second read atClusterTime %v, want the first reply's %v", got, snap)
	}
	if !finds[1].Lookup("readConcern", "afterClusterTime").IsZero() {
		t.Error("a snapshot read carries afterClusterTime")
	}
}

func ptr[T any](v T) *T { return &v }

// TestCausalReadYourWritesFromSecondary: in a replica set, a causally
// consistent session writes on the primary, then reads from a secondary;
// the read goes to a secondary and waits (afterClusterTime) for the
// write's operationTime.
func TestCausalReadYourWritesFromSecondary(t *testing.T) {
	rs := mockserver.NewReplicaSet(t, mockserver.ReplicaSetOptions{Members: 3})
	var rec replies
	c := connect(t, rs.URI(), client.Options{Monitor: rec.monitor()})
	sess := startSession(t, c)
	ctx := client.WithSession(ctxT(t), sess)
	db := c.Database("test")
	if _, err := db.Collection("c").InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	secondary := db.Collection("c", client.CollectionOptions{ReadPreference: &client.ReadPref{Mode: client.Secondary}})
	if err := secondary.FindOne(ctx, bson.D{bson.KV("_id", 1)}).Err(); err != nil {
		t.Fatal(err)
	}
	primary := rs.Primary().Addr()
	if ins := rs.CommandsNamed("insert"); len(ins) != 1 || ins[0].Host != primary {
		t.Fatalf("inserts %d, the first to %v; want one, to the primary %s", len(ins), ins, primary)
	}
	finds := rs.CommandsNamed("find")
	if len(finds) != 1 {
		t.Fatalf("%d finds, want 1", len(finds))
	}
	if finds[0].Host == primary {
		t.Errorf("the read with readPreference secondary went to the primary %s", primary)
	}
	if mode, _ := finds[0].Lookup("$readPreference", "mode").StringValue(); mode != "secondary" {
		t.Errorf("find $readPreference %s, want mode secondary", finds[0].Lookup("$readPreference"))
	}
	want := timestampOf(t, rec.of("insert")[0].Lookup("operationTime"), "the insert's operationTime")
	if got := timestampOf(t, finds[0].Lookup("readConcern", "afterClusterTime"), "the read's afterClusterTime"); got != want {
		t.Errorf("afterClusterTime %v, want the insert's operationTime %v", got, want)
	}
}
