package mongotest_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

func TestCollModIndex(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	db := c.Database("app")
	mustRun(t, ctx, db, bson.D{kv("insert", "t"), kv("documents", bson.A{
		bson.D{kv("_id", 1), kv("x", 1)}, bson.D{kv("_id", 2), kv("x", 1)},
		bson.D{kv("_id", 3), kv("x", 2)}, bson.D{kv("_id", 4), kv("x", 2)}, bson.D{kv("_id", 5), kv("x", 3)}})})
	mustRun(t, ctx, db, bson.D{kv("createIndexes", "t"), kv("indexes", bson.A{
		bson.D{kv("key", bson.D{kv("x", 1)}), kv("name", "x_1")},
		bson.D{kv("key", bson.D{kv("ts", 1)}), kv("name", "ttl"), kv("expireAfterSeconds", 60)}})})
	collMod := func(index bson.D) (bson.D, error) {
		return run(ctx, db, bson.D{kv("collMod", "t"), kv("index", index)})
	}
	if _, err := collMod(bson.D{kv("keyPattern", bson.D{kv("x", 1)}), kv("unique", true)}); code(err) != 72 {
		t.Errorf("unique before prepareUnique: %v, want InvalidOptions", err)
	}
	r, err := collMod(bson.D{kv("keyPattern", bson.D{kv("x", 1)}), kv("prepareUnique", true), kv("hidden", true)})
	if err != nil || fmt.Sprint(r) != `{"hidden_old":false,"hidden_new":true,"prepareUnique_old":false,"prepareUnique_new":true,"ok":1.0}` {
		t.Errorf("prepareUnique + hidden: %v %v", r, err)
	}
	// New duplicates are refused; the old ones stay.
	if _, err := run(ctx, db, bson.D{kv("insert", "t"), kv("documents", bson.A{bson.D{kv("_id", 6), kv("x", 3)}})}); err == nil {
		t.Error("a new duplicate key after prepareUnique was accepted")
	}
	_, err = collMod(bson.D{kv("name", "x_1"), kv("unique", true)})
	var ce *client.CommandError
	if !errors.As(err, &ce) || ce.Code != 359 {
		t.Fatalf("unique over duplicates: %v, want CannotConvertIndexToUnique", err)
	}
	var reply bson.D
	if err := bson.Unmarshal(ce.Raw, &reply); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(field(reply, "violations")); got != `[{"ids":[1,2]},{"ids":[3,4]}]` {
		t.Errorf("violations %s", got)
	}
	mustRun(t, ctx, db, bson.D{kv("delete", "t"), kv("deletes", bson.A{bson.D{kv("q", bson.D{kv("_id", bson.D{kv("$in", bson.A{2, 4})})}), kv("limit", 0)}})})
	if r, err := collMod(bson.D{kv("name", "x_1"), kv("unique", true)}); err != nil || fmt.Sprint(r) != `{"unique_new":true,"ok":1.0}` {
		t.Errorf("unique once the duplicates are gone: %v %v", r, err)
	}
	if r, err := collMod(bson.D{kv("name", "ttl"), kv("expireAfterSeconds", 120)}); err != nil || field(r, "expireAfterSeconds_old") != int32(60) {
		t.Errorf("expireAfterSeconds: %v %v", r, err)
	}
	r = mustRun(t, ctx, db, bson.D{kv("listIndexes", "t")})
	if got := fmt.Sprint(field(r, "cursor", "firstBatch")); got != `[{"v":2,"key":{"_id":1},"name":"_id_"},{"v":2,"key":{"x":1},"name":"x_1","hidden":true,"unique":true},{"v":2,"key":{"ts":1},"name":"ttl","expireAfterSeconds":120}]` {
		t.Errorf("listIndexes after collMod: %s", got)
	}
	for _, tc := range []struct {
		index bson.D
		code  int32
	}{
		{bson.D{kv("hidden", true)}, 72},
		{bson.D{kv("name", "x_1"), kv("keyPattern", bson.D{kv("x", 1)}), kv("hidden", true)}, 72},
		{bson.D{kv("name", "nope"), kv("hidden", true)}, 27},
		{bson.D{kv("name", "x_1")}, 72},
		{bson.D{kv("name", "x_1"), kv("expireAfterSeconds", 5)}, 72},
		{bson.D{kv("name", "x_1"), kv("bogus", 1)}, 40415},
	} {
		if _, err := collMod(tc.index); code(err) != tc.code {
			t.Errorf("collMod index %v: %v, want code %d", tc.index, err, tc.code)
		}
	}
}

// TestPrepareUniqueAndHiddenIndexes: createIndexes with prepareUnique
// keeps the duplicates there and refuses new ones; a hidden index cannot
// be hinted.
func TestPrepareUniqueAndHiddenIndexes(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	db := c.Database("app")
	mustRun(t, ctx, db, bson.D{kv("insert", "t"), kv("documents", bson.A{
		bson.D{kv("_id", 1), kv("x", 1)}, bson.D{kv("_id", 2), kv("x", 1)}})})
	mustRun(t, ctx, db, bson.D{kv("createIndexes", "t"), kv("indexes", bson.A{
		bson.D{kv("key", bson.D{kv("x", 1)}), kv("name", "x_1"), kv("prepareUnique", true)},
		bson.D{kv("key", bson.D{kv("y", 1)}), kv("name", "y_1"), kv("hidden", true)}})})
	if _, err := run(ctx, db, bson.D{kv("insert", "t"), kv("documents", bson.A{bson.D{kv("_id", 3), kv("x", 1)}})}); err == nil {
		t.Error("a new duplicate under prepareUnique was accepted")
	}
	if _, err := run(ctx, db, bson.D{kv("find", "t"), kv("hint", "y_1")}); code(err) != 2 {
		t.Errorf("a hint naming a hidden index: %v, want BadValue", err)
	}
	mustRun(t, ctx, db, bson.D{kv("find", "t"), kv("hint", "x_1")})
}
