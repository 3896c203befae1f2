package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// loadBalancersFerretDB is the FerretDB skip list of the load-balancers suite:
// "file/description" patterns and the reason each case cannot pass there.
// Cases whose runOnRequirements FerretDB (7.0.42, single) does not meet,
// and tests that configure a fail point, are skipped before this list is
// read and are not listed.
var loadBalancersFerretDB = spectest.Skips{}

// TestLoadBalancers runs the load-balancers specification's unified tests against
// every backend.
func TestLoadBalancers(t *testing.T) {
	Run(t, Suite{Dir: "load-balancers/tests", Skips: map[string]spectest.Skips{"ferretdb": loadBalancersFerretDB, "mongotest": loadBalancersMongotest}})
}

// loadBalancersMongotest is the mongotest skip list of the suite (two
// mongoses behind load balancers, one in front of both and one in front
// of the first, in front of a replica set of three members; a standalone
// server or two mongoses where the test allows).
var loadBalancersMongotest = spectest.Skips{}
