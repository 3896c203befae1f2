package mongotest_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

// run runs a command and returns the reply, or the server's error.
func run(ctx context.Context, db *client.Database, cmd bson.D) (bson.D, error) {
	raw, err := db.RunCommand(ctx, cmd).Raw()
	if err != nil {
		return nil, err
	}
	var d bson.D
	return d, bson.Unmarshal(raw, &d)
}

func code(err error) int32 {
	var ce *client.CommandError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return -1
}

func field(d bson.D, path ...string) any {
	var v any = d
	for _, p := range path {
		doc, ok := v.(bson.D)
		if !ok {
			return nil
		}
		v = nil
		for _, e := range doc {
			if e.Key == p {
				v = e.Value
			}
		}
	}
	return v
}

func TestCollectionCommands(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	db := c.Database("app")
	if err := db.CreateCollection(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateCollection(ctx, "a"); code(err) != 48 {
		t.Errorf("create twice: %v", err)
	}
	if _, err := db.Collection("b").InsertOne(ctx, bson.D{kv("x", 1)}); err != nil {
		t.Fatal(err)
	}
	names, err := db.ListCollectionNames(ctx, bson.D{})
	if err != nil || fmt.Sprint(names) != "[a b]" {
		t.Errorf("ListCollectionNames = %v, %v", names, err)
	}
	names, err = db.ListCollectionNames(ctx, bson.D{kv("name", "b")})
	if err != nil || fmt.Sprint(names) != "[b]" {
		t.Errorf("filtered ListCollectionNames = %v, %v", names, err)
	}
	reply, err := run(ctx, c.Database("admin"), bson.D{kv("renameCollection", "app.b"), kv("to", "app.c")})
	if err != nil {
		t.Fatalf("rename: %v %v", reply, err)
	}
	dbs, err := c.ListDatabaseNames(ctx, bson.D{})
	if err != nil || fmt.Sprint(dbs) != "[app]" {
		t.Errorf("ListDatabaseNames = %v, %v", dbs, err)
	}
	if err := db.Collection("c").Drop(ctx); err != nil {
		t.Fatal(err)
	}
	// Dropping what does not exist is fine (MongoDB 7.0+).
	if err := db.Collection("nope").Drop(ctx); err != nil {
		t.Errorf("drop missing: %v", err)
	}
	if err := db.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if dbs, _ := c.ListDatabaseNames(ctx, bson.D{}); len(dbs) != 0 {
		t.Errorf("databases after dropDatabase: %v", dbs)
	}
}

func TestViewsResolveAtRead(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	db := c.Database("app")
	_, err := run(ctx, db, bson.D{kv("create", "adults"), kv("viewOn", "people"),
		kv("pipeline", bson.A{bson.D{kv("$match", bson.D{kv("age", bson.D{kv("$gte", 18)})})}})})
	if err != nil {
		t.Fatal(err)
	}
	people := db.Collection("people")
	if _, err := people.InsertMany(ctx, []any{bson.D{kv("_id", 1), kv("age", 10)}, bson.D{kv("_id", 2), kv("age", 40)}}); err != nil {
		t.Fatal(err)
	}
	_, err = db.Collection("adults").InsertOne(ctx, bson.D{kv("age", 50)})
	if code(err) != 166 {
		t.Errorf("insert into a view: %v", err)
	}
	cur, err := db.ListCollections(ctx, bson.D{kv("type", "view")})
	if err != nil {
		t.Fatal(err)
	}
	var infos []bson.D
	if err := cur.All(ctx, &infos); err != nil || len(infos) != 1 || field(infos[0], "options", "viewOn") != "people" {
		t.Errorf("listCollections views = %v, %v", infos, err)
	}
}

func TestValidator(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	db := c.Database("app")
	_, err := run(ctx, db, bson.D{kv("create", "v"), kv("validator", bson.D{kv("n", bson.D{kv("$gte", 0)})})})
	if err != nil {
		t.Fatal(err)
	}
	coll := db.Collection("v")
	if _, err := coll.InsertOne(ctx, bson.D{kv("n", 1)}); err != nil {
		t.Fatal(err)
	}
	_, err = coll.InsertOne(ctx, bson.D{kv("_id", 7), kv("n", -1)})
	var we *client.WriteException
	if !errors.As(err, &we) || we.WriteErrors[0].Code != 121 {
		t.Fatalf("invalid document: %v", err)
	}
	if id, _ := we.WriteErrors[0].Details.Lookup("failingDocumentId").AsInt64(); id != 7 {
		t.Errorf("errInfo %s", we.WriteErrors[0].Details)
	}
	if _, err := coll.InsertOne(ctx, bson.D{kv("n", -1)}, client.InsertOneOptions{BypassDocumentValidation: ptr(true)}); err != nil {
		t.Errorf("bypassDocumentValidation: %v", err)
	}
	if _, err := run(ctx, db, bson.D{kv("collMod", "v"), kv("validationLevel", "off")}); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.InsertOne(ctx, bson.D{kv("n", -2)}); err != nil {
		t.Errorf("validationLevel off: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

func TestIndexCommands(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	coll := c.Database("app").Collection("ix")
	names, err := coll.Indexes().CreateMany(ctx, []client.IndexModel{
		{Keys: bson.D{kv("a", 1), kv("b", -1)}},
		{Keys: bson.D{kv("c", 1)}, Options: client.IndexOptions{Sparse: true, ExpireAfterSeconds: ptr(int32(60))}},
	})
	if err != nil || fmt.Sprint(names) != "[a_1_b_-1 c_1]" {
		t.Fatalf("CreateMany = %v, %v", names, err)
	}
	specs, err := coll.Indexes().ListSpecifications(ctx)
	if err != nil || len(specs) != 3 {
		t.Fatalf("ListSpecifications = %v, %v", specs, err)
	}
	// The same index again is no change; the same name with other keys
	// is a conflict.
	if _, err := coll.Indexes().CreateOne(ctx, client.IndexModel{Keys: bson.D{kv("c", 1)}, Options: client.IndexOptions{Sparse: true, ExpireAfterSeconds: ptr(int32(60))}}); err != nil {
		t.Errorf("same index again: %v", err)
	}
	_, err = coll.Indexes().CreateOne(ctx, client.IndexModel{Keys: bson.D{kv("d", 1)}, Options: client.IndexOptions{Name: "c_1"}})
	if code(err) != 86 {
		t.Errorf("name conflict: %v", err)
	}
	// A hint must name an index.
	_, err = coll.Find(ctx, bson.D{}, client.FindOptions{Hint: "nope"})
	if code(err) != 2 {
		t.Errorf("bad hint: %v", err)
	}
	if _, err := coll.Find(ctx, bson.D{}, client.FindOptions{Hint: "c_1"}); err != nil {
		t.Errorf("good hint: %v", err)
	}
	if err := coll.Indexes().DropOne(ctx, "c_1"); err != nil {
		t.Fatal(err)
	}
	if err := coll.Indexes().DropOne(ctx, "c_1"); code(err) != 27 {
		t.Errorf("drop twice: %v", err)
	}
	if err := coll.Indexes().DropAll(ctx); err != nil {
		t.Fatal(err)
	}
	if specs, _ := coll.Indexes().ListSpecifications(ctx); len(specs) != 1 {
		t.Errorf("after DropAll: %d indexes", len(specs))
	}
	_, err = run(ctx, c.Database("app"), bson.D{kv("listIndexes", "missing")})
	if code(err) != 26 {
		t.Errorf("listIndexes of a missing collection: %v", err)
	}
}

func TestMalformedAndUnknown(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	db := c.Database("app")
	cases := []struct {
		cmd  bson.D
		code int32
	}{
		{bson.D{kv("find", "x"), kv("bogus", 1)}, 40415},
		{bson.D{kv("find", "x"), kv("filter", "not a document")}, 14},
		{bson.D{kv("find", 5)}, 73},
		{bson.D{kv("find", "x"), kv("limit", -1)}, 2},
		{bson.D{kv("insert", "x"), kv("documents", bson.A{1})}, 14},
		{bson.D{kv("insert", "x")}, 40414},
		{bson.D{kv("getMore", int64(12345)), kv("collection", "x")}, 43},
		{bson.D{kv("delete", "x"), kv("deletes", bson.A{bson.D{kv("q", bson.D{}), kv("limit", 5)}})}, -1}, // a write error, below
		{bson.D{kv("fsync", 1)}, 59},
		{bson.D{kv("aggregate", "x"), kv("pipeline", bson.A{}), kv("explain", true)}, 59},
	}
	for _, tc := range cases {
		_, err := run(ctx, db, tc.cmd)
		if tc.code < 0 {
			continue
		}
		if code(err) != tc.code {
			t.Errorf("%v: %v, want code %d", tc.cmd, err, tc.code)
		}
	}
	_, err := run(ctx, db, bson.D{kv("delete", "x"), kv("deletes", bson.A{bson.D{kv("q", bson.D{}), kv("limit", 5)}})})
	var we *client.WriteException
	if !errors.As(err, &we) || we.WriteErrors[0].Code != 9 {
		t.Errorf("delete with limit 5: %v", err)
	}
}

func TestDistinctCountKillCursors(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	coll := c.Database("app").Collection("d")
	if _, err := coll.InsertMany(ctx, []any{bson.D{kv("t", bson.A{"b", "a"})}, bson.D{kv("t", "c")}, bson.D{kv("t", "a")}, bson.D{}}); err != nil {
		t.Fatal(err)
	}
	vals, err := coll.Distinct(ctx, "t", bson.D{})
	if first, _ := vals[0].StringValue(); err != nil || len(vals) != 3 || first != "a" {
		t.Errorf("Distinct = %v, %v", vals, err)
	}
	reply, err := run(ctx, c.Database("app"), bson.D{kv("count", "d"), kv("query", bson.D{kv("t", "a")})})
	if err != nil || field(reply, "n") != int32(2) {
		t.Errorf("count = %v, %v", reply, err)
	}
	reply, err = run(ctx, c.Database("app"), bson.D{kv("find", "d"), kv("batchSize", 1)})
	if err != nil {
		t.Fatal(err)
	}
	id := field(reply, "cursor", "id").(int64)
	reply, err = run(ctx, c.Database("app"), bson.D{kv("killCursors", "d"), kv("cursors", bson.A{id, int64(99)})})
	if err != nil || fmt.Sprint(field(reply, "cursorsKilled")) != fmt.Sprint(bson.A{id}) || fmt.Sprint(field(reply, "cursorsNotFound")) != "[99]" {
		t.Errorf("killCursors = %v, %v", reply, err)
	}
}

func TestConfigureFailPoint(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv, client.Options{RetryWrites: ptr(false)})
	admin := c.Database("admin")
	_, err := run(ctx, admin, bson.D{kv("configureFailPoint", "failCommand"), kv("mode", bson.D{kv("times", 1)}),
		kv("data", bson.D{kv("failCommands", bson.A{"insert"}), kv("errorCode", 2), kv("errorLabels", bson.A{"Mine"})})})
	if err != nil {
		t.Fatal(err)
	}
	coll := c.Database("app").Collection("fp")
	_, err = coll.InsertOne(ctx, bson.D{kv("x", 1)})
	if code(err) != 2 || !client.HasErrorLabel(err, "Mine") {
		t.Errorf("first insert: %v", err)
	}
	if _, err := coll.InsertOne(ctx, bson.D{kv("x", 1)}); err != nil {
		t.Errorf("second insert: %v", err)
	}
	_, err = run(ctx, c.Database("app"), bson.D{kv("configureFailPoint", "failCommand"), kv("mode", "off")})
	if code(err) != 13 {
		t.Errorf("configureFailPoint outside admin: %v", err)
	}
}
