package mongotest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/leakcheck"
	"github.com/torque-go/torque/mongotest"
)

func TestWhereSubset(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	db := c.Database("app")
	insertIDs(t, ctx, db, "t", 1, 2)
	ids := func(filter bson.D) string {
		t.Helper()
		r := mustRun(t, ctx, db, bson.D{kv("find", "t"), kv("filter", filter), kv("projection", bson.D{kv("pad", 0)})})
		return fmt.Sprint(field(r, "cursor", "firstBatch"))
	}
	for _, tc := range []struct {
		where any
		want  string
	}{
		{"sleep(5) || true", `[{"_id":1},{"_id":2}]`},
		{"sleep(5) || false", `[]`},
		{" true ", `[{"_id":1},{"_id":2}]`},
		{bson.JavaScript("function() { sleep(5); return true; }"), `[{"_id":1},{"_id":2}]`},
		{"function(){return false}", `[]`},
	} {
		if got := ids(bson.D{kv("_id", bson.D{kv("$gte", 2)}), kv("$where", tc.where)}); tc.want != `[]` && got != `[{"_id":2}]` || tc.want == `[]` && got != `[]` {
			t.Errorf("$where %q with _id >= 2: %s", tc.where, got)
		}
	}
	for _, js := range []string{"this.x > 1", "sleep(5); true", "function() { return this.a; }"} {
		if _, err := run(ctx, db, bson.D{kv("find", "t"), kv("filter", bson.D{kv("$where", js)})}); code(err) != 2 {
			t.Errorf("$where %q: %v, want BadValue (no JavaScript engine)", js, err)
		}
	}
	if _, err := run(ctx, db, bson.D{kv("find", "t"), kv("maxTimeMS", 20), kv("filter", bson.D{kv("$where", "sleep(600000) || true")})}); code(err) != 50 {
		t.Errorf("a $where sleep past maxTimeMS: %v, want MaxTimeMSExpired", err)
	}
	r := mustRun(t, ctx, db, bson.D{kv("update", "t"), kv("updates", bson.A{bson.D{
		kv("q", bson.D{kv("_id", 1), kv("$where", "sleep(1) || true")}), kv("u", bson.D{kv("$set", bson.D{kv("a", 1)})})}})})
	if field(r, "nModified") != int32(1) {
		t.Errorf("update with $where: %v", r)
	}
}

// TestWhereSleepEndsWithTheConnection: a client that gives up on an
// update held by $where closes its connection; the server stops the
// operation (ClientDisconnect) instead of applying it after the sleep.
func TestWhereSleepEndsWithTheConnection(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	db := c.Database("app")
	insertIDs(t, ctx, db, "t", 1)
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	_, err := run(short, db, bson.D{kv("update", "t"), kv("updates", bson.A{bson.D{
		kv("q", bson.D{kv("$where", "sleep(1500) || true")}), kv("u", bson.D{kv("$set", bson.D{kv("a", 1)})})}})})
	if err == nil {
		t.Fatal("the update held 1.5s returned within 100ms")
	}
	time.Sleep(2500 * time.Millisecond) // past the sleep: an update that went on would show
	r := mustRun(t, ctx, db, bson.D{kv("find", "t"), kv("filter", bson.D{kv("a", 1)})})
	if got := fmt.Sprint(field(r, "cursor", "firstBatch")); got != "[]" {
		t.Errorf("the interrupted update was applied: %s", got)
	}
}

// TestWhereSleepEndsAtClose: Close does not wait for a $where sleep and
// leaves no goroutine behind.
func TestWhereSleepEndsAtClose(t *testing.T) {
	leakcheck.Check(t)
	srv, err := mongotest.Start(mongotest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, ctx := connect(t, srv)
	db := c.Database("app")
	insertIDs(t, ctx, db, "t", 1)
	done := make(chan error, 1)
	go func() {
		_, err := run(ctx, db, bson.D{kv("find", "t"), kv("filter", bson.D{kv("$where", "sleep(600000) || true")})})
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
		t.Fatal("Close waited for the $where sleep")
	}
	if err := <-done; err == nil {
		t.Error("the find held by $where succeeded across Close")
	}
}
