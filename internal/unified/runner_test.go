package unified

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/leakcheck"
	"github.com/torque-go/torque/internal/mockserver"
)

// TestRunnerOnMockReplicaSet runs the runner's own fixture,
// testdata/runner-replicaset.json, against internal/mockserver's replica
// set: fail points (and turning them off), session assertions,
// withTransaction, cursor entities, command and CMAP events. Its tests
// named "pass: ..." must pass and those named "fail: ..." must fail, so
// the runner's verdicts are seen to go both ways.
func TestRunnerOnMockReplicaSet(t *testing.T) {
	defer leakcheck.Check(t)
	f, err := readFile("testdata/runner-replicaset.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range f.array("tests").All() {
		test, _ := v.Document()
		desc, _ := test.Lookup("description").StringValue()
		// A replica set of its own per test: the mock's drop keeps the
		// documents.
		rs := mockserver.NewReplicaSet(t, mockserver.ReplicaSetOptions{Members: 3})
		br := &backendRun{t: t, targets: map[string]*target{}, b: Backend{Name: "mockserver",
			Topologies: []string{"replicaset"}, FailPoints: true,
			Deploy: func(*testing.T, string) (Deployment, error) { return Deployment{URI: rs.URI()}, nil }}}
		tg, why := br.choose(f.array("runOnRequirements"), nil)
		if tg == nil {
			t.Fatal(why)
		}
		r := &run{tg: tg, file: f, entities: newEntityMap()}
		start := time.Now()
		err := r.runTest(test)
		switch {
		case strings.HasPrefix(desc, "pass:") && err != nil:
			t.Errorf("%s: %v", desc, err)
		case strings.HasPrefix(desc, "fail:") && err == nil:
			t.Errorf("%s: passed", desc)
		default:
			t.Logf("%s (%v): %v", desc, time.Since(start), err)
		}
		if strings.Contains(desc, "alwaysOn") {
			// The runner turned the fail point off when the test ended.
			ctx, cancel := context.WithTimeout(context.Background(), perTest)
			if _, err := tg.internal.Database("db").Collection("coll").Find(ctx, bson.D{}); err != nil {
				t.Errorf("after %q: %v", desc, err)
			}
			cancel()
		}
		_ = tg.internal.Disconnect(context.Background())
		rs.Close(context.Background())
	}
}
