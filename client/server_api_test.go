package client_test

import (
	"context"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/mockserver"
)

// Options.ServerAPI goes with every command — the handshake, getMore and
// killCursors included — and nothing goes without it (versioned-api spec).
func TestServerAPIOnEveryCommand(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	d := func(i int) bson.Raw { return mockserver.Doc(bson.KV("i", i)) }
	srv.Queue("find", mockserver.CursorReply("test.c", 7, d(1)))
	srv.Queue("getMore", mockserver.NextBatch("test.c", 7, d(2)))
	c := connect(t, srv.URI(), client.Options{ServerAPI: &client.ServerAPI{Version: "1", Strict: true}})
	ctx := ctxT(t)
	coll := c.Database("test").Collection("c")
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("a", 1)}); err != nil {
		t.Fatal(err)
	}
	cur, err := coll.Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	cur.Next(ctx)
	cur.Next(ctx)
	if err := cur.Close(ctx); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range srv.Requests() {
		if r.Name == "endSessions" {
			continue
		}
		seen[r.Name] = true
		v, _ := r.Lookup("apiVersion").StringValue()
		strict, _ := r.Lookup("apiStrict").Boolean()
		if v != "1" || !strict || !r.Lookup("apiDeprecationErrors").IsZero() {
			t.Errorf("%s: apiVersion %q, apiStrict %v, apiDeprecationErrors %v", r.Name, v, strict, r.Lookup("apiDeprecationErrors"))
		}
	}
	for _, name := range []string{"hello", "insert", "find", "getMore", "killCursors"} {
		if !seen[name] {
			t.Errorf("no %s seen (saw %v)", name, seen)
		}
	}

	plain := primary(t, mockserver.Hello{})
	c2 := connect(t, plain.URI())
	if err := c2.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	for _, r := range plain.Requests() {
		if !r.Lookup("apiVersion").IsZero() {
			t.Errorf("%s carries apiVersion with no ServerAPI declared", r.Name)
		}
	}
	if _, err := client.Connect(context.Background(), plain.URI(), client.Options{ServerAPI: &client.ServerAPI{Version: "2"}}); err == nil {
		t.Error("an unknown API version was accepted")
	}
}
