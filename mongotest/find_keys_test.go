package mongotest_test

import (
	"fmt"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/mongotest"
)

func TestFindReturnKeyShowRecordIDMinMax(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	db := c.Database("app")
	mustRun(t, ctx, db, bson.D{kv("insert", "t"), kv("documents", bson.A{
		bson.D{kv("_id", 1), kv("x", 30)}, bson.D{kv("_id", 2), kv("x", 10)}, bson.D{kv("_id", 3), kv("x", 20)}})})
	mustRun(t, ctx, db, bson.D{kv("createIndexes", "t"), kv("indexes", bson.A{bson.D{kv("key", bson.D{kv("x", -1)}), kv("name", "x_-1")}})})
	batch := func(cmd bson.D) string {
		t.Helper()
		return fmt.Sprint(field(mustRun(t, ctx, db, cmd), "cursor", "firstBatch"))
	}
	for _, tc := range []struct {
		cmd  bson.D
		want string
	}{
		{bson.D{kv("find", "t"), kv("sort", bson.D{kv("_id", 1)}), kv("returnKey", true), kv("showRecordId", true)},
			`[{"_id":1},{"_id":2},{"_id":3}]`},
		{bson.D{kv("find", "t"), kv("filter", bson.D{kv("x", 20)}), kv("returnKey", true)}, `[{"x":20}]`},
		{bson.D{kv("find", "t"), kv("filter", bson.D{kv("x", bson.D{kv("$gt", 0)})}), kv("returnKey", true)}, `[{},{},{}]`},
		{bson.D{kv("find", "t"), kv("showRecordId", true), kv("projection", bson.D{kv("_id", 0)})},
			`[{"x":30,"$recordId":1},{"x":10,"$recordId":2},{"x":20,"$recordId":3}]`},
		// x descending: min 30 (inclusive) to max 10 (exclusive) is 30, 20.
		{bson.D{kv("find", "t"), kv("hint", "x_-1"), kv("min", bson.D{kv("x", 30)}), kv("max", bson.D{kv("x", 10)})},
			`[{"_id":1,"x":30},{"_id":3,"x":20}]`},
		{bson.D{kv("find", "t"), kv("hint", bson.D{kv("_id", 1)}), kv("min", bson.D{kv("_id", 2)})}, `[{"_id":2,"x":10},{"_id":3,"x":20}]`},
	} {
		if got := batch(tc.cmd); got != tc.want {
			t.Errorf("%v:\n got %s\nwant %s", tc.cmd, got, tc.want)
		}
	}
	if _, err := run(ctx, db, bson.D{kv("find", "t"), kv("min", bson.D{kv("x", 1)})}); code(err) != 51173 {
		t.Errorf("min without hint: %v, want 51173", err)
	}
	if _, err := run(ctx, db, bson.D{kv("find", "t"), kv("hint", "x_-1"), kv("max", bson.D{kv("y", 1)})}); code(err) != 51174 {
		t.Errorf("max not matching the index: %v, want 51174", err)
	}
}
