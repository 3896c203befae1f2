package mongotest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/leakcheck"
	"github.com/torque-go/torque/mongotest"
)

// ids returns the _ids of a cursor reply's batch (firstBatch or nextBatch).
func batchIDs(reply bson.D, key string) string {
	arr, _ := field(reply, "cursor", key).(bson.A)
	var out []string
	for _, d := range arr {
		out = append(out, fmt.Sprint(field(d.(bson.D), "_id")))
	}
	return strings.Join(out, ",")
}

func mustRun(t *testing.T, ctx context.Context, db *client.Database, cmd bson.D) bson.D {
	t.Helper()
	r, err := run(ctx, db, cmd)
	if err != nil {
		t.Fatalf("%v: %v", cmd, err)
	}
	return r
}

func insertIDs(t *testing.T, ctx context.Context, db *client.Database, coll string, ids ...int) {
	t.Helper()
	docs := bson.A{}
	for _, id := range ids {
		docs = append(docs, bson.D{kv("_id", id), kv("pad", strings.Repeat("x", 900))})
	}
	mustRun(t, ctx, db, bson.D{kv("insert", coll), kv("documents", docs)})
}

func TestCappedBounds(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	db := c.Database("app")
	mustRun(t, ctx, db, bson.D{kv("create", "bymax"), kv("capped", true), kv("size", 100000), kv("max", 3)})
	insertIDs(t, ctx, db, "bymax", 1, 2, 3, 4, 5)
	if got := batchIDs(mustRun(t, ctx, db, bson.D{kv("find", "bymax")}), "firstBatch"); got != "3,4,5" {
		t.Errorf("capped max 3 after 5 inserts holds %s, want 3,4,5", got)
	}
	// size 1000 is 4096 bytes: four documents of ~930 bytes fit.
	mustRun(t, ctx, db, bson.D{kv("create", "bysize"), kv("capped", true), kv("size", 1000)})
	insertIDs(t, ctx, db, "bysize", 1, 2, 3, 4, 5, 6, 7)
	if got := batchIDs(mustRun(t, ctx, db, bson.D{kv("find", "bysize")}), "firstBatch"); got != "4,5,6,7" {
		t.Errorf("capped 4096 bytes holds %s, want 4,5,6,7", got)
	}
	if _, err := run(ctx, db, bson.D{kv("create", "nosize"), kv("capped", true)}); code(err) != 2 {
		t.Errorf("capped without size: %v, want BadValue", err)
	}
}

func TestTailableFindErrors(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	db := c.Database("app")
	insertIDs(t, ctx, db, "plain", 1)
	mustRun(t, ctx, db, bson.D{kv("create", "capped"), kv("capped", true), kv("size", 4096)})
	for _, tc := range []struct {
		cmd  bson.D
		code int32
	}{
		{bson.D{kv("find", "plain"), kv("tailable", true)}, 2},
		{bson.D{kv("find", "capped"), kv("awaitData", true)}, 9},
		{bson.D{kv("find", "capped"), kv("tailable", true), kv("singleBatch", true)}, 2},
		{bson.D{kv("find", "capped"), kv("tailable", true), kv("sort", bson.D{kv("_id", 1)})}, 2},
	} {
		if _, err := run(ctx, db, tc.cmd); code(err) != tc.code {
			t.Errorf("%v: %v, want code %d", tc.cmd, err, tc.code)
		}
	}
	// An empty capped collection keeps no tailable cursor, as mongod.
	r := mustRun(t, ctx, db, bson.D{kv("find", "capped"), kv("tailable", true)})
	if id := field(r, "cursor", "id"); id != int64(0) {
		t.Errorf("tailable find on an empty capped collection: cursor id %v, want 0", id)
	}
}

func TestTailableCursorFollowsInserts(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	db := c.Database("app")
	mustRun(t, ctx, db, bson.D{kv("create", "log"), kv("capped", true), kv("size", 100000)})
	insertIDs(t, ctx, db, "log", 1, 2)
	r := mustRun(t, ctx, db, bson.D{kv("find", "log"), kv("tailable", true), kv("filter", bson.D{kv("_id", bson.D{kv("$ne", 4)})})})
	id, _ := field(r, "cursor", "id").(int64)
	if got := batchIDs(r, "firstBatch"); got != "1,2" || id == 0 {
		t.Fatalf("first batch %s, id %d: want 1,2 and an open cursor", got, id)
	}
	getMore := bson.D{kv("getMore", id), kv("collection", "log")}
	r = mustRun(t, ctx, db, getMore)
	if got := batchIDs(r, "nextBatch"); got != "" || field(r, "cursor", "id") != id {
		t.Errorf("getMore at the end: %s, id %v; want an empty batch and the same id", got, field(r, "cursor", "id"))
	}
	insertIDs(t, ctx, db, "log", 3, 4, 5)
	if got := batchIDs(mustRun(t, ctx, db, getMore), "nextBatch"); got != "3,5" {
		t.Errorf("getMore after inserts: %s, want 3,5 (4 filtered out)", got)
	}
	if _, err := run(ctx, db, append(getMore, kv("maxTimeMS", 10))); code(err) != 2 {
		t.Errorf("maxTimeMS on a non-awaitData getMore: %v, want BadValue", err)
	}
	mustRun(t, ctx, db, bson.D{kv("drop", "log")})
	if _, err := run(ctx, db, getMore); code(err) != 175 {
		t.Errorf("getMore after drop: %v, want QueryPlanKilled", err)
	}
	if _, err := run(ctx, db, getMore); code(err) != 43 {
		t.Errorf("getMore on the dead cursor: %v, want CursorNotFound", err)
	}
}

func TestAwaitDataGetMore(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	db := c.Database("app")
	mustRun(t, ctx, db, bson.D{kv("create", "log"), kv("capped", true), kv("size", 100000)})
	insertIDs(t, ctx, db, "log", 1)
	r := mustRun(t, ctx, db, bson.D{kv("find", "log"), kv("tailable", true), kv("awaitData", true)})
	id, _ := field(r, "cursor", "id").(int64)
	getMore := bson.D{kv("getMore", id), kv("collection", "log")}
	// Nothing comes: an empty batch after maxTimeMS, the cursor kept.
	start := time.Now()
	r = mustRun(t, ctx, db, append(getMore, kv("maxTimeMS", 30)))
	if got := batchIDs(r, "nextBatch"); got != "" || field(r, "cursor", "id") != id {
		t.Errorf("awaitData getMore with nothing new: %s, id %v", got, field(r, "cursor", "id"))
	}
	if waited := time.Since(start); waited < 30*time.Millisecond {
		t.Errorf("the getMore returned after %v, before its maxTimeMS of 30ms", waited)
	}
	// An insert during the wait ends it with the document.
	done := make(chan bson.D, 1)
	go func() {
		r, err := run(ctx, db, append(getMore, kv("maxTimeMS", 60000)))
		if err != nil {
			t.Error(err)
		}
		done <- r
	}()
	time.Sleep(20 * time.Millisecond) // let the getMore start waiting (not required)
	insertIDs(t, ctx, db, "log", 2)
	if got := batchIDs(<-done, "nextBatch"); got != "2" {
		t.Errorf("awaitData getMore woken by an insert: %s, want 2", got)
	}
}

// TestAwaitingGetMoreEndsAtClose: Close does not wait for an awaitData
// getMore's maxTimeMS, and leaves no goroutine behind.
func TestAwaitingGetMoreEndsAtClose(t *testing.T) {
	leakcheck.Check(t)
	srv, err := mongotest.Start(mongotest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, ctx := connect(t, srv)
	db := c.Database("app")
	mustRun(t, ctx, db, bson.D{kv("create", "log"), kv("capped", true), kv("size", 100000)})
	insertIDs(t, ctx, db, "log", 1)
	r := mustRun(t, ctx, db, bson.D{kv("find", "log"), kv("tailable", true), kv("awaitData", true)})
	id, _ := field(r, "cursor", "id").(int64)
	done := make(chan error, 1)
	go func() {
		_, err := run(ctx, db, bson.D{kv("getMore", id), kv("collection", "log"), kv("maxTimeMS", 600000)})
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	closed := make(chan error, 1)
	go func() { closed <- srv.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Close waited for the awaiting getMore")
	}
	<-done
}

// TestAwaitingGetMoreEndsWithTheConnection: a client that gives up on an
// awaitData getMore closes its connection; the server stops waiting then,
// not at maxTimeMS, so that a getMore after it (on another connection) is
// not refused as CursorInUse.
func TestAwaitingGetMoreEndsWithTheConnection(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	db := c.Database("app")
	mustRun(t, ctx, db, bson.D{kv("create", "log"), kv("capped", true), kv("size", 100000)})
	insertIDs(t, ctx, db, "log", 1)
	r := mustRun(t, ctx, db, bson.D{kv("find", "log"), kv("tailable", true), kv("awaitData", true)})
	id, _ := field(r, "cursor", "id").(int64)
	getMore := bson.D{kv("getMore", id), kv("collection", "log"), kv("maxTimeMS", 600000)}
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := run(short, db, getMore); err == nil {
		t.Fatal("the awaiting getMore returned within 100ms")
	}
	var err error
	for range 100 { // the server notices the hang-up at once; allow it time under load
		if _, err = run(ctx, db, append(getMore[:2:2], kv("maxTimeMS", 1))); code(err) != 292 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Errorf("getMore after the first one's client hung up: %v", err)
	}
}
