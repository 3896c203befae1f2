package mongotest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

// Causal consistency against a replica set whose secondaries lag one
// second behind the primary: a read from a secondary right after a
// write misses it, while the same read in a causally consistent session
// waits until the secondary has caught up with the session's write.
func ExampleReplicaSet_causalConsistency() {
	rs, err := mongotest.StartReplicaSet(mongotest.ReplicaSetOptions{Members: 3, Lag: time.Second})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := client.Connect(ctx, rs.URI())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Disconnect(ctx)

	notes := c.Database("app").Collection("notes")
	fromSecondary := c.Database("app").Collection("notes",
		client.CollectionOptions{ReadPreference: &client.ReadPref{Mode: client.Secondary}})

	if _, err := notes.InsertOne(ctx, bson.D{bson.KV("_id", 1), bson.KV("text", "hello")}); err != nil {
		fmt.Println(err)
		return
	}
	n, err := fromSecondary.CountDocuments(ctx, bson.D{})
	fmt.Println("read from a secondary right after the write:", n, "notes", err)

	s, err := c.StartSession() // causally consistent by default
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.EndSession(ctx)
	sctx := client.WithSession(ctx, s)
	if _, err := notes.InsertOne(sctx, bson.D{bson.KV("_id", 2), bson.KV("text", "world")}); err != nil {
		fmt.Println(err)
		return
	}
	n, err = fromSecondary.CountDocuments(sctx, bson.D{})
	fmt.Println("the same read in a causally consistent session:", n, "notes", err)
	// Output:
	// read from a secondary right after the write: 0 notes <nil>
	// the same read in a causally consistent session: 2 notes <nil>
}
