package client_test

// Collection.UpdateByID and IndexView.DropWithKey, against mongotest.

import (
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

func TestUpdateByID(t *testing.T) {
	ctx := testContext(t)
	coll, ev := mongotestColl(t, 3)
	res, err := coll.UpdateByID(ctx, 2, bson.D{bson.KV("$set", bson.D{bson.KV("x", "two")})})
	if err != nil || res.MatchedCount != 1 || res.ModifiedCount != 1 {
		t.Fatalf("UpdateByID = %+v, %v; want one matched and modified", res, err)
	}
	var doc struct {
		X string `bson:"x"`
	}
	if err := coll.FindOne(ctx, bson.D{bson.KV("_id", 2)}).Decode(&doc); err != nil || doc.X != "two" {
		t.Errorf("document 2 = %+v (%v), want x: two", doc, err)
	}
	res, err = coll.UpdateByID(ctx, 9, bson.D{bson.KV("$set", bson.D{bson.KV("x", 9)})}, client.UpdateOptions{Upsert: true})
	if err != nil || res.UpsertedCount != 1 {
		t.Errorf("UpdateByID with upsert = %+v, %v; want an upsert", res, err)
	}
	n := len(ev.started)
	if _, err := coll.UpdateByID(ctx, nil, bson.D{bson.KV("$set", bson.D{bson.KV("x", 1)})}); err == nil {
		t.Error("UpdateByID(nil): no error")
	}
	if _, err := coll.UpdateByID(ctx, 1, bson.D{bson.KV("x", 1)}); err == nil {
		t.Error("UpdateByID with a replacement document: no error")
	}
	if len(ev.started) != n {
		t.Error("a refused UpdateByID was sent")
	}
}

func TestDropWithKey(t *testing.T) {
	ctx := testContext(t)
	coll, ev := mongotestColl(t, 1)
	iv := coll.Indexes()
	for _, keys := range []bson.D{{bson.KV("a", 1), bson.KV("b", -1)}, {bson.KV("c", 1)}} {
		if _, err := iv.CreateOne(ctx, client.IndexModel{Keys: keys}); err != nil {
			t.Fatal(err)
		}
	}
	if err := iv.DropWithKey(ctx, bson.D{bson.KV("a", 1), bson.KV("b", -1)}); err != nil {
		t.Fatal(err)
	}
	specs, err := iv.ListSpecifications(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range specs {
		names = append(names, s.Name)
	}
	if len(names) != 2 || names[1] != "c_1" {
		t.Errorf("indexes left: %v, want [_id_ c_1]", names)
	}
	sent := ev.sent("dropIndexes")
	if got := sent[0].Lookup("index").String(); got != `{"a":1,"b":-1}` {
		t.Errorf("dropIndexes index = %s, want the key pattern", got)
	}
	if err := iv.DropWithKey(ctx, bson.M{"a": 1, "b": 1}); err == nil {
		t.Error("DropWithKey with a two-key map: no error")
	}
	if err := iv.DropWithKey(ctx, bson.D{bson.KV("zzz", 1)}); err == nil {
		t.Error("DropWithKey of a missing index: no error")
	}
}
