package mongotest_test

import (
	"context"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/leakcheck"
	"github.com/torque-go/torque/mongotest"
)

// TestReplicaSetBasics: a client discovers the set, writes to the
// primary, and nothing is left running after Close.
func TestReplicaSetBasics(t *testing.T) {
	defer leakcheck.Check(t)
	rs, err := mongotest.StartReplicaSet(mongotest.ReplicaSetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := client.Connect(ctx, rs.URI())
	if err != nil {
		t.Fatal(err)
	}
	hello, err := c.Database("admin").RunCommand(ctx, bson.D{bson.KV("hello", 1)}).Raw()
	if err != nil {
		t.Fatal(err)
	}
	if name, _ := hello.Lookup("setName").StringValue(); name != "rs0" {
		t.Errorf("setName %q, want rs0", name)
	}
	if hello.Lookup("$clusterTime").IsZero() || hello.Lookup("operationTime").IsZero() {
		t.Errorf("hello without $clusterTime or operationTime: %v", hello)
	}
	coll := c.Database("db").Collection("c")
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	if err := coll.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Disconnect(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestTransactionWriteConflict(t *testing.T) {
	rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := client.Connect(ctx, rs.URI())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	coll := c.Database("db").Collection("c")
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 0)}); err != nil {
		t.Fatal(err)
	}
	s0, _ := c.StartSession()
	s1, _ := c.StartSession()
	defer s0.EndSession(ctx)
	defer s1.EndSession(ctx)
	_ = s0.StartTransaction()
	_ = s1.StartTransaction()
	if _, err := coll.InsertOne(client.WithSession(ctx, s0), bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	_, err = coll.InsertOne(client.WithSession(ctx, s1), bson.D{bson.KV("_id", 1)})
	if !client.HasErrorLabel(err, "TransientTransactionError") {
		t.Fatalf("second writer: %v, want a WriteConflict", err)
	}
	if err := s0.CommitTransaction(ctx); err != nil {
		t.Fatal(err)
	}
	n, err := coll.EstimatedDocumentCount(ctx)
	if err != nil || n != 2 {
		t.Fatalf("after commit: %d documents, %v", n, err)
	}
}
