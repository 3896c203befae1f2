package client_test

import (
	"errors"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/mockserver"
)

type noID struct {
	A int32  `bson:"a"`
	B string `bson:"b"`
}

type withID struct {
	A  int32 `bson:"a"`
	ID int32 `bson:"_id"`
}

// TestInsertDocumentsOnTheWire checks the documents as sent: an added
// ObjectID _id comes first, before the document's own fields; a
// document's own _id stays where it is.
func TestInsertDocumentsOnTheWire(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI())
	docs := []any{
		noID{A: 1, B: "x"},
		withID{A: 2, ID: 7},
		bson.D{bson.KV("a", 3), bson.KV("_id", "s")},
		bson.M{"a": int32(4)},
		bson.Raw(mockserver.Doc(bson.KV("a", int32(5)))),
	}
	res, err := c.Database("test").Collection("c").InsertMany(ctxT(t), docs)
	if err != nil {
		t.Fatal(err)
	}
	if res.InsertedCount != int64(len(docs)) || len(res.InsertedIDs) != len(docs) {
		t.Fatalf("result %+v", res)
	}
	reqs := srv.CommandsNamed("insert")
	if len(reqs) != 1 {
		t.Fatalf("%d insert commands", len(reqs))
	}
	sent := reqs[0].Documents("documents")
	wantKeys := [][]string{{"_id", "a", "b"}, {"a", "_id"}, {"a", "_id"}, {"_id", "a"}, {"_id", "a"}}
	for i, d := range sent {
		if err := d.Validate(); err != nil {
			t.Fatalf("document %d: %v", i, err)
		}
		var keys []string
		for k := range d.All() {
			keys = append(keys, k)
		}
		if len(keys) != len(wantKeys[i]) || keys[0] != wantKeys[i][0] || keys[1] != wantKeys[i][1] {
			t.Errorf("document %d has keys %v, want %v", i, keys, wantKeys[i])
		}
		a, _ := d.Lookup("a").AsInt64()
		if a != int64(i+1) {
			t.Errorf("document %d: a = %d", i, a)
		}
		var id any
		if err := d.Lookup("_id").Unmarshal(&id); err != nil || id != res.InsertedIDs[i] {
			t.Errorf("document %d: _id %v, InsertedIDs[%d] = %v", i, id, i, res.InsertedIDs[i])
		}
	}
	if _, ok := res.InsertedIDs[0].(bson.ObjectID); !ok {
		t.Errorf("added _id is %T, want an ObjectID", res.InsertedIDs[0])
	}
	if res.InsertedIDs[1] != int32(7) || res.InsertedIDs[2] != "s" {
		t.Errorf("own _ids %v", res.InsertedIDs[1:3])
	}
}

func TestBypassDocumentValidationFalseIsSent(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	coll := connect(t, srv.URI()).Database("test").Collection("c")
	ctx := ctxT(t)
	no := false
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("a", 1)}, client.InsertOneOptions{BypassDocumentValidation: &no}); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("a", 2)}); err != nil {
		t.Fatal(err)
	}
	reqs := srv.CommandsNamed("insert")
	if len(reqs) != 2 {
		t.Fatalf("%d inserts", len(reqs))
	}
	if v, ok := reqs[0].Lookup("bypassDocumentValidation").Boolean(); !ok || v {
		t.Errorf("explicit false: bypassDocumentValidation = %s", reqs[0].Lookup("bypassDocumentValidation"))
	}
	if v := reqs[1].Lookup("bypassDocumentValidation"); !v.IsZero() {
		t.Errorf("unset: bypassDocumentValidation = %s, want absent", v)
	}
}

// TestInsertManyPartialResult checks the result beside a write error: the
// count the server reported and the _ids of the documents it inserted.
func TestInsertManyPartialResult(t *testing.T) {
	for _, ordered := range []bool{true, false} {
		srv := primary(t, mockserver.Hello{MaxWriteBatchSize: 2})
		srv.Handle("insert", func(r *mockserver.Request) mockserver.Reply {
			if first, _ := r.Documents("documents")[0].Lookup("_id").AsInt64(); first == 0 {
				return mockserver.WriteErrors(1, mockserver.WriteError{Index: 1, Code: 11000, ErrMsg: "dup"})
			}
			return mockserver.OK(bson.KV("n", 2))
		})
		coll := connect(t, srv.URI()).Database("test").Collection("c")
		var docs []any
		for i := range int32(4) {
			docs = append(docs, bson.D{bson.KV("_id", i)})
		}
		res, err := coll.InsertMany(ctxT(t), docs, client.InsertManyOptions{Unordered: !ordered})
		var we *client.WriteException
		if !errors.As(err, &we) || len(we.WriteErrors) != 1 || we.WriteErrors[0].Index != 1 {
			t.Fatalf("ordered %v: err = %v", ordered, err)
		}
		wantN, wantIDs := int64(1), []any{int32(0)}
		if !ordered {
			wantN, wantIDs = 3, []any{int32(0), int32(2), int32(3)}
		}
		if res.InsertedCount != wantN || len(res.InsertedIDs) != len(wantIDs) {
			t.Fatalf("ordered %v: result %+v, want count %d ids %v", ordered, res, wantN, wantIDs)
		}
		for i, id := range wantIDs {
			if res.InsertedIDs[i] != id {
				t.Errorf("ordered %v: InsertedIDs %v, want %v", ordered, res.InsertedIDs, wantIDs)
				break
			}
		}
	}
}
