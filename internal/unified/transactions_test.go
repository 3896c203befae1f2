package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// transactionsSkips is the one skip list of the transactions suite:
// "file/description" patterns and the reason each case cannot pass here.
// Cases whose runOnRequirements FerretDB (7.0.42, single) does not meet,
// and tests that configure a fail point (FerretDB has no
// configureFailPoint), are skipped before this list is read and are not
// listed.
var transactionsSkips = spectest.Skips{}

// TestTransactions runs the transactions specification's unified tests
// against FerretDB.
func TestTransactions(t *testing.T) {
	Run(t, transactionsSkips, "transactions", "tests", "unified")
}
