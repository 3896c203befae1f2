package mongotest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

func connect(t *testing.T, srv *mongotest.Server, opts ...client.Options) (*client.Client, context.Context) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	c, err := client.Connect(ctx, srv.URI(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Disconnect(context.Background()) })
	return c, ctx
}

func kv(k string, v any) bson.E { return bson.KV(k, v) }

// reader returns a function that reads a cursor into bson.D values.
func reader(t *testing.T, ctx context.Context) func(cur *client.Cursor, err error) []bson.D {
	return func(cur *client.Cursor, err error) []bson.D { return decodeAll(t, ctx, cur, err) }
}

func decodeAll(t *testing.T, ctx context.Context, cur *client.Cursor, err error) []bson.D {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	var out []bson.D
	if err := cur.All(ctx, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestInsertFindUpdateDelete(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	coll := c.Database("app").Collection("people")
	all := reader(t, ctx)

	res, err := coll.InsertMany(ctx, []any{
		bson.D{kv("_id", 1), kv("name", "Ada"), kv("age", 36)},
		bson.D{kv("_id", 2), kv("name", "Grace"), kv("age", 85)},
		bson.D{kv("name", "Linus"), kv("age", 28)},
	})
	if err != nil || len(res.InsertedIDs) != 3 {
		t.Fatalf("InsertMany: %v %v", res, err)
	}
	var ada bson.D
	if err := coll.FindOne(ctx, bson.D{kv("_id", 1)}).Decode(&ada); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(ada) != `{"_id":1,"name":"Ada","age":36}` {
		t.Errorf("FindOne = %v", ada)
	}
	// The generated _id is an ObjectID, stored first.
	var linus bson.D
	if err := coll.FindOne(ctx, bson.D{kv("name", "Linus")}).Decode(&linus); err != nil {
		t.Fatal(err)
	}
	if _, ok := linus[0].Value.(bson.ObjectID); !ok || linus[0].Key != "_id" {
		t.Errorf("generated _id: %v", linus)
	}

	docs := all(coll.Find(ctx, bson.D{kv("age", bson.D{kv("$gt", 30)})},
		client.FindOptions{Sort: bson.D{kv("age", -1)}, Projection: bson.D{kv("name", 1), kv("_id", 0)}}))
	if fmt.Sprint(docs) != `[{"name":"Grace"} {"name":"Ada"}]` {
		t.Errorf("Find sorted/projected = %v", docs)
	}
	docs = all(coll.Find(ctx, bson.D{}, client.FindOptions{Sort: bson.D{kv("age", 1)}, Skip: 1, Limit: 1}))
	if len(docs) != 1 || docs[0][1].Value != "Ada" {
		t.Errorf("skip 1 limit 1 = %v", docs)
	}

	up, err := coll.UpdateOne(ctx, bson.D{kv("_id", 2)}, bson.D{kv("$inc", bson.D{kv("age", 1)})})
	if err != nil || up.MatchedCount != 1 || up.ModifiedCount != 1 {
		t.Fatalf("UpdateOne: %+v %v", up, err)
	}
	up, err = coll.UpdateMany(ctx, bson.D{}, bson.D{kv("$set", bson.D{kv("seen", true)})})
	if err != nil || up.MatchedCount != 3 || up.ModifiedCount != 3 {
		t.Fatalf("UpdateMany: %+v %v", up, err)
	}
	up, err = coll.UpdateOne(ctx, bson.D{kv("_id", 1)}, bson.D{kv("$set", bson.D{kv("seen", true)})})
	if err != nil || up.MatchedCount != 1 || up.ModifiedCount != 0 {
		t.Errorf("no-op update: %+v %v", up, err)
	}
	up, err = coll.UpdateOne(ctx, bson.D{kv("_id", 9)}, bson.D{kv("$set", bson.D{kv("name", "New")})}, client.UpdateOptions{Upsert: true})
	if err != nil || up.UpsertedCount != 1 || fmt.Sprint(up.UpsertedID) != "9" {
		t.Errorf("upsert: %+v %v", up, err)
	}
	reply, err := run(ctx, c.Database("app"), bson.D{kv("count", "people"), kv("query", bson.D{kv("seen", true)})})
	if err != nil || field(reply, "n") != int32(3) {
		t.Errorf("count = %v, %v", reply, err)
	}
	del, err := coll.DeleteMany(ctx, bson.D{kv("age", bson.D{kv("$lt", 40)})})
	if err != nil || del.DeletedCount != 2 {
		t.Errorf("DeleteMany: %+v %v", del, err)
	}
	if n, _ := coll.EstimatedDocumentCount(ctx); n != 2 {
		t.Errorf("EstimatedDocumentCount = %d, want 2", n)
	}
}

func TestCursorBatches(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	coll := c.Database("app").Collection("many")
	all := reader(t, ctx)
	docs := make([]any, 250)
	for i := range docs {
		docs[i] = bson.D{kv("_id", i), kv("even", i%2 == 0)}
	}
	if _, err := coll.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	got := all(coll.Find(ctx, bson.D{kv("even", true)}, client.FindOptions{BatchSize: 7}))
	if len(got) != 125 || got[124][0].Value != int32(248) {
		t.Fatalf("got %d documents", len(got))
	}
	cur, err := coll.Find(ctx, bson.D{}, client.FindOptions{BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !cur.Next(ctx) || cur.ID() == 0 {
		t.Fatalf("cursor id %d after the first batch", cur.ID())
	}
	if err := cur.Close(ctx); err != nil {
		t.Errorf("killCursors: %v", err)
	}
}

func TestUniqueIndexDuplicateKey(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	coll := c.Database("app").Collection("users")
	name, err := coll.Indexes().CreateOne(ctx, client.IndexModel{Keys: bson.D{kv("email", 1)}, Options: client.IndexOptions{Unique: true}})
	if err != nil || name != "email_1" {
		t.Fatalf("CreateOne = %q, %v", name, err)
	}
	if _, err := coll.InsertOne(ctx, bson.D{kv("email", "a@x")}); err != nil {
		t.Fatal(err)
	}
	_, err = coll.InsertOne(ctx, bson.D{kv("email", "a@x")})
	if !client.IsDuplicateKey(err) {
		t.Fatalf("second insert: %v", err)
	}
	var we *client.WriteException
	if !errors.As(err, &we) || len(we.WriteErrors) != 1 {
		t.Fatalf("not a write exception: %v", err)
	}
	w := we.WriteErrors[0]
	if v, _ := w.KeyPattern.Lookup("email").AsInt64(); v != 1 || len(w.KeyPattern) == 0 {
		t.Errorf("keyPattern %s", w.KeyPattern)
	}
	if v, _ := w.KeyValue.Lookup("email").StringValue(); v != "a@x" {
		t.Errorf("keyValue %s", w.KeyValue)
	}
	if w.Code != 11000 || w.Message != `E11000 duplicate key error collection: app.users index: email_1 dup key: { email: "a@x" }` {
		t.Errorf("write error %d %q", w.Code, w.Message)
	}
	specs, err := coll.Indexes().ListSpecifications(ctx)
	if err != nil || len(specs) != 2 {
		t.Fatalf("ListSpecifications = %v, %v", specs, err)
	}
}

func TestUnsupportedIsRefusedByName(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	err := c.Database("app").RunCommand(ctx, bson.D{kv("shardCollection", "app.x")}).Err()
	var ce *client.CommandError
	if !errors.As(err, &ce) || ce.Code != 59 {
		t.Fatalf("err = %v", err)
	}
	_, err = c.Database("app").Collection("x").Find(ctx, bson.D{}, client.FindOptions{Collation: &client.Collation{Locale: "sv"}})
	if !errors.As(err, &ce) || ce.Code != 2 || !strings.HasPrefix(ce.Message, "mongotest does not support collation locale sv") {
		t.Fatalf("collation: %v", err)
	}
}
