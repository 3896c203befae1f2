package client_test

// The operations of issue 16 on a real server, FerretDB (testenv.URI):
// UpdateByID, DropWithKey, RunCommandCursor with getMore, the cursor's
// batch methods and ListCollectionSpecifications. The mongotest and mock-server tests beside
// this file cover what FerretDB v1.24 lacks (views, time series,
// clustered collections, search indexes, sessions on a replica set).

import (
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

func TestOperationsOnFerretDB(t *testing.T) {
	ctx := testContext(t)
	coll := serverCollection(t)
	docs := make([]any, 5)
	for i := range docs {
		docs[i] = bson.D{bson.KV("_id", i+1), bson.KV("a", i), bson.KV("b", i)}
	}
	if _, err := coll.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}

	res, err := coll.UpdateByID(ctx, 3, bson.D{bson.KV("$set", bson.D{bson.KV("a", 30)})})
	if err != nil || res.MatchedCount != 1 || res.ModifiedCount != 1 {
		t.Errorf("UpdateByID = %+v, %v", res, err)
	}

	cur, err := coll.Database().RunCommandCursor(ctx, bson.D{bson.KV("find", coll.Name()), bson.KV("batchSize", 2),
		bson.KV("sort", bson.D{bson.KV("_id", 1)})}, client.RunCommandCursorOptions{BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if n := cur.RemainingBatchLength(); n != 2 {
		t.Errorf("first batch of %d documents, want 2", n)
	}
	var got []int64
	for cur.Next(ctx) {
		id, _ := cur.Current.Lookup("_id").AsInt64()
		got = append(got, id)
		if len(got) == 2 {
			cur.SetBatchSize(3) // the last getMore takes the rest
		}
	}
	if err := cur.Close(ctx); err != nil || cur.Err() != nil || len(got) != 5 || got[2] != 3 {
		t.Errorf("RunCommandCursor read %v (%v, %v), want _id 1..5", got, err, cur.Err())
	}

	iv := coll.Indexes()
	if _, err := iv.CreateOne(ctx, client.IndexModel{Keys: bson.D{bson.KV("a", 1), bson.KV("b", -1)}}); err != nil {
		t.Fatal(err)
	}
	if err := iv.DropWithKey(ctx, bson.D{bson.KV("a", 1), bson.KV("b", -1)}); err != nil {
		t.Errorf("DropWithKey: %v", err)
	}
	specs, err := iv.ListSpecifications(ctx)
	if err != nil || len(specs) != 1 {
		t.Errorf("indexes after DropWithKey: %+v (%v), want only _id_", specs, err)
	}

	colls, err := coll.Database().ListCollectionSpecifications(ctx, bson.D{bson.KV("name", coll.Name())})
	if err != nil || len(colls) != 1 || colls[0].Name != coll.Name() || colls[0].Type != "collection" || colls[0].ReadOnly ||
		colls[0].UUID == nil {
		t.Errorf("ListCollectionSpecifications = %+v, %v", colls, err)
	}
}
