package unified

import (
	"context"
	"fmt"

	"github.com/torque-go/torque/bson"
)

// failPointOps are the testRunner operations that configure a fail point
// on the server (configureFailPoint, a test command mongod offers when
// started with enableTestCommands).
var failPointOps = map[string]bool{"failPoint": true, "targetedFailPoint": true}

// usesFailPoint reports whether a test configures a fail point.
func usesFailPoint(test bson.Raw) bool {
	ops, _ := test.Lookup("operations").Array()
	for _, v := range ops.All() {
		op, _ := v.Document()
		name, _ := op.Lookup("name").StringValue()
		obj, _ := op.Lookup("object").StringValue()
		if obj == "testRunner" && failPointOps[name] {
			return true
		}
	}
	return false
}

// probeFailPoints asks the server whether it has configureFailPoint, by
// turning off a fail point (a no-op where the command exists).
func probeFailPoints(ctx context.Context, env *serverEnv, run func(cmd bson.D) error) {
	err := run(bson.D{bson.KV("configureFailPoint", "failCommand"), bson.KV("mode", "off")})
	env.failPoints = err == nil
}

// testRunnerOp runs an operation on the testRunner object.
func (r *run) testRunnerOp(ctx context.Context, name string, a *args) outcome {
	switch name {
	case "createEntities":
		list := a.array("entities")
		if bad := argErr(a); bad != nil {
			return *bad
		}
		return outcome{err: r.createEntities(ctx, list)}
	case "assertCollectionExists", "assertCollectionNotExists":
		return outcome{err: r.assertCollection(ctx, a, name == "assertCollectionExists")}
	case "assertSameLsidOnLastTwoCommands", "assertDifferentLsidOnLastTwoCommands":
		return outcome{err: r.assertLsids(a, name == "assertSameLsidOnLastTwoCommands")}
	case "assertIndexExists", "assertIndexNotExists":
		return outcome{err: r.assertIndex(ctx, a, name == "assertIndexExists")}
	}
	return outcome{err: fmt.Errorf("%w: testRunner operation %q", errUnsupportedOp, name)}
}
