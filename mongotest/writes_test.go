package mongotest_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

func TestOrderedAndUnorderedInserts(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	db := c.Database("app")
	docs := bson.A{bson.D{kv("_id", 1)}, bson.D{kv("_id", 1)}, bson.D{kv("_id", 2)}, bson.D{kv("_id", 2)}, bson.D{kv("_id", 3)}}
	for _, ordered := range []bool{true, false} {
		coll := fmt.Sprint("c", ordered)
		_, err := run(ctx, db, bson.D{kv("insert", coll), kv("documents", docs), kv("ordered", ordered)})
		var we *client.WriteException
		if !errors.As(err, &we) {
			t.Fatalf("ordered=%v: %v", ordered, err)
		}
		var idx []int
		for _, e := range we.WriteErrors {
			idx = append(idx, e.Index)
		}
		n, _ := db.Collection(coll).EstimatedDocumentCount(ctx)
		want, wantN := "[1]", int64(1)
		if !ordered {
			want, wantN = "[1 3]", 3
		}
		if fmt.Sprint(idx) != want || n != wantN {
			t.Errorf("ordered=%v: write errors at %v, %d stored; want %s, %d", ordered, idx, n, want, wantN)
		}
	}
}

func TestUpdateReplyFields(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	db := c.Database("app")
	if _, err := db.Collection("u").InsertOne(ctx, bson.D{kv("_id", 1), kv("a", bson.A{1, 2, 3})}); err != nil {
		t.Fatal(err)
	}
	reply, err := run(ctx, db, bson.D{kv("update", "u"), kv("updates", bson.A{
		bson.D{kv("q", bson.D{kv("_id", 1)}), kv("u", bson.D{kv("$set", bson.D{kv("a.$[x]", 0)})}),
			kv("arrayFilters", bson.A{bson.D{kv("x", bson.D{kv("$gte", 2)})}})},
		bson.D{kv("q", bson.D{kv("_id", 5)}), kv("u", bson.D{kv("$set", bson.D{kv("b", 1)})}), kv("upsert", true)},
		bson.D{kv("q", bson.D{kv("_id", 1)}), kv("u", bson.A{bson.D{kv("$set", bson.D{kv("n", bson.D{kv("$size", "$a")})})}})},
	})})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(field(reply, "n"), field(reply, "nModified"), field(reply, "upserted")) != `3 2 [{"index":1,"_id":5}]` {
		t.Errorf("reply %v", reply)
	}
	var d bson.D
	if err := db.Collection("u").FindOne(ctx, bson.D{kv("_id", 1)}).Decode(&d); err != nil || fmt.Sprint(d) != `{"_id":1,"a":[1,0,0],"n":3}` {
		t.Errorf("after update: %v %v", d, err)
	}
	_, err = run(ctx, db, bson.D{kv("update", "u"), kv("updates", bson.A{
		bson.D{kv("q", bson.D{}), kv("u", bson.D{kv("x", 1)}), kv("multi", true)}})})
	var we *client.WriteException
	if !errors.As(err, &we) || we.WriteErrors[0].Code != 9 {
		t.Errorf("multi replacement: %v", err)
	}
	_, err = run(ctx, db, bson.D{kv("update", "u"), kv("updates", bson.A{
		bson.D{kv("q", bson.D{kv("_id", 1)}), kv("u", bson.D{kv("$set", bson.D{kv("_id", 2)})})}})})
	if !errors.As(err, &we) || we.WriteErrors[0].Code != 66 {
		t.Errorf("changing _id: %v", err)
	}
}

func TestFindAndModify(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	coll := c.Database("app").Collection("f")
	if _, err := coll.InsertMany(ctx, []any{bson.D{kv("_id", 1), kv("n", 5)}, bson.D{kv("_id", 2), kv("n", 9)}}); err != nil {
		t.Fatal(err)
	}
	var d bson.D
	err := coll.FindOneAndUpdate(ctx, bson.D{}, bson.D{kv("$inc", bson.D{kv("n", 1)})},
		client.FindOneAndUpdateOptions{Sort: bson.D{kv("n", -1)}, ReturnAfter: true, Projection: bson.D{kv("_id", 0)}}).Decode(&d)
	if err != nil || fmt.Sprint(d) != `{"n":10}` {
		t.Errorf("update, sort, new, fields: %v %v", d, err)
	}
	err = coll.FindOneAndUpdate(ctx, bson.D{kv("_id", 3)}, bson.D{kv("$set", bson.D{kv("n", 0)})},
		client.FindOneAndUpdateOptions{Upsert: true}).Decode(&d)
	if !errors.Is(err, client.ErrNoDocuments) {
		t.Errorf("upsert, returning the old document (none): %v %v", d, err)
	}
	reply, err := run(ctx, c.Database("app"), bson.D{kv("findAndModify", "f"), kv("query", bson.D{kv("_id", 4)}),
		kv("update", bson.D{kv("$set", bson.D{kv("n", 1)})}), kv("upsert", true), kv("new", true)})
	if err != nil || fmt.Sprint(field(reply, "lastErrorObject")) != `{"n":1,"updatedExisting":false,"upserted":4}` ||
		fmt.Sprint(field(reply, "value")) != `{"_id":4,"n":1}` {
		t.Errorf("upsert reply %v %v", reply, err)
	}
	err = coll.FindOneAndDelete(ctx, bson.D{kv("n", bson.D{kv("$lt", 3)})}, client.FindOneAndDeleteOptions{Sort: bson.D{kv("n", 1)}}).Decode(&d)
	if err != nil || fmt.Sprint(d) != `{"_id":3,"n":0}` {
		t.Errorf("remove with sort: %v %v", d, err)
	}
	if n, _ := coll.EstimatedDocumentCount(ctx); n != 3 {
		t.Errorf("%d left, want 3", n)
	}
}

func TestAggregateOutAndMerge(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	db := c.Database("app")
	sales := db.Collection("sales")
	if _, err := sales.InsertMany(ctx, []any{bson.D{kv("item", "a"), kv("qty", 2)}, bson.D{kv("item", "b"), kv("qty", 1)}, bson.D{kv("item", "a"), kv("qty", 3)}}); err != nil {
		t.Fatal(err)
	}
	all := reader(t, ctx)
	got := all(sales.Aggregate(ctx, bson.A{
		bson.D{kv("$group", bson.D{kv("_id", "$item"), kv("total", bson.D{kv("$sum", "$qty")})})},
		bson.D{kv("$sort", bson.D{kv("_id", 1)})},
	}))
	if fmt.Sprint(got) != `[{"_id":"a","total":5} {"_id":"b","total":1}]` {
		t.Errorf("$group = %v", got)
	}
	all(sales.Aggregate(ctx, bson.A{bson.D{kv("$match", bson.D{kv("item", "a")})}, bson.D{kv("$out", "onlyA")}}))
	if n, _ := db.Collection("onlyA").EstimatedDocumentCount(ctx); n != 2 {
		t.Errorf("$out wrote %d documents", n)
	}
	all(sales.Aggregate(ctx, bson.A{bson.D{kv("$match", bson.D{kv("item", "b")})}, bson.D{kv("$merge", bson.D{kv("into", "onlyA")})}}))
	if n, _ := db.Collection("onlyA").EstimatedDocumentCount(ctx); n != 3 {
		t.Errorf("$merge: %d documents, want 3", n)
	}
	n, err := sales.CountDocuments(ctx, bson.D{kv("qty", bson.D{kv("$gt", 1)})})
	if err != nil || n != 2 {
		t.Errorf("CountDocuments = %d, %v", n, err)
	}
	// The database aggregate: $documents.
	got = all(db.Aggregate(ctx, bson.A{bson.D{kv("$documents", bson.A{bson.D{kv("x", 1)}})}}))
	if fmt.Sprint(got) != `[{"x":1}]` {
		t.Errorf("$documents = %v", got)
	}
}

// An unacknowledged write (w: 0, OP_MSG moreToCome) is applied and not
// answered; the connection stays usable.
func TestUnacknowledgedWrite(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv, client.Options{WriteConcern: client.WriteConcern{W: "0"}, MaxPoolSize: 1})
	coll := c.Database("app").Collection("w0")
	if _, err := coll.InsertOne(ctx, bson.D{kv("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	var d bson.D
	if err := coll.FindOne(ctx, bson.D{kv("_id", 1)}).Decode(&d); err != nil {
		t.Errorf("the unacknowledged insert is not there: %v", err)
	}
}
