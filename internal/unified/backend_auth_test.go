package unified

import (
	"context"
	"strings"
	"testing"

	"github.com/torque-go/torque/bson"
)

// choose deploys and picks an authenticated twin only for requirements
// that ask for auth: true; its internal client authenticates with the
// runner's user, and messages never show the password.
func TestChooseAuthenticatedTwin(t *testing.T) {
	deployed := map[string]int{}
	b := Backend{Name: "mongotest", Topologies: []string{"single"}, AuthTopologies: []string{"single"}, FailPoints: true,
		Deploy: func(t *testing.T, topo string) (Deployment, error) {
			deployed[topo]++
			return deployMongotest(t, topo, nil), nil
		},
		DeployAuth: func(t *testing.T, topo string) (Deployment, error) {
			deployed[topo+"+auth"]++
			return deployMongotest(t, topo, &mongotestUser), nil
		}}
	br := &backendRun{b: b, t: t, targets: map[string]*target{}}
	reqs := func(s string) bson.RawArray { a, _ := ej(t, s).Array(); return a }

	for _, none := range []string{`[]`, `[{"auth": false}]`, `[{"topologies": ["single"]}]`} {
		tg, why := br.choose(reqs(none), nil)
		if tg == nil || tg.env.authenticated {
			t.Fatalf("%s: got %+v (%s), want the unauthenticated server", none, tg, why)
		}
	}
	if deployed["single+auth"] != 0 {
		t.Fatalf("the authenticated twin was deployed for tests that do not ask for auth: %v", deployed)
	}
	tg, why := br.choose(nil, reqs(`[{"auth": true, "topologies": ["single"]}]`))
	if tg == nil || !tg.env.authenticated {
		t.Fatalf("auth: true: got %+v (%s), want the authenticated twin", tg, why)
	}
	if err := tg.internal.Ping(context.Background()); err != nil {
		t.Fatalf("the internal client of the twin: %v", err)
	}
	again, _ := br.choose(reqs(`[{"auth": true}]`), nil)
	if again != tg || deployed["single+auth"] != 1 || deployed["single"] != 1 {
		t.Errorf("deployments: %v, want each once", deployed)
	}
	if _, why := br.choose(reqs(`[{"auth": true, "topologies": ["replicaset"]}]`), nil); !strings.Contains(why, "authenticated") {
		t.Errorf("why none meets auth: true on a replica set: %q", why)
	}
	if r := redactURI(tg.dep.URI); strings.Contains(r, mongotestUser.Password) || !strings.Contains(r, mongotestUser.Name) {
		t.Errorf("redactURI = %q: the user without the password", r)
	}
}
