package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// causalConsistencyFerretDB is the FerretDB skip list of the causal-consistency suite:
// "file/description" patterns and the reason each case cannot pass there.
// Cases whose runOnRequirements FerretDB (7.0.42, single) does not meet,
// and tests that configure a fail point, are skipped before this list is
// read and are not listed.
var causalConsistencyFerretDB = spectest.Skips{}

// TestCausalConsistency runs the causal-consistency specification's unified tests against
// every backend.
func TestCausalConsistency(t *testing.T) {
	Run(t, Suite{Dir: "causal-consistency/tests", Skips: map[string]spectest.Skips{"ferretdb": causalConsistencyFerretDB, "mongotest": causalConsistencyMongotest}})
}

// causalConsistencyMongotest is the mongotest skip list of the suite (a replica set of
// three members, or a standalone server where the test allows one).
var causalConsistencyMongotest = spectest.Skips{}
