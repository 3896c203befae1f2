package mongotest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

// TestUpdateSort checks the sort of UpdateOne and ReplaceOne (MongoDB 8.0):
// the first match in sort order is the one written, and a multi update
// with a sort is refused by the client before it is sent and by the
// server when sent raw.
func TestUpdateSort(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	db := c.Database("app")
	coll := db.Collection("s")
	if _, err := coll.InsertMany(ctx, []bson.D{{kv("_id", 1), kv("x", 1)}, {kv("_id", 2), kv("x", 2)}, {kv("_id", 3), kv("x", 3)}}); err != nil {
		t.Fatal(err)
	}
	gt1 := bson.D{kv("_id", bson.D{kv("$gt", 1)})}
	if _, err := coll.UpdateOne(ctx, gt1, bson.D{kv("$set", bson.D{kv("u", true)})},
		client.UpdateOptions{Sort: bson.D{kv("_id", -1)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.ReplaceOne(ctx, gt1, bson.D{kv("r", true)}, client.ReplaceOptions{Sort: bson.D{kv("x", 1)}}); err != nil {
		t.Fatal(err)
	}
	var docs []bson.D
	cur, err := coll.Find(ctx, bson.D{}, client.FindOptions{Sort: bson.D{kv("_id", 1)}})
	if err == nil {
		err = cur.All(ctx, &docs)
	}
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(docs); got != `[{"_id":1,"x":1} {"_id":2,"r":true} {"_id":3,"x":3,"u":true}]` {
		t.Errorf("after the sorted updates: %s", got)
	}
	_, err = coll.UpdateMany(ctx, gt1, bson.D{kv("$set", bson.D{kv("m", 1)})}, client.UpdateOptions{Sort: bson.D{kv("_id", 1)}})
	if err == nil || !strings.HasPrefix(err.Error(), "client:") {
		t.Errorf("UpdateMany with a sort: %v, want a client error", err)
	}
	_, err = run(ctx, db, bson.D{kv("update", "s"), kv("updates", bson.A{bson.D{kv("q", gt1),
		kv("u", bson.D{kv("$set", bson.D{kv("m", 1)})}), kv("multi", true), kv("sort", bson.D{kv("_id", 1)})}})})
	if err == nil || !strings.Contains(err.Error(), "sort with multi") {
		t.Errorf("raw multi update with a sort: %v", err)
	}
}
