package client_test

// The causal consistency specification's prose tests (1-9, 11-13),
// against internal/mockserver: FerretDB has no cluster times
// (operationTime, $clusterTime), so it cannot run them. The mock answers
// aggregate and distinct with CommandNotFound: those reads still show
// what the driver sends, which is what the tests check; so does
// findAndModify, which the mock's store does not support.

import (
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
	c := csConnect(t, srv.URI(), client.Options{Monitor: rec.monitor()})
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
			ctx := client.WithSession(csContext(t), sess)
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
			ctx := client.WithSession(csContext(t), sess)
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
			ctx := client.WithSession(csContext(t), sess)
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
	ctx := client.WithSession(csContext(t), sess)
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
	ctx := client.WithSession(csContext(t), sess)
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
		if err := rsColl.FindOne(csContext(t), bson.D{}).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if lastNamed(t, rs, "find").Lookup("$clusterTime").IsZero() {
		t.Error("a replica set member got no $clusterTime")
	}
}
