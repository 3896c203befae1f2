package mongotest_test

import (
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/mongotest"
)

// A collection's default collation applies to queries without one and is
// inherited by its indexes; a unique index with a collation is refused
// (its keys would be compared binary).
func TestCollations(t *testing.T) {
	c, ctx := connect(t, mongotest.New(t))
	db := c.Database("app")
	en2 := bson.D{kv("locale", "en"), kv("strength", int32(2))}
	if _, err := run(ctx, db, bson.D{kv("create", "ci"), kv("collation", en2)}); err != nil {
		t.Fatal(err)
	}
	coll := db.Collection("ci")
	if _, err := coll.InsertMany(ctx, []any{bson.D{kv("_id", 1), kv("x", "Ping")}, bson.D{kv("_id", 2), kv("x", "pong")}}); err != nil {
		t.Fatal(err)
	}
	for filter, want := range map[string]int64{"PING": 1, "ping": 1, "pang": 0} {
		if n, err := coll.CountDocuments(ctx, bson.D{kv("x", filter)}); err != nil || n != want {
			t.Errorf("count x=%s under the default collation: %d %v, want %d", filter, n, err, want)
		}
	}
	r, err := run(ctx, db, bson.D{kv("find", "ci"), kv("filter", bson.D{kv("x", "PING")}), kv("collation", bson.D{kv("locale", "simple")})})
	if err != nil || len(field(r, "cursor", "firstBatch").(bson.A)) != 0 {
		t.Errorf("find with the simple collation: %v %v, want no document", r, err)
	}
	if _, err := run(ctx, db, bson.D{kv("createIndexes", "ci"), kv("indexes", bson.A{bson.D{kv("key", bson.D{kv("x", 1)}), kv("name", "x_1")}})}); err != nil {
		t.Fatal(err)
	}
	r, err = run(ctx, db, bson.D{kv("listIndexes", "ci")})
	idx := field(r, "cursor", "firstBatch").(bson.A)
	if err != nil || len(idx) != 2 || field(idx[1].(bson.D), "collation", "strength") != int32(2) {
		t.Errorf("listIndexes: %v %v, want x_1 with the collection's collation", r, err)
	}
	_, err = run(ctx, db, bson.D{kv("createIndexes", "ci"), kv("indexes", bson.A{bson.D{kv("key", bson.D{kv("y", 1)}), kv("name", "y_1"), kv("unique", true)}})})
	if code(err) != 59 {
		t.Errorf("unique index with a collation: %v, want mongotest's refusal (59)", err)
	}
	_, err = run(ctx, db, bson.D{kv("find", "ci"), kv("collation", bson.D{kv("locale", "en"), kv("strength", int32(9))})})
	if code(err) != 2 {
		t.Errorf("strength 9: %v, want BadValue", err)
	}
}
