package wirehost

import (
	"sync/atomic"
	"testing"

	"github.com/torque-go/torque/bson"
)

func TestStoreCRUD(t *testing.T) {
	srv := New(t, Options{})
	c := dial(t, srv.Addr())
	r := c.run(cmd(bson.KV("insert", "c"), bson.KV("documents", bson.A{
		Doc(bson.KV("_id", 1), bson.KV("x", "a")),
		Doc(bson.KV("_id", 2), bson.KV("x", "b")),
		Doc(bson.KV("x", "no id")),
	})))
	if num(t, r, "n") != 3 {
		t.Fatalf("insert: %s", r)
	}
	docs := srv.Store().Docs("test.c")
	if len(docs) != 3 || docs[2].Lookup("_id").Type != bson.TypeObjectID {
		t.Errorf("a document without _id gets an ObjectID: %v", docs)
	}

	r = c.run(cmd(bson.KV("find", "c"), bson.KV("filter", bson.D{bson.KV("_id", int64(2))})))
	batch, _ := r.Lookup("cursor", "firstBatch").Array()
	if got := mustValues(t, batch); len(got) != 1 || str(t, mustDoc(t, got[0]), "x") != "b" {
		t.Errorf("find {_id: 2} (as int64, stored as int32): %s", r)
	}
	r = c.run(cmd(bson.KV("update", "c"), bson.KV("updates", bson.A{
		bson.D{bson.KV("q", bson.D{bson.KV("_id", 1)}), bson.KV("u", bson.D{bson.KV("$set", bson.D{bson.KV("y", true)})})},
	})))
	if num(t, r, "n") != 1 || num(t, r, "nModified") != 1 {
		t.Errorf("update: %s", r)
	}
	if got := srv.Store().Find("test.c", Doc(bson.KV("y", true))); len(got) != 1 || str(t, got[0], "x") != "a" {
		t.Errorf("$set did not keep x or add y: %v", got)
	}
	r = c.run(cmd(bson.KV("update", "c"), bson.KV("updates", bson.A{
		bson.D{bson.KV("q", bson.D{bson.KV("_id", 1)}), bson.KV("u", bson.D{bson.KV("$inc", bson.D{bson.KV("n", 1)})})},
	})))
	if num(t, r, "writeErrors", "0", "code") != 9 {
		t.Errorf("unsupported operator: %s", r)
	}
	if r = c.run(cmd(bson.KV("count", "c"), bson.KV("query", bson.D{bson.KV("x", "b")}))); num(t, r, "n") != 1 {
		t.Errorf("count: %s", r)
	}
	r = c.run(cmd(bson.KV("delete", "c"), bson.KV("deletes", bson.A{bson.D{bson.KV("q", bson.D{}), bson.KV("limit", 1)}})))
	if num(t, r, "n") != 1 || len(srv.Store().Docs("test.c")) != 2 {
		t.Errorf("delete limit 1: %s", r)
	}
	r = c.run(cmd(bson.KV("delete", "c"), bson.KV("deletes", bson.A{bson.D{bson.KV("q", bson.D{}), bson.KV("limit", 0)}})))
	if num(t, r, "n") != 2 || len(srv.Store().Docs("test.c")) != 0 {
		t.Errorf("delete all: %s", r)
	}
}

func TestOrderedInsertStopsAtDuplicate(t *testing.T) {
	srv := New(t, Options{})
	c := dial(t, srv.Addr())
	one := Doc(bson.KV("_id", 1))
	r := c.run(cmd(bson.KV("insert", "c")), seq("documents", one, one, Doc(bson.KV("_id", 2))))
	if num(t, r, "n") != 1 || num(t, r, "writeErrors", "0", "index") != 1 || num(t, r, "writeErrors", "0", "code") != 11000 {
		t.Errorf("ordered insert: %s", r)
	}
	r = c.run(cmd(bson.KV("insert", "d"), bson.KV("ordered", false)), seq("documents", one, one, Doc(bson.KV("_id", 2))))
	if num(t, r, "n") != 2 {
		t.Errorf("unordered insert goes on after the duplicate: %s", r)
	}
}

func mustDoc(t *testing.T, v bson.RawValue) bson.Raw {
	t.Helper()
	d, ok := v.Document()
	if !ok {
		t.Fatalf("%v is not a document", v)
	}
	return d
}

func TestReplyHelpers(t *testing.T) {
	d := Doc(bson.KV("a", 1))
	for _, tc := range []struct {
		name string
		got  bson.Raw
		want string
	}{
		{"OK", OK(bson.KV("n", 2)).Doc, `{"ok":1.0,"n":2}`},
		{"Error", Error(11000, "DuplicateKey", "dup", "L").Doc, `{"ok":0.0,"errmsg":"dup","code":11000,"codeName":"DuplicateKey","errorLabels":["L"]}`},
		{"CursorReply", CursorReply("db.c", 5, d).Doc, `{"ok":1.0,"cursor":{"id":5,"ns":"db.c","firstBatch":[{"a":1}]}}`},
		{"NextBatch", NextBatch("db.c", 0).Doc, `{"ok":1.0,"cursor":{"id":0,"ns":"db.c","nextBatch":[]}}`},
		{"WriteErrors", WriteErrors(1, WriteError{Index: 1, Code: 11000, ErrMsg: "dup"}).Doc, `{"ok":1.0,"n":1,"writeErrors":[{"index":1,"code":11000,"errmsg":"dup"}]}`},
		{"WriteConcernError", WriteConcernError(1, 64, "WriteConcernFailed", "late", "RetryableWriteError").Doc,
			`{"ok":1.0,"n":1,"writeConcernError":{"code":64,"codeName":"WriteConcernFailed","errmsg":"late"},"errorLabels":["RetryableWriteError"]}`},
		{"withFields", withFields(Doc(bson.KV("ok", 1.0), bson.KV("n", 1)), bson.KV("n", 2)), `{"ok":1.0,"n":2}`},
		{"unmarshallable", Doc(bson.KV("c", make(chan int))), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.want == "" {
				if num(t, tc.got, "ok") != 0 || tc.got.Lookup("errmsg").IsZero() {
					t.Errorf("an unmarshallable reply must become an error document: %s", tc.got)
				}
				return
			}
			if got := tc.got.String(); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestHandlerActions(t *testing.T) {
	srv := New(t, Options{})
	var calls atomic.Int32
	srv.Handle("insert", func(req *Request) Reply {
		calls.Add(1)
		return Reply{Doc: OK().Doc, Action: CloseAfterApply}
	})
	c := dial(t, srv.Addr())
	body, docs := insertCmd(1)
	c.send(0, body, docs)
	c.expectClosed()
	if _, err := srv.WaitFor(testCtx(t), "insert", 1); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 1 || len(srv.Store().Docs("test.c")) != 0 {
		t.Errorf("scripted handler ran %d times (the store must stay out of it)", calls.Load())
	}
}
