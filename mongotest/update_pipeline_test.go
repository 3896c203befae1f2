package mongotest_test

import (
	"context"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/leakcheck"
	"github.com/torque-go/torque/mongotest"
)

// An update pipeline naming a stage MongoDB does not have fails the whole
// command (mongod's lite parse, 40324), as does a stage object of two
// fields (40323); a real stage that updates may not use is one statement's
// write error, and the statements before it are applied.
func TestUpdatePipelineStageErrors(t *testing.T) {
	defer leakcheck.Check(t)
	srv := mongotest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := rawConn(ctx, t, srv.Addr())
	expectCode(ctx, t, c, "db", bson.D{bson.KV("insert", "c"), bson.KV("documents", bson.A{bson.D{bson.KV("_id", 1), bson.KV("x", 1)}})}, 0, "")
	stmt := func(u bson.A) bson.D {
		return bson.D{bson.KV("q", bson.D{bson.KV("_id", 1)}), bson.KV("u", u)}
	}
	set := bson.A{bson.D{bson.KV("$set", bson.D{bson.KV("y", 2)})}}
	update := func(stmts ...bson.D) bson.D {
		a := bson.A{}
		for _, s := range stmts {
			a = append(a, s)
		}
		return bson.D{bson.KV("update", "c"), bson.KV("updates", a)}
	}
	r := expectCode(ctx, t, c, "db", update(stmt(set), stmt(bson.A{bson.D{bson.KV("$invalidOperator", true)}})), 40324,
		"Unrecognized pipeline stage name: '$invalidOperator'")
	if !r.Lookup("writeErrors").IsZero() {
		t.Errorf("a command error with writeErrors: %s", r)
	}
	r = expectCode(ctx, t, c, "db", bson.D{bson.KV("find", "c")}, 0, "")
	if y := r.Lookup("cursor", "firstBatch", "0", "y"); !y.IsZero() {
		t.Errorf("the command that failed as a whole applied its first statement: %s", r)
	}
	expectCode(ctx, t, c, "db", update(stmt(bson.A{bson.D{bson.KV("$set", bson.D{}), bson.KV("$unset", "x")}})), 40323, "exactly one field")
	expectCode(ctx, t, c, "db", update(stmt(bson.A{int32(1)})), 14, "must be an object")
	r = expectCode(ctx, t, c, "db", update(stmt(set), stmt(bson.A{bson.D{bson.KV("$match", bson.D{})}})), 0, "")
	if n, _ := r.Lookup("n").AsInt64(); n != 1 || r.Lookup("writeErrors").IsZero() {
		t.Errorf("a $match in an update pipeline: %s, want n: 1 and a write error", r)
	}
	r = expectCode(ctx, t, c, "db", bson.D{bson.KV("find", "c")}, 0, "")
	if y, _ := r.Lookup("cursor", "firstBatch", "0", "y").AsInt64(); y != 2 {
		t.Errorf("after the updates: %s, want y: 2", r)
	}
}
