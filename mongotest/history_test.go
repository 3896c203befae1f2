package mongotest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest/internal/store"
)

// TestIncompleteTransactionHistory: a retryable write whose oplog entries
// rolled off the oplog before its retry arrived is answered
// IncompleteTransactionHistory (217), as MongoDB does, not with the
// remembered result.
func TestIncompleteTransactionHistory(t *testing.T) {
	rs := NewReplicaSet(t, ReplicaSetOptions{})
	rs.core.store.SetOplogSize(1)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := client.Connect(ctx, rs.URI())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	coll := c.Database("db").Collection("c")
	// Applied, then the connection drops; before the retry arrives, other
	// writes push the insert's entry off the oplog.
	rs.FailCommand(0, FailPoint{Name: "onPrimaryTransactionalWrite", CloseConnection: true, Times: 1, Then: func() {
		for i := range 3 {
			_, _ = rs.core.store.Write(func(tx *store.Tx) error {
				return tx.Insert("db", "other", bson.D{bson.KV("_id", i)})
			})
		}
	}})
	_, err = coll.InsertOne(ctx, bson.D{bson.KV("_id", 1)})
	var ce *client.CommandError
	if !errors.As(err, &ce) || ce.Code != 217 {
		t.Fatalf("retry after the history rolled off: %v, want IncompleteTransactionHistory (217)", err)
	}
	// Without the roll-off, the same retry is answered from memory.
	rs.core.store.SetOplogSize(1000)
	rs.FailCommand(0, FailPoint{Name: "onPrimaryTransactionalWrite", CloseConnection: true, Times: 1})
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 2)}); err != nil {
		t.Fatalf("retry of a write the oplog still holds: %v", err)
	}
}
