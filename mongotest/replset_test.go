package mongotest_test

import (
	"context"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

func TestReplicaSetBasics(t *testing.T) {
	rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := client.Connect(ctx, rs.URI())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	hello, err := c.Database("admin").RunCommand(ctx, bson.D{bson.KV("hello", 1)}).Raw()
	t.Logf("hello %v %v", hello, err)
	coll := c.Database("db").Collection("c")
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	if err := coll.Drop(ctx); err != nil {
		t.Fatal(err)
	}
}
