package client_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/mockserver"
	"github.com/torque-go/torque/pool"
)

// An event whose string is not UTF-8 (MongoDB stores such bytes as they
// are) is delivered, and one getMore reply that cannot be read ends the
// stream with the decode error: neither clears the pool, neither makes
// the stream resume (issue 13, item 1: a change stream resumed forever).
func TestWatchUndecodableEventDoesNotResume(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	o := newFakeOplog(srv, "test.c", "insert", "insert", "insert")
	o.events[1] = mockserver.Doc(bson.KV("_id", token(2)), bson.KV("operationType", "insert"),
		bson.KV("ns", bson.D{bson.KV("db", "test"), bson.KV("coll", "c")}),
		bson.KV("documentKey", bson.D{bson.KV("_id", int32(2))}), bson.KV("seq", int32(2)),
		bson.KV("fullDocument", bson.D{bson.KV("name", "caf\xe9")}))
	var mu sync.Mutex
	var cleared int
	c := connect(t, srv.URI(), client.Options{PoolMonitor: func(e pool.Event) {
		if e.Type == pool.PoolCleared {
			mu.Lock()
			cleared++
			mu.Unlock()
		}
	}})
	ctx := ctxT(t)
	cs, err := c.Database("test").Collection("c").Watch(ctx, bson.A{})
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close(ctx)
	for i := 1; i <= 2; i++ {
		if !cs.Next(ctx) {
			t.Fatalf("event %d: %v", i, cs.Err())
		}
	}
	var ev struct {
		FullDocument struct{ Name string } `bson:"fullDocument"`
	}
	if err := bson.Unmarshal(cs.Current, &ev); err != nil || ev.FullDocument.Name != "caf\xe9" {
		t.Errorf("the Latin-1 event decodes to %q, %v; want its bytes as they are", ev.FullDocument.Name, err)
	}
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"getMore"}, Action: mockserver.ReplyBadBSON})
	if cs.Next(ctx) {
		t.Fatalf("a getMore reply that is not BSON gave an event: %s", cs.Current)
	}
	var de *bson.DecodeError
	if err := cs.Err(); !errors.As(err, &de) || client.IsNetworkError(err) {
		t.Errorf("Err = %v, want the decode error, not a network error", err)
	}
	if n := cs.Resumes(); n != 0 {
		t.Errorf("%d resumes after an unreadable reply, want 0", n)
	}
	if n := len(srv.CommandsNamed("aggregate")); n != 1 {
		t.Errorf("%d aggregates, want 1", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if cleared != 0 {
		t.Errorf("the pool was cleared %d times", cleared)
	}
}
