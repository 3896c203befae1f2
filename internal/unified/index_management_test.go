package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// indexManagementFerretDB is the FerretDB skip list of the index-management suite:
// "file/description" patterns and the reason each case cannot pass here.
// Cases whose runOnRequirements FerretDB (7.0.42, single) does not meet,
// and tests that configure a fail point (FerretDB has no
// configureFailPoint), are skipped before this list is read and are not
// listed.
var indexManagementFerretDB = spectest.Skips{}

// TestIndexManagement runs the index-management specification's unified
// tests against every backend.
func TestIndexManagement(t *testing.T) {
	Run(t, Suite{Dir: "index-management/tests", Skips: map[string]spectest.Skips{"ferretdb": indexManagementFerretDB, "mongotest": indexManagementMongotest}})
}

// indexManagementMongotest is the mongotest (standalone) skip list of the suite, as
// indexManagementFerretDB is FerretDB's.
var indexManagementMongotest = spectest.Skips{}
