package mongotest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

// TestShardCollection: a mongos shards a collection (creating it and the
// key's index), reports it to a change stream with showExpandedEvents,
// answers checkMetadataConsistency with an empty cursor; a member does
// not know these commands.
func TestShardCollection(t *testing.T) {
	rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{Members: 1, Mongos: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := client.Connect(ctx, rs.MongosURI())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	admin, db := c.Database("admin"), c.Database("shop")
	mustRun(t, ctx, db, bson.D{kv("create", "orders")})
	cs, err := db.Collection("orders").Watch(ctx, nil, client.ChangeStreamOptions{ShowExpandedEvents: true})
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close(context.Background())
	shard := bson.D{kv("shardCollection", "shop.orders"), kv("key", bson.D{kv("region", 1)})}
	if r := mustRun(t, ctx, admin, shard); field(r, "collectionsharded") != "shop.orders" {
		t.Errorf("shardCollection reply %v", r)
	}
	mustRun(t, ctx, admin, shard) // again, the same key: no-op
	var types []string
	for len(types) < 2 && cs.Next(ctx) {
		var ev bson.D
		if err := cs.Decode(&ev); err != nil {
			t.Fatal(err)
		}
		types = append(types, fmt.Sprint(field(ev, "operationType")))
		if field(ev, "operationType") == "shardCollection" {
			if got := fmt.Sprint(field(ev, "operationDescription")); got != `{"shardKey":{"region":1},"unique":false,"presplitHashedZones":false}` {
				t.Errorf("shardCollection event description %s", got)
			}
		}
	}
	if fmt.Sprint(types) != "[createIndexes shardCollection]" {
		t.Errorf("events %v (%v), want the key's index then shardCollection", types, cs.Err())
	}
	for _, tc := range []struct {
		cmd  bson.D
		code int32
	}{
		{bson.D{kv("shardCollection", "shop.orders"), kv("key", bson.D{kv("other", 1)})}, 23},
		{bson.D{kv("shardCollection", "shop.orders"), kv("key", bson.D{kv("h", "hashed")})}, 59},
		{bson.D{kv("shardCollection", "shop")}, 73},
	} {
		if _, err := run(ctx, admin, tc.cmd); code(err) != tc.code {
			t.Errorf("%v: %v, want code %d", tc.cmd, err, tc.code)
		}
	}
	r := mustRun(t, ctx, db, bson.D{kv("checkMetadataConsistency", 1)})
	if fmt.Sprint(field(r, "cursor")) != `{"firstBatch":[],"id":0,"ns":"shop.$cmd.checkMetadataConsistency"}` {
		t.Errorf("checkMetadataConsistency: %v", r)
	}
	direct, err := client.Connect(ctx, rs.URI())
	if err != nil {
		t.Fatal(err)
	}
	defer direct.Disconnect(context.Background())
	if _, err := run(ctx, direct.Database("admin"), shard); code(err) != 59 {
		t.Errorf("shardCollection on a replica set member: %v, want CommandNotFound", err)
	}
}
