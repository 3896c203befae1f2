package unified

import (
	"context"
	"testing"

	"github.com/torque-go/torque/internal/leakcheck"
)

// TestTargetedFailPointLoadBalanced runs testdata/runner-loadbalanced.json
// on mongotest's load balancer in front of two mongoses: two sessions
// pinned at once hold connections to different mongoses (the load
// balancer gives each new connection the next one), and a
// targetedFailPoint through either must reach its session's mongos, not
// whichever one a new connection through the load balancer lands on.
// Several runs, so that a fail point that went to the wrong mongos by
// chance cannot pass them all.
func TestTargetedFailPointLoadBalanced(t *testing.T) {
	defer leakcheck.Check(t)
	f, err := readFile("testdata/runner-loadbalanced.json")
	if err != nil {
		t.Fatal(err)
	}
	br := &backendRun{t: t, targets: map[string]*target{}, b: Backend{Name: "mongotest",
		Topologies: []string{"load-balanced"}, FailPoints: true, Deploy: mongoTest.Deploy}}
	tg, why := br.choose(f.array("runOnRequirements"), nil)
	if tg == nil {
		t.Fatal(why)
	}
	defer tg.internal.Disconnect(context.Background())
	for i := range 6 {
		for _, v := range f.array("tests").All() {
			test, _ := v.Document()
			desc, _ := test.Lookup("description").StringValue()
			r := &run{tg: tg, file: f, entities: newEntityMap()}
			if err := r.runTest(test); err != nil {
				t.Errorf("run %d: %s: %v", i, desc, err)
			}
		}
	}
}
