package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// transactionsConvenientAPIFerretDB is the FerretDB skip list of the transactions-convenient-api suite:
// "file/description" patterns and the reason each case cannot pass there.
// Cases whose runOnRequirements FerretDB (7.0.42, single) does not meet,
// and tests that configure a fail point, are skipped before this list is
// read and are not listed.
var transactionsConvenientAPIFerretDB = spectest.Skips{}

// TestTransactionsConvenientAPI runs the transactions-convenient-api specification's unified tests against
// every backend.
func TestTransactionsConvenientAPI(t *testing.T) {
	Run(t, Suite{Dir: "transactions-convenient-api/tests/unified", Skips: map[string]spectest.Skips{"ferretdb": transactionsConvenientAPIFerretDB, "mongotest": transactionsConvenientAPIMongotest}})
}

// transactionsConvenientAPIMongotest is the mongotest skip list of the suite (a replica set of
// three members, or a standalone server where the test allows one).
var transactionsConvenientAPIMongotest = spectest.Skips{}
