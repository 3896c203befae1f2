package client_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/leakcheck"
	"github.com/torque-go/torque/internal/testenv"
)

var dbSeq atomic.Int64

// realDB connects to the test server and returns a fresh database that is
// dropped when the test ends.
func realDB(t *testing.T, opts ...client.Options) *client.Database {
	t.Helper()
	uri := testenv.URI(t)
	c := connect(t, uri, opts...)
	db := c.Database(fmt.Sprintf("torque_client_%d_%d", time.Now().UnixNano()%1e6, dbSeq.Add(1)))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := db.Drop(ctx); err != nil {
			t.Errorf("dropping %s: %v", db.Name(), err)
		}
	})
	return db
}

type person struct {
	ID   int    `bson:"_id"`
	Name string `bson:"name"`
	Age  int    `bson:"age"`
}

func seed(t *testing.T, coll *client.Collection, n int) {
	t.Helper()
	docs := make([]any, n)
	for i := range docs {
		docs[i] = person{ID: i, Name: fmt.Sprintf("p%02d", i), Age: 20 + i%10}
	}
	if _, err := coll.InsertMany(ctxT(t), docs); err != nil {
		t.Fatal(err)
	}
}

func TestRealInsertFind(t *testing.T) {
	db := realDB(t)
	ctx := ctxT(t)
	coll := db.Collection("people")
	res, err := coll.InsertOne(ctx, bson.D{bson.KV("name", "Ada")})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := res.InsertedID.(bson.ObjectID); !ok {
		t.Errorf("InsertedID %T, want a generated ObjectID", res.InsertedID)
	}
	var got bson.M
	if err := coll.FindOne(ctx, bson.D{bson.KV("_id", res.InsertedID)}).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got["name"] != "Ada" {
		t.Errorf("found %v", got)
	}
	seed(t, coll, 25)
	cur, err := coll.Find(ctx, bson.D{bson.KV("age", bson.D{bson.KV("$gte", 25)})},
		client.FindOptions{Sort: bson.D{bson.KV("_id", -1)}, Skip: 1, Limit: 7, BatchSize: 2, Projection: bson.D{bson.KV("age", 0)}})
	if err != nil {
		t.Fatal(err)
	}
	var people []person
	if err := cur.All(ctx, &people); err != nil {
		t.Fatal(err)
	}
	var ids []int
	for _, p := range people {
		ids = append(ids, p.ID)
		if p.Age != 0 {
			t.Errorf("projection kept age: %+v", p)
		}
	}
	want := []int{18, 17, 16, 15, 9, 8, 7} // ages >= 25: ids 5-9 and 15-19, descending, skip 1, limit 7
	if !slices.Equal(ids, want) {
		t.Errorf("ids %v, want %v", ids, want)
	}
	if err := coll.FindOne(ctx, bson.D{bson.KV("_id", 1000)}).Err(); !errors.Is(err, client.ErrNoDocuments) {
		t.Errorf("FindOne of nothing: %v", err)
	}
}

func TestRealCursor(t *testing.T) {
	db := realDB(t)
	ctx := ctxT(t)
	coll := db.Collection("c")
	seed(t, coll, 30)
	cur, err := coll.Find(ctx, bson.D{}, client.FindOptions{BatchSize: 4, Sort: bson.D{bson.KV("_id", 1)}})
	if err != nil {
		t.Fatal(err)
	}
	first, err := cur.ToList(ctx, 10)
	if err != nil || len(first) != 10 {
		t.Fatalf("ToList: %d docs, %v", len(first), err)
	}
	if cur.ID() == 0 {
		t.Error("cursor exhausted after 10 of 30 documents in batches of 4")
	}
	n := 0
	for doc, err := range cur.Iter(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if id, _ := doc.Lookup("_id").AsInt64(); int(id) != 10+n {
			t.Errorf("document %d has _id %d", 10+n, id)
		}
		n++
	}
	if n != 20 || cur.ID() != 0 {
		t.Errorf("iterated %d more, cursor id %d", n, cur.ID())
	}
	if id, _ := first[9].Lookup("_id").AsInt64(); id != 9 {
		t.Errorf("ToList copy changed under later batches: %s", first[9])
	}
	cur, err = coll.Find(ctx, bson.D{}, client.FindOptions{BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !cur.Next(ctx) {
		t.Fatal(cur.Err())
	}
	if err := cur.Close(ctx); err != nil {
		t.Errorf("Close (killCursors): %v", err)
	}
	if cur.Next(ctx) {
		t.Error("Next after Close")
	}
}

func TestRealUpdateReplaceDelete(t *testing.T) {
	db := realDB(t)
	ctx := ctxT(t)
	coll := db.Collection("c")
	seed(t, coll, 10)
	res, err := coll.UpdateOne(ctx, bson.D{bson.KV("_id", 1)}, bson.D{bson.KV("$set", bson.D{bson.KV("name", "one")})})
	if err != nil || res.MatchedCount != 1 || res.ModifiedCount != 1 {
		t.Errorf("UpdateOne: %+v, %v", res, err)
	}
	res, err = coll.UpdateMany(ctx, bson.D{bson.KV("age", bson.D{bson.KV("$lt", 25)})}, bson.D{bson.KV("$inc", bson.D{bson.KV("age", 100)})})
	if err != nil || res.MatchedCount != 5 || res.ModifiedCount != 5 {
		t.Errorf("UpdateMany: %+v, %v", res, err)
	}
	res, err = coll.UpdateOne(ctx, bson.D{bson.KV("_id", 99)}, bson.D{bson.KV("$set", bson.D{bson.KV("x", 1)})}, client.UpdateOptions{Upsert: true})
	if err != nil || res.UpsertedCount != 1 || res.UpsertedID != int32(99) {
		t.Errorf("upsert: %+v (%T), %v", res, res.UpsertedID, err)
	}
	res, err = coll.ReplaceOne(ctx, bson.D{bson.KV("_id", 2)}, bson.D{bson.KV("name", "two")})
	if err != nil || res.ModifiedCount != 1 {
		t.Errorf("ReplaceOne: %+v, %v", res, err)
	}
	var p bson.M
	if err := coll.FindOne(ctx, bson.D{bson.KV("_id", 2)}).Decode(&p); err != nil || p["age"] != nil || p["name"] != "two" {
		t.Errorf("replaced document %v, %v", p, err)
	}
	del, err := coll.DeleteOne(ctx, bson.D{bson.KV("age", bson.D{bson.KV("$gte", 100)})})
	if err != nil || del.DeletedCount != 1 {
		t.Errorf("DeleteOne: %+v, %v", del, err)
	}
	del, err = coll.DeleteMany(ctx, bson.D{bson.KV("age", bson.D{bson.KV("$gte", 100)})})
	// Ages >= 100 were ids 0, 1, 3, 4 (2 was replaced); DeleteOne took one.
	if err != nil || del.DeletedCount != 3 {
		t.Errorf("DeleteMany: %+v, %v", del, err)
	}
	n, err := coll.CountDocuments(ctx, bson.D{})
	if err != nil || n != 7 {
		t.Errorf("CountDocuments = %d, %v; want 7 (10 + 1 upserted - 4 deleted)", n, err)
	}
}

func TestRealFindAndModify(t *testing.T) {
	db := realDB(t)
	ctx := ctxT(t)
	coll := db.Collection("c")
	seed(t, coll, 5)
	var before, after person
	if err := coll.FindOneAndUpdate(ctx, bson.D{bson.KV("_id", 3)}, bson.D{bson.KV("$inc", bson.D{bson.KV("age", 1)})}).Decode(&before); err != nil {
		t.Fatal(err)
	}
	if err := coll.FindOneAndUpdate(ctx, bson.D{bson.KV("_id", 3)}, bson.D{bson.KV("$inc", bson.D{bson.KV("age", 1)})},
		client.FindOneAndUpdateOptions{ReturnAfter: true}).Decode(&after); err != nil {
		t.Fatal(err)
	}
	if before.Age != 23 || after.Age != 25 {
		t.Errorf("before %d, after %d; want 23 and 25", before.Age, after.Age)
	}
	var repl bson.M
	if err := coll.FindOneAndReplace(ctx, bson.D{bson.KV("_id", 4)}, bson.D{bson.KV("name", "four")},
		client.FindOneAndUpdateOptions{ReturnAfter: true}).Decode(&repl); err != nil {
		t.Fatal(err)
	}
	if len(repl) != 2 || repl["name"] != "four" || repl["_id"] != int32(4) {
		t.Errorf("replaced: %v", repl)
	}
	var up bson.M
	if err := coll.FindOneAndUpdate(ctx, bson.D{bson.KV("_id", 50)}, bson.D{bson.KV("$set", bson.D{bson.KV("n", 1)})},
		client.FindOneAndUpdateOptions{Upsert: true, ReturnAfter: true}).Decode(&up); err != nil || up["n"] != int32(1) {
		t.Errorf("upsert: %v, %v", up, err)
	}
	var gone person
	if err := coll.FindOneAndDelete(ctx, bson.D{}, client.FindOneAndDeleteOptions{Sort: bson.D{bson.KV("_id", 1)}}).Decode(&gone); err != nil || gone.ID != 0 {
		t.Errorf("deleted %+v, %v", gone, err)
	}
	if err := coll.FindOneAndDelete(ctx, bson.D{bson.KV("_id", 0)}).Err(); !errors.Is(err, client.ErrNoDocuments) {
		t.Errorf("second delete: %v", err)
	}
}

func TestRealCountsDistinctAggregate(t *testing.T) {
	db := realDB(t)
	ctx := ctxT(t)
	coll := db.Collection("c")
	seed(t, coll, 20)
	if n, err := coll.EstimatedDocumentCount(ctx); err != nil || n != 20 {
		t.Errorf("EstimatedDocumentCount = %d, %v", n, err)
	}
	if n, err := coll.CountDocuments(ctx, bson.D{bson.KV("age", 21)}); err != nil || n != 2 {
		t.Errorf("CountDocuments = %d, %v", n, err)
	}
	if n, err := coll.CountDocuments(ctx, bson.D{}, client.CountOptions{Skip: 5, Limit: 10}); err != nil || n != 10 {
		t.Errorf("CountDocuments with skip and limit = %d, %v", n, err)
	}
	vals, err := coll.Distinct(ctx, "age", bson.D{bson.KV("_id", bson.D{bson.KV("$lt", 15)})})
	if err != nil || len(vals) != 10 {
		t.Errorf("Distinct: %d values, %v", len(vals), err)
	}
	cur, err := coll.Aggregate(ctx, bson.A{
		bson.D{bson.KV("$group", bson.D{bson.KV("_id", "$age"), bson.KV("n", bson.D{bson.KV("$sum", 1)})})},
		bson.D{bson.KV("$sort", bson.D{bson.KV("_id", 1)})},
	}, client.AggregateOptions{BatchSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	var groups []struct {
		Age int `bson:"_id"`
		N   int `bson:"n"`
	}
	if err := cur.All(ctx, &groups); err != nil {
		t.Fatal(err)
	}
	if len(groups) != 10 || groups[0].Age != 20 || groups[0].N != 2 {
		t.Errorf("groups %+v", groups)
	}
}

func TestRealDatabaseAndClient(t *testing.T) {
	db := realDB(t)
	ctx := ctxT(t)
	if err := db.CreateCollection(ctx, "made"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Collection("other").InsertOne(ctx, bson.D{bson.KV("a", 1)}); err != nil {
		t.Fatal(err)
	}
	names, err := db.ListCollectionNames(ctx, nil)
	slices.Sort(names)
	if err != nil || !slices.Equal(names, []string{"made", "other"}) {
		t.Errorf("collections %v, %v", names, err)
	}
	dbs, err := db.Client().ListDatabaseNames(ctx, nil)
	if err != nil || !slices.Contains(dbs, db.Name()) {
		t.Errorf("databases %v, %v; want %s among them", dbs, err, db.Name())
	}
	if err := db.Collection("other").Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.Collection("never-existed").Drop(ctx); err != nil {
		t.Errorf("dropping a missing collection: %v", err)
	}
	var reply struct {
		OK float64 `bson:"ok"`
	}
	if err := db.RunCommand(ctx, bson.D{bson.KV("ping", 1)}).Decode(&reply); err != nil || reply.OK != 1 {
		t.Errorf("ping: %+v, %v", reply, err)
	}
	err = db.RunCommand(ctx, bson.D{bson.KV("noSuchCommand", 1)}).Err()
	var ce *client.CommandError
	if !errors.As(err, &ce) || ce.Code != 59 {
		t.Errorf("unknown command: %v", err)
	}
}

func TestRealInsertManyErrors(t *testing.T) {
	db := realDB(t)
	ctx := ctxT(t)
	coll := db.Collection("c")
	docs := []any{bson.D{bson.KV("_id", 1)}, bson.D{bson.KV("_id", 1)}, bson.D{bson.KV("_id", 2)}}
	res, err := coll.InsertMany(ctx, docs)
	var we *client.WriteException
	if !errors.As(err, &we) || !client.IsDuplicateKey(err) || len(we.WriteErrors) != 1 || we.WriteErrors[0].Index != 1 {
		t.Fatalf("ordered: %v", err)
	}
	if res.InsertedCount != 1 || len(res.InsertedIDs) != 1 {
		t.Errorf("ordered: partial result %+v, want 1 inserted", res)
	}
	if n, _ := coll.CountDocuments(ctx, bson.D{}); n != 1 {
		t.Errorf("ordered insert stored %d documents, want 1", n)
	}
	docs = []any{bson.D{bson.KV("_id", 1)}, bson.D{bson.KV("_id", 3)}, bson.D{bson.KV("_id", 1)}, bson.D{bson.KV("_id", 4)}}
	res, err = coll.InsertMany(ctx, docs, client.InsertManyOptions{Unordered: true})
	if !errors.As(err, &we) || len(we.WriteErrors) != 2 || we.WriteErrors[1].Index != 2 {
		t.Fatalf("unordered: %v", err)
	}
	if res.InsertedCount != 2 || len(res.InsertedIDs) != 2 {
		t.Errorf("unordered: partial result %+v, want 2 inserted", res)
	}
	if n, _ := coll.CountDocuments(ctx, bson.D{}); n != 3 {
		t.Errorf("unordered insert left %d documents, want 3", n)
	}
}

func TestRealDisconnectLeavesNoGoroutine(t *testing.T) {
	leakcheck.Check(t)
	uri := testenv.URI(t)
	c, err := client.Connect(context.Background(), uri, client.Options{MinPoolSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	coll := c.Database("torque_client_leak").Collection("c")
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("a", 1)}); err != nil {
		t.Fatal(err)
	}
	cur, err := coll.Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	_ = cur.Close(ctx)
	if err := c.Database("torque_client_leak").Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Disconnect(ctx); err != nil {
		t.Fatal(err)
	}
}
