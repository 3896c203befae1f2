package client_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/mockserver"
	"github.com/torque-go/torque/mongotest"
)

// Every type a user meets through package client is defined in a public
// package, so that go doc shows its fields and %T a name users can import.
func TestPublicTypesAreNotInternal(t *testing.T) {
	for _, v := range []any{
		client.CommandError{}, client.WriteException{}, client.WriteError{}, client.WriteConcernError{},
		client.NetworkError{}, client.ServerSelectionError{},
		client.CommandStartedEvent{}, client.CommandSucceededEvent{}, client.CommandFailedEvent{},
		client.ReadPref{}, client.WriteConcern{}, client.ReadConcern{}, client.ChangeStreamOptions{},
		client.DriverInfo{}, client.Credential{},
	} {
		typ := reflect.TypeOf(v)
		if strings.Contains(typ.PkgPath(), "/internal/") {
			t.Errorf("%s is defined in %s", typ, typ.PkgPath())
		}
	}
	if typ := reflect.TypeFor[client.CommandMonitor](); strings.Contains(typ.PkgPath(), "/internal/") {
		t.Errorf("CommandMonitor is %s.%s", typ.PkgPath(), typ.Name())
	}
}

// The errors a server causes print as public types, read well, and
// Decode's errors name Decode.
func TestErrorTypesAndText(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	coll := c.Database("app").Collection("errs")
	srv.Queue("find", mockserver.Error(2, "BadValue", "bad query"))
	err := coll.FindOne(ctx, bson.D{}).Err()
	var ce *client.CommandError
	if !errors.As(err, &ce) || fmt.Sprintf("%T", err) != "*mongoerr.CommandError" {
		t.Errorf("FindOne error %T %v, want a *mongoerr.CommandError", err, err)
	}
	srv.Queue("insert", mockserver.WriteErrors(0,
		mockserver.WriteError{Index: 0, Code: 11000, ErrMsg: "E11000 duplicate key error collection: app.errs"}))
	_, err = coll.InsertOne(ctx, bson.D{bson.KV("_id", 1)})
	var we *client.WriteException
	if !errors.As(err, &we) || fmt.Sprintf("%T", err) != "*mongoerr.WriteException" {
		t.Fatalf("InsertOne error %T %v", err, err)
	}
	if msg := err.Error(); strings.HasSuffix(msg, ";") || strings.Contains(msg, "app.errs;") || !strings.HasSuffix(msg, "app.errs") {
		t.Errorf("write exception text %q: a stray ';' after the server's message", msg)
	}
	if !client.IsDuplicateKey(err) || we.WriteErrors[0].KeyPattern != nil {
		t.Errorf("duplicate key %v, key pattern %v (absent: want nil)", client.IsDuplicateKey(err), we.WriteErrors[0].KeyPattern)
	}

	srv.Queue("find", mockserver.CursorReply("app.errs", 0, mockserver.Doc(bson.KV("n", "x"))))
	var n struct{ N int }
	err = coll.FindOne(ctx, bson.D{}).Decode(&n)
	if err == nil || !strings.Contains(err.Error(), "Decode") || strings.Contains(err.Error(), "Unmarshal") {
		t.Errorf("Decode of a string into an int: %v, want an error that names Decode", err)
	}
	srv.Queue("find", mockserver.CursorReply("app.errs", 0, mockserver.Doc(bson.KV("n", 1))))
	err = coll.FindOne(ctx, bson.D{}).Decode(n)
	if err == nil || !strings.Contains(err.Error(), "Decode needs a non-nil pointer") {
		t.Errorf("Decode into a non-pointer: %v", err)
	}
}

// DistinctAs decodes the values into a typed slice in one call; the
// client's Decoder options reach Find, FindOne, Cursor and DistinctAs
// decoding.
func TestDistinctAsAndClientDecoder(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI(), client.Options{Decoder: bson.Decoder{DefaultDocumentM: true}})
	ctx := ctxT(t)
	coll := c.Database("app").Collection("people")
	srv.Queue("distinct", mockserver.OK(bson.KV("values", bson.A{int32(36), int32(41)})))
	ages, err := client.DistinctAs[int](ctx, coll, "age", bson.D{})
	if err != nil || !reflect.DeepEqual(ages, []int{36, 41}) {
		t.Errorf("DistinctAs[int] = %v, %v", ages, err)
	}
	srv.Queue("distinct", mockserver.OK(bson.KV("values", bson.A{"x"})))
	if _, err := client.DistinctAs[int](ctx, coll, "age", bson.D{}); err == nil || !strings.Contains(err.Error(), "DistinctAs") {
		t.Errorf("DistinctAs[int] of strings: %v", err)
	}

	nested := mockserver.Doc(bson.KV("_id", 1), bson.KV("addr", bson.D{bson.KV("city", "Oslo")}))
	srv.Queue("find", mockserver.CursorReply("app.people", 0, nested))
	var one any
	if err := coll.FindOne(ctx, bson.D{}).Decode(&one); err != nil {
		t.Fatal(err)
	}
	if m, ok := one.(bson.M); !ok || reflect.TypeOf(m["addr"]) != reflect.TypeFor[bson.M]() {
		t.Errorf("FindOne decoded %T (addr %T), want bson.M throughout", one, m["addr"])
	}
	srv.Queue("find", mockserver.CursorReply("app.people", 0, nested))
	cur, err := coll.Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var all []any
	if err := cur.All(ctx, &all); err != nil || len(all) != 1 {
		t.Fatalf("All: %v %v", all, err)
	}
	if _, ok := all[0].(bson.M); !ok {
		t.Errorf("Cursor.All decoded %T, want bson.M", all[0])
	}
}

// ChangeStream.Decode uses the client's Decoder options, as Cursor.Decode
// does (issue 15 item 14).
func TestChangeStreamDecodeUsesClientDecoder(t *testing.T) {
	rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{})
	c := connect(t, rs.URI(), client.Options{Decoder: bson.Decoder{DefaultDocumentM: true}})
	ctx := ctxT(t)
	coll := c.Database("app").Collection("people")
	cs, err := coll.Watch(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close(ctx)
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1), bson.KV("addr", bson.D{bson.KV("city", "Oslo")})}); err != nil {
		t.Fatal(err)
	}
	if !cs.Next(ctx) {
		t.Fatalf("no event: %v", cs.Err())
	}
	var ev any
	if err := cs.Decode(&ev); err != nil {
		t.Fatal(err)
	}
	m, ok := ev.(bson.M)
	if !ok {
		t.Fatalf("Decode gave %T, want bson.M", ev)
	}
	if full, ok := m["fullDocument"].(bson.M); !ok || reflect.TypeOf(full["addr"]) != reflect.TypeFor[bson.M]() {
		t.Errorf("fullDocument decoded as %T (addr %T), want bson.M throughout", m["fullDocument"], full["addr"])
	}
	if err := cs.Decode(3); err == nil || !strings.Contains(err.Error(), "Decode") {
		t.Errorf("Decode into a non-pointer: %v", err)
	}
}

type idPerson struct {
	ID   int    `bson:"_id"`
	Name string `bson:"name"`
}

// InsertMany takes a typed slice as it is.
func TestInsertManyTypedSlices(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	coll := c.Database("app").Collection("people")
	res, err := coll.InsertMany(ctx, []idPerson{{1, "Ada"}, {2, "Alan"}})
	if err != nil || res.InsertedCount != 2 || !reflect.DeepEqual(res.InsertedIDs, []any{int32(1), int32(2)}) {
		t.Fatalf("[]person: %+v, %v", res, err)
	}
	res, err = coll.InsertMany(ctx, []bson.M{{"name": "Grace"}})
	if err != nil || res.InsertedCount != 1 {
		t.Fatalf("[]bson.M: %+v, %v", res, err)
	}
	if docs := srv.Store().Docs("app.people"); len(docs) != 3 {
		t.Errorf("%d documents stored", len(docs))
	}
	if _, err := coll.InsertMany(ctx, idPerson{3, "x"}); err == nil {
		t.Error("InsertMany took a struct")
	}
}
