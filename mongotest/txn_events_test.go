package mongotest_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

// TestTransactionChangeEvents: the change events of a transaction's
// writes carry its lsid and txnNumber, as MongoDB's do; others do not.
func TestTransactionChangeEvents(t *testing.T) {
	rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := client.Connect(ctx, rs.URI())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	coll := c.Database("db").Collection("c")
	if err := c.Database("db").CreateCollection(ctx, "c"); err != nil {
		t.Fatal(err)
	}
	cs, err := coll.Watch(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close(context.Background())
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 0)}); err != nil {
		t.Fatal(err)
	}
	s, err := c.StartSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.EndSession(ctx)
	_ = s.StartTransaction()
	for i := 1; i <= 2; i++ {
		if _, err := coll.InsertOne(client.WithSession(ctx, s), bson.D{bson.KV("_id", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CommitTransaction(ctx); err != nil {
		t.Fatal(err)
	}
	wantID, _ := s.ID().Lookup("id").Binary()
	var first int64 // the transaction's txnNumber (the pooled server session may have had others)
	for i := range 3 {
		if !cs.Next(ctx) {
			t.Fatalf("event %d: %v", i, cs.Err())
		}
		ev := cs.Current
		txn, hasTxn := ev.Lookup("txnNumber").AsInt64()
		id, _ := ev.Lookup("lsid", "id").Binary()
		switch {
		case i == 0 && (hasTxn || !ev.Lookup("lsid").IsZero()):
			t.Errorf("event of a plain insert with lsid or txnNumber: %s", ev)
		case i > 0 && (txn < 1 || !bytes.Equal(id.Data, wantID.Data)):
			t.Errorf("event %d of the transaction: txnNumber %d, lsid %x; want one, %x", i, txn, id.Data, wantID.Data)
		case i == 1:
			first = txn
		case i == 2 && txn != first:
			t.Errorf("the transaction's events have txnNumbers %d and %d", first, txn)
		}
	}
}
