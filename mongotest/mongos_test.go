package mongotest_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/leakcheck"
	"github.com/torque-go/torque/mongotest"
)

// TestMongosHello: each mongos answers hello as a router (isdbgrid, no
// setName) with $clusterTime, and a write through one is read through the
// other; nothing is left running after Close.
func TestMongosHello(t *testing.T) {
	defer leakcheck.Check(t)
	rs, err := mongotest.StartReplicaSet(mongotest.ReplicaSetOptions{Mongos: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	hosts := rs.MongosHosts()
	if len(hosts) != 2 || hosts[0] == hosts[1] || slices.Contains(rs.Hosts(), hosts[0]) {
		t.Fatalf("mongos hosts %v (members %v)", hosts, rs.Hosts())
	}
	var clients []*client.Client
	for _, h := range hosts {
		c, err := client.Connect(ctx, "mongodb://"+h+"/")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Disconnect(context.Background())
		clients = append(clients, c)
	}
	hello, err := clients[0].Database("admin").RunCommand(ctx, bson.D{bson.KV("hello", 1)}).Raw()
	if err != nil {
		t.Fatal(err)
	}
	if msg, _ := hello.Lookup("msg").StringValue(); msg != "isdbgrid" || !hello.Lookup("setName").IsZero() {
		t.Errorf("hello %v: want msg isdbgrid and no setName", hello)
	}
	if hello.Lookup("$clusterTime").IsZero() || hello.Lookup("operationTime").IsZero() {
		t.Errorf("hello without $clusterTime or operationTime: %v", hello)
	}
	if _, err := clients[0].Database("db").Collection("c").InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	n, err := clients[1].Database("db").Collection("c").CountDocuments(ctx, bson.D{})
	if err != nil || n != 1 {
		t.Fatalf("count through the other mongos: %d, %v; want 1", n, err)
	}
}

// startPinnedTxn starts a transaction on a client of every mongos and
// inserts {_id: 1} in it; it returns the session and the index of the
// mongos it is pinned to.
func startPinnedTxn(ctx context.Context, t *testing.T, rs *mongotest.ReplicaSet, c *client.Client) (*client.Session, int) {
	t.Helper()
	s, err := c.StartSession()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.EndSession(context.Background()) })
	if err := s.StartTransaction(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Database("db").Collection("c").InsertOne(client.WithSession(ctx, s), bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	addr, ok := s.PinnedServer()
	i := slices.Index(rs.MongosHosts(), addr)
	if !ok || i < 0 {
		t.Fatalf("the session is pinned to %q (%v), not to a mongos of %v", addr, ok, rs.MongosHosts())
	}
	return s, i
}

// TestMongosRecoveryToken: a commit whose connection drops is retried on
// the other mongos with the recovery token; that mongos did not begin the
// transaction, so it recovers the shard's decision: committed (the first
// mongos applied the commit, then failed with a writeConcernError) or not
// (NoSuchTransaction, and the transaction is aborted).
func TestMongosRecoveryToken(t *testing.T) {
	rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{Mongos: 2})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := client.Connect(ctx, rs.MongosURI())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	coll := c.Database("db").Collection("c")

	s, pinned := startPinnedTxn(ctx, t, rs, c)
	rs.FailCommandMongos(pinned, mongotest.FailPoint{Commands: []string{"commitTransaction"}, Times: 1, CloseConnection: true})
	err = s.CommitTransaction(ctx)
	var ce *client.CommandError
	if !errors.As(err, &ce) || ce.Code != 251 || !client.HasErrorLabel(err, "TransientTransactionError") {
		t.Fatalf("commit retried on the other mongos: %v, want NoSuchTransaction (251) with TransientTransactionError", err)
	}
	if n, _ := coll.CountDocuments(ctx, bson.D{}); n != 0 {
		t.Fatalf("%d documents after a transaction that never committed", n)
	}

	s, pinned = startPinnedTxn(ctx, t, rs, c)
	rs.FailCommandMongos(pinned, mongotest.FailPoint{Commands: []string{"commitTransaction"}, Times: 1,
		ErrorLabels:       []string{"RetryableWriteError"},
		WriteConcernError: bson.D{bson.KV("code", int32(91)), bson.KV("errmsg", "Replication is being shut down")}})
	if err := s.CommitTransaction(ctx); err != nil {
		t.Fatalf("commit recovered on the other mongos: %v", err)
	}
	if n, _ := coll.CountDocuments(ctx, bson.D{}); n != 1 {
		t.Fatalf("%d documents after the commit, want 1", n)
	}
}
