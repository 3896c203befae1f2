package mongotest_test

import (
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/mongotest"
)

// $listLocalSessions lists the sessions commands used (the aggregate's
// own implicit one at least); killAllSessions forgets them; it runs only
// as {aggregate: 1}.
func TestListLocalSessions(t *testing.T) {
	c, ctx := connect(t, mongotest.New(t))
	admin := c.Database("admin")
	list := func() []bson.D {
		t.Helper()
		r, err := run(ctx, admin, bson.D{kv("aggregate", int32(1)), kv("pipeline", bson.A{bson.D{kv("$listLocalSessions", bson.D{})}}), kv("cursor", bson.D{})})
		if err != nil {
			t.Fatal(err)
		}
		var out []bson.D
		for _, v := range field(r, "cursor", "firstBatch").(bson.A) {
			out = append(out, v.(bson.D))
		}
		return out
	}
	got := list()
	if len(got) == 0 {
		t.Fatal("no session listed")
	}
	if id, ok := field(got[0], "_id", "id").(bson.Binary); !ok || id.Subtype != bson.BinaryUUID {
		t.Errorf("session %v: _id.id is not a UUID", got[0])
	}
	if _, err := run(ctx, admin, bson.D{kv("killAllSessions", bson.A{})}); err != nil {
		t.Fatal(err)
	}
	if got := list(); len(got) != 1 { // the listing's own session
		t.Errorf("after killAllSessions: %d sessions, want 1", len(got))
	}
	_, err := run(ctx, c.Database("app"), bson.D{kv("aggregate", "coll"), kv("pipeline", bson.A{bson.D{kv("$listLocalSessions", bson.D{})}}), kv("cursor", bson.D{})})
	if code(err) != 73 {
		t.Errorf("on a collection: %v, want InvalidNamespace", err)
	}
}
