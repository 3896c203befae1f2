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

// loadBalancersMongotest is the mongotest skip list of the suite (a replica set of
// three members, or a standalone server where the test allows one).
var loadBalancersMongotest = spectest.Skips{}
