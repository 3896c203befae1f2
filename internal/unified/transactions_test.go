package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// transactionsFerretDB is the FerretDB skip list of the transactions suite:
// "file/description" patterns and the reason each case cannot pass here.
// Cases whose runOnRequirements FerretDB (7.0.42, single) does not meet,
// and tests that configure a fail point (FerretDB has no
// configureFailPoint), are skipped before this list is read and are not
// listed.
var transactionsFerretDB = spectest.Skips{}

// TestTransactions runs the transactions specification's unified tests
// against every backend.
func TestTransactions(t *testing.T) {
	Run(t, Suite{Dir: "transactions/tests/unified", Skips: map[string]spectest.Skips{"ferretdb": transactionsFerretDB, "mongotest": transactionsMongotest}})
}

// transactionsMongotest is the mongotest skip list of the suite (a replica set of
// three members, or a standalone server where the test allows one).
var transactionsMongotest = spectest.Skips{
	"count/count": torqueNoCount,
}
