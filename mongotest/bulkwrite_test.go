package mongotest_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

// TestBulkWriteCommand checks the bulkWrite command's reply as mongod 8.0
// shapes it: the results cursor on admin.$cmd.bulkWrite (getMore with
// cursor.batchSize), the summary counts, errorsOnly, and ordered.
func TestBulkWriteCommand(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	admin := c.Database("admin")
	ops := bson.A{
		bson.D{kv("insert", 0), kv("document", bson.D{kv("_id", 1)})},
		bson.D{kv("insert", 1), kv("document", bson.D{kv("_id", 1)})},
		bson.D{kv("insert", 0), kv("document", bson.D{kv("_id", 1)})}, // duplicate key
		bson.D{kv("update", 0), kv("filter", bson.D{kv("_id", 2)}), kv("updateMods", bson.D{kv("$set", bson.D{kv("x", 1)})}), kv("upsert", true)},
		bson.D{kv("delete", 1), kv("filter", bson.D{}), kv("multi", true)},
	}
	nsInfo := bson.A{bson.D{kv("ns", "a.x")}, bson.D{kv("ns", "b.y")}}
	reply, err := run(ctx, admin, bson.D{kv("bulkWrite", 1), kv("ops", ops), kv("nsInfo", nsInfo),
		kv("ordered", false), kv("cursor", bson.D{kv("batchSize", 2)})})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, e := range reply {
		keys = append(keys, e.Key)
	}
	if got := fmt.Sprintln(keys, field(reply, "nErrors"), field(reply, "nInserted"), field(reply, "nUpserted"), field(reply, "nDeleted"),
		field(reply, "cursor", "ns")); got != "[cursor nErrors nInserted nMatched nModified nUpserted nDeleted ok] 1 2 1 1 admin.$cmd.bulkWrite\n" {
		t.Errorf("reply %v", reply)
	}
	id, _ := field(reply, "cursor", "id").(int64)
	more, err := run(ctx, admin, bson.D{kv("getMore", id), kv("collection", "$cmd.bulkWrite")})
	if err != nil || id == 0 {
		t.Fatalf("getMore of cursor %d: %v", id, err)
	}
	batch := append(field(reply, "cursor", "firstBatch").(bson.A), field(more, "cursor", "nextBatch").(bson.A)...)
	want := `[{"ok":1.0,"idx":0,"n":1},{"ok":1.0,"idx":1,"n":1},{"ok":0.0,"idx":2,"code":11000,"codeName":"DuplicateKey",`
	if got := fmt.Sprint(batch); len(got) < len(want) || got[:len(want)] != want || len(batch) != 5 {
		t.Errorf("results %s", got)
	}
	if got := fmt.Sprint(batch[3], batch[4]); got != `{"ok":1.0,"idx":3,"n":1,"nModified":0,"upserted":{"_id":2}} {"ok":1.0,"idx":4,"n":1}` {
		t.Errorf("update and delete results %s", got)
	}

	// errorsOnly and ordered: the results stop at the first error.
	reply, err = run(ctx, admin, bson.D{kv("bulkWrite", 1), kv("ops", ops[2:]), kv("nsInfo", nsInfo), kv("errorsOnly", true)})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(len(field(reply, "cursor", "firstBatch").(bson.A)), field(reply, "nErrors"), field(reply, "nUpserted")); got != "1 1 0" {
		t.Errorf("ordered errorsOnly: %v", reply)
	}
	if _, err := run(ctx, c.Database("a"), bson.D{kv("bulkWrite", 1), kv("ops", ops), kv("nsInfo", nsInfo)}); code(err) != 13 {
		t.Errorf("bulkWrite outside admin: %v", err)
	}
}

// TestClientBulkWriteOnReplicaSet runs Client.BulkWrite across databases
// in a transaction and as retryable writes on a replica set.
func TestClientBulkWriteOnReplicaSet(t *testing.T) {
	rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{Members: 3})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := client.Connect(ctx, rs.URI())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	models := []client.ClientWriteModel{
		{Database: "a", Collection: "x", Model: client.InsertOneModel{Document: bson.D{kv("_id", 1)}}},
		{Database: "b", Collection: "y", Model: client.ReplaceOneModel{Filter: bson.D{kv("_id", 7)}, Replacement: bson.D{kv("v", 1)}, Upsert: true}},
		{Database: "a", Collection: "x", Model: client.InsertOneModel{Document: bson.D{kv("_id", 1)}}},
	}
	sess, err := c.StartSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.EndSession(ctx)
	err = sess.WithTransaction(client.WithSession(ctx, sess), func(ctx2 context.Context) error {
		_, err := c.BulkWrite(ctx2, models[:2], client.ClientBulkWriteOptions{VerboseResults: true})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.BulkWrite(ctx, models[2:3], client.ClientBulkWriteOptions{VerboseResults: true})
	var ex *client.ClientBulkWriteException
	if !errors.As(err, &ex) || ex.WriteErrors[0].Code != 11000 || ex.PartialResult != nil || res.InsertedCount != 0 {
		t.Errorf("duplicate insert: %v", err)
	}
	n, _ := c.Database("b").Collection("y").CountDocuments(ctx, bson.D{kv("v", 1)})
	if n != 1 {
		t.Errorf("%d upserted documents in b.y", n)
	}
}
