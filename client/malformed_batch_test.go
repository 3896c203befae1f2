package client_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/mockserver"
	"github.com/torque-go/torque/pool"
)

// A cursor's batch is framed on arrival and each document checked inside
// where it is read (issue 19, "Reading a batch"). These tests feed batch
// documents whose framing is right but whose inside is not, and check
// that every way of reading one reports a *bson.DecodeError, never a
// panic, a hang or a wrong value, and that none of it touches the pool.

// badDocs are {_id: 1, <something malformed>}: each frames as a document
// (length, final NUL) but is malformed inside.
func badDocs() map[string]bson.Raw {
	bomb := []byte{5, 0, 0, 0, 0}
	for range bson.MaxNestingDepth + 50 {
		bomb = setLen(append(append([]byte{0, 0, 0, 0, 3, 'a', 0}, bomb...), 0))
	}
	return map[string]bson.Raw{
		"bad nested length": idThen([]byte{3, 'a', 0, 100, 0, 0, 0, 0}),
		"unterminated key":  idThen([]byte{0x10, 'a', 'b'}), // the key runs into the final NUL
		"unknown type byte": idThen([]byte{0x55, 'a', 0}),
		"nesting bomb":      idThen(append([]byte{3, 'a', 0}, bomb...)),
	}
}

// idThen is {_id: 1} followed by the raw element bytes tail.
func idThen(tail []byte) bson.Raw {
	id := mockserver.Doc(bson.KV("_id", int32(1)))
	b := append(append([]byte(nil), id[:len(id)-1]...), tail...)
	return setLen(append(b, 0))
}

func setLen(b []byte) []byte {
	binary.LittleEndian.PutUint32(b, uint32(len(b)))
	return b
}

var goodDoc = mockserver.Doc(bson.KV("_id", int32(0)), bson.KV("name", "Ada"))

// poolWatch counts the pool events that would mean the client blamed the
// server or the connection.
type poolWatch struct {
	mu             sync.Mutex
	cleared, close int
}

func (w *poolWatch) monitor(e pool.Event) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch e.Type {
	case pool.PoolCleared:
		w.cleared++
	case pool.ConnectionClosed:
		w.close++
	}
}

func (w *poolWatch) check(t *testing.T) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cleared != 0 || w.close != 0 {
		t.Errorf("pool cleared %d times, %d connections closed; a malformed document is no reason", w.cleared, w.close)
	}
}

// wantDecodeError checks that err is a *bson.DecodeError (wrapped) whose
// text says where, and that it is not a network error.
func wantDecodeError(t *testing.T, what string, err error) {
	t.Helper()
	var de *bson.DecodeError
	if !errors.As(err, &de) {
		t.Errorf("%s: err = %v (%T), want a *bson.DecodeError", what, err, err)
		return
	}
	if client.IsNetworkError(err) || !strings.Contains(err.Error(), "at byte") {
		t.Errorf("%s: %v: a network error, or no position", what, err)
	}
}

func TestMalformedBatchDocument(t *testing.T) {
	for name, bad := range badDocs() {
		t.Run(name, func(t *testing.T) {
			srv := primary(t, mockserver.Hello{})
			srv.Handle("find", func(req *mockserver.Request) mockserver.Reply {
				return mockserver.CursorReply("test.c", 0, goodDoc, bad, goodDoc)
			})
			var w poolWatch
			c := connect(t, srv.URI(), client.Options{PoolMonitor: w.monitor})
			ctx := ctxT(t)
			coll := c.Database("test").Collection("c")
			readCurrent(t, ctx, coll, name)
			readDecoded(t, ctx, coll)
			readKept(t, ctx, coll)
			readTyped(t, ctx, coll)
			res := coll.FindOne(ctx, bson.D{}) // finds goodDoc: FindOne checks only the document it returns
			if err := res.Err(); err != nil {
				t.Errorf("FindOne of the good first document: %v", err)
			}
			srv.Handle("find", func(req *mockserver.Request) mockserver.Reply {
				return mockserver.CursorReply("test.c", 0, bad, goodDoc)
			})
			res = coll.FindOne(ctx, bson.D{})
			var m bson.M
			wantDecodeError(t, "FindOne.Decode", res.Decode(&m))
			raw, err := res.Raw()
			wantDecodeError(t, "FindOne.Raw", err)
			if raw != nil {
				t.Errorf("FindOne.Raw handed out %d bytes with its error", len(raw))
			}
			if _, err := client.Typed[bson.M](coll).FindOne(ctx, bson.D{}); err == nil {
				t.Error("TypedCollection.FindOne: no error")
			}
			if err := c.Ping(ctx); err != nil {
				t.Errorf("Ping after: %v", err)
			}
			w.check(t)
		})
	}
}

// readCurrent iterates with Next and Iter: the bad document is handed
// out (framed), and every reader that reports errors reports one.
func readCurrent(t *testing.T, ctx context.Context, coll *client.Collection, name string) {
	cur, err := coll.Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	defer cur.Close(ctx)
	for i := range 2 {
		if !cur.Next(ctx) {
			t.Fatalf("Next %d: false, %v: the batch frames, Next must hand it out", i, cur.Err())
		}
	}
	doc := cur.Current
	wantDecodeError(t, "Current.ValidateStructure", doc.ValidateStructure())
	wantDecodeError(t, "Current.Validate", doc.Validate())
	if id, err := doc.LookupErr("_id"); err != nil || id.Type != bson.TypeInt32 {
		t.Errorf("LookupErr(\"_id\"), before the malformed part: %v, %v", id, err) // read rightly
	}
	if name != "nesting bomb" { // every level of the bomb frames: the walkers read it rightly
		_, err := doc.LookupErr("zzz")
		wantDecodeError(t, "Current.LookupErr", err)
		_, err = doc.Elements()
		wantDecodeError(t, "Current.Elements", err)
		if v := doc.Lookup("zzz"); !v.IsZero() {
			t.Errorf("Lookup on a malformed document = %v, want the zero value", v)
		}
		_, err = doc.LookupErr("a") // the malformed element itself
		wantDecodeError(t, "Current.LookupErr of the malformed element", err)
		if d, ok := doc.Lookup("a").Document(); ok {
			t.Errorf("RawValue.Document of the malformed element: %x", []byte(d))
		}
	} else {
		v, err := doc.LookupErr("a")
		d, ok := v.Document()
		if err != nil || !ok {
			t.Fatalf("the bomb's first level: %v, %v", err, ok)
		}
		wantDecodeError(t, "RawValue.Document().Validate of the bomb", d.Validate())
		wantDecodeError(t, "RawValue.Validate of the bomb", v.Validate())
		var dd bson.D
		wantDecodeError(t, "RawValue.Unmarshal of the bomb", v.Unmarshal(&dd))
	}
	if s := doc.String(); !strings.HasPrefix(s, "<invalid BSON: ") {
		t.Errorf("Current.String() = %.80q, want it to say the BSON is invalid", s)
	}
	var d bson.D
	wantDecodeError(t, "Cursor.Decode", cur.Decode(&d))
	if cur.Err() != nil {
		t.Errorf("a Decode error stopped the cursor: %v", cur.Err())
	}
	if !cur.Next(ctx) || cur.Next(ctx) || cur.Err() != nil {
		t.Errorf("after the bad document: want one more, then the end; err %v", cur.Err())
	}
	cur, err = coll.Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for doc, err := range cur.Iter(ctx) {
		if err != nil {
			t.Fatalf("Iter: %v", err)
		}
		if n == 1 {
			wantDecodeError(t, "Iter document ValidateStructure", doc.ValidateStructure())
		}
		n++
	}
	if n != 3 {
		t.Errorf("Iter gave %d documents, want 3", n)
	}
}

// readDecoded decodes the bad document into every kind of target: each
// one reports it, a struct that takes none of its fields included.
func readDecoded(t *testing.T, ctx context.Context, coll *client.Collection) {
	targets := map[string]func() any{
		"bson.D":         func() any { return new(bson.D) },
		"bson.M":         func() any { return new(bson.M) },
		"bson.Raw":       func() any { return new(bson.Raw) },
		"struct{}":       func() any { return new(struct{}) },
		"Raw field":      func() any { return new(struct{ A bson.Raw }) },
		"RawValue":       func() any { return new(struct{ A bson.RawValue }) },
		"map[string]any": func() any { return new(map[string]any) },
	}
	for tname, mk := range targets {
		cur, err := coll.Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		cur.Next(ctx)
		cur.Next(ctx)
		wantDecodeError(t, "Decode into "+tname, cur.Decode(mk()))
		_ = cur.Close(ctx)
	}
	cur, err := coll.Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var all []bson.D
	err = cur.All(ctx, &all)
	wantDecodeError(t, "All into []bson.D", err)
	if !strings.Contains(fmt2(err), "document 1") {
		t.Errorf("All: %v, want the document's position", err)
	}
}

func fmt2(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// readKept checks what hands out a Raw to keep: All into []bson.Raw and
// ToList validate each document.
func readKept(t *testing.T, ctx context.Context, coll *client.Collection) {
	cur, err := coll.Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var raws []bson.Raw
	err = cur.All(ctx, &raws)
	wantDecodeError(t, "All into []bson.Raw", err)
	if len(raws) != 1 || !strings.Contains(fmt2(err), "All (document 1)") {
		t.Errorf("All: %d documents, %v; want the good one and an error naming document 1", len(raws), err)
	}
	cur, err = coll.Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	defer cur.Close(ctx)
	list, err := cur.ToList(ctx, 10)
	wantDecodeError(t, "ToList", err)
	if len(list) != 1 || cur.Err() == nil || cur.Next(ctx) {
		t.Errorf("ToList: %d documents, Err %v; want the good one, and the cursor stopped", len(list), cur.Err())
	}
}

func readTyped(t *testing.T, ctx context.Context, coll *client.Collection) {
	type person struct {
		ID   int32  `bson:"_id"`
		Name string `bson:"name"`
	}
	tc, err := client.Typed[person](coll).Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close(ctx)
	if !tc.Next(ctx) || tc.Value().Name != "Ada" {
		t.Fatalf("first typed document: %+v, %v", tc.Value(), tc.Err())
	}
	if tc.Next(ctx) {
		t.Fatalf("the bad document decoded: %+v", tc.Value())
	}
	wantDecodeError(t, "TypedCursor.Next", tc.Err())
	if _, err := client.Typed[person](coll).FindAll(ctx, bson.D{}); err == nil {
		t.Error("TypedCollection.FindAll: no error")
	}
}

// A getMore's batch is framed the same way: a document malformed inside
// is handed out and reported where read; a batch that does not frame ends
// the cursor with the reply's error. Neither blames the connection.
func TestMalformedGetMoreBatch(t *testing.T) {
	bad := badDocs()["unknown type byte"]
	srv := primary(t, mockserver.Hello{})
	srv.Handle("find", func(req *mockserver.Request) mockserver.Reply {
		return mockserver.CursorReply("test.c", 7, goodDoc)
	})
	srv.Handle("getMore", func(req *mockserver.Request) mockserver.Reply {
		return mockserver.NextBatch("test.c", 0, bad)
	})
	var w poolWatch
	c := connect(t, srv.URI(), client.Options{PoolMonitor: w.monitor})
	ctx := ctxT(t)
	coll := c.Database("test").Collection("c")
	cur, err := coll.Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var all []bson.M
	wantDecodeError(t, "All over a getMore", cur.All(ctx, &all))

	// A nextBatch whose second document's length runs past the batch.
	r := mockserver.NextBatch("test.c", 0, goodDoc, goodDoc)
	i := strings.Index(string(r.Doc), string(goodDoc)) + len(goodDoc) + 3
	binary.LittleEndian.PutUint32(r.Doc[i:], uint32(len(goodDoc)+9))
	srv.Handle("getMore", func(req *mockserver.Request) mockserver.Reply { return r })
	cur, err = coll.Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for cur.Next(ctx) {
		n++
	}
	wantDecodeError(t, "a getMore batch that does not frame", cur.Err())
	if n != 1 || !strings.Contains(fmt2(cur.Err()), "cursor.nextBatch.1") {
		t.Errorf("%d documents, %v; want 1 and an error naming cursor.nextBatch.1", n, cur.Err())
	}
	_ = cur.Close(ctx)
	if err := c.Ping(ctx); err != nil {
		t.Errorf("Ping after: %v", err)
	}
	w.check(t)
}

// The helpers that read cursor documents themselves report a malformed
// one: ListCollectionNames, CountDocuments, Distinct (whose reply is
// checked whole on arrival).
func TestMalformedDocumentHelpers(t *testing.T) {
	bad := badDocs()["unknown type byte"]
	srv := primary(t, mockserver.Hello{})
	srv.Handle("listCollections", func(req *mockserver.Request) mockserver.Reply {
		return mockserver.CursorReply("test.$cmd.listCollections", 0, bad)
	})
	srv.Handle("aggregate", func(req *mockserver.Request) mockserver.Reply {
		return mockserver.CursorReply("test.c", 0, bad)
	})
	srv.Handle("distinct", func(req *mockserver.Request) mockserver.Reply {
		return mockserver.OK(bson.KV("values", bson.A{int32(1), bad}))
	})
	var w poolWatch
	c := connect(t, srv.URI(), client.Options{PoolMonitor: w.monitor})
	ctx := ctxT(t)
	db := c.Database("test")
	_, err := db.ListCollectionNames(ctx, bson.D{})
	wantDecodeError(t, "ListCollectionNames", err)
	_, err = db.Collection("c").CountDocuments(ctx, bson.D{})
	wantDecodeError(t, "CountDocuments", err)
	agg, err := db.Collection("c").Aggregate(ctx, bson.A{})
	if err != nil {
		t.Fatal(err)
	}
	var all []bson.Raw
	wantDecodeError(t, "Aggregate then All", agg.All(ctx, &all))
	_, err = db.Collection("c").Distinct(ctx, "x", bson.D{})
	wantDecodeError(t, "Distinct", err)
	w.check(t)
}

// appendBad returns doc with the malformed element tail added at its end.
func appendBad(doc bson.Raw, tail []byte) bson.Raw {
	b := append(append([]byte(nil), doc[:len(doc)-1]...), tail...)
	return setLen(append(b, 0))
}

// A change stream checks each event whole before it takes its resume
// token: a malformed event ends the stream with the decode error, its
// token is not taken, the stream does not resume, the pool is not
// cleared; whether the problem is before _id or after it.
func TestWatchMalformedEvent(t *testing.T) {
	for name, tail := range map[string][]byte{
		"after _id":  {0x55, 'a', 0},
		"before _id": nil,
	} {
		t.Run(name, func(t *testing.T) {
			srv := primary(t, mockserver.Hello{})
			o := newFakeOplog(srv, "test.c", "insert", "insert", "insert")
			if tail != nil {
				o.events[1] = appendBad(o.events[1], tail)
			} else { // {a: <a document whose length says 100>, _id, ...}
				ev := o.events[1]
				b := append(append([]byte(nil), ev[:4]...), 3, 'a', 0, 100, 0, 0, 0, 0)
				o.events[1] = setLen(append(b, ev[4:]...))
			}
			var w poolWatch
			c := connect(t, srv.URI(), client.Options{PoolMonitor: w.monitor})
			ctx := ctxT(t)
			cs, err := c.Database("test").Collection("c").Watch(ctx, bson.A{})
			if err != nil {
				t.Fatal(err)
			}
			defer cs.Close(ctx)
			if !cs.Next(ctx) {
				t.Fatalf("event 1: %v", cs.Err())
			}
			tok := bytes.Clone(cs.ResumeToken())
			if cs.Next(ctx) {
				t.Fatalf("the malformed event was delivered: %x", []byte(cs.Current))
			}
			wantDecodeError(t, "ChangeStream.Next", cs.Err())
			if got := cs.ResumeToken(); !bytes.Equal(got, tok) {
				t.Errorf("resume token %s after the malformed event, want event 1's %s", got, bson.Raw(tok))
			}
			if n := cs.Resumes(); n != 0 {
				t.Errorf("%d resumes", n)
			}
			var m bson.M
			if err := cs.Decode(&m); err == nil {
				t.Error("Decode after the failed Next: no error")
			}
			w.check(t)
		})
	}
}

// A client bulk write reads its results cursor's entries: a malformed one
// in a getMore's batch fails the write with the decode error.
func TestClientBulkWriteMalformedResult(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	entry := func(i int) bson.Raw {
		return mockserver.Doc(bson.KV("ok", 1.0), bson.KV("idx", int32(i)), bson.KV("n", int32(1)))
	}
	srv.Handle("bulkWrite", func(*mockserver.Request) mockserver.Reply {
		r := mockserver.CursorReply("admin.$cmd.bulkWrite", 42, entry(0))
		var d bson.D
		_ = bson.Unmarshal(r.Doc, &d)
		r.Doc = mockserver.Doc(append(d, bson.KV("nErrors", int32(0)), bson.KV("nInserted", int32(2)))...)
		return r
	})
	srv.Queue("getMore", mockserver.NextBatch("admin.$cmd.bulkWrite", 0, appendBad(entry(1), []byte{0x55, 'x', 0})))
	var w poolWatch
	c := connect(t, srv.URI(), client.Options{PoolMonitor: w.monitor})
	ctx := ctxT(t)
	models := inserts(2, "db", "coll", func(i int) any { return bson.D{bson.KV("_id", i)} })
	_, err := c.BulkWrite(ctx, models, client.ClientBulkWriteOptions{VerboseResults: true})
	wantDecodeError(t, "BulkWrite", err)
	w.check(t)
}
