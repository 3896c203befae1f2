package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// indexManagementSkips is the one skip list of the index-management suite:
// "file/description" patterns and the reason each case cannot pass here.
// Cases whose runOnRequirements FerretDB (7.0.42, single) does not meet,
// and tests that configure a fail point (FerretDB has no
// configureFailPoint), are skipped before this list is read and are not
// listed.
var indexManagementSkips = spectest.Skips{}

// TestIndexManagement runs the index-management specification's unified
// tests against FerretDB.
func TestIndexManagement(t *testing.T) {
	Run(t, indexManagementSkips, "index-management", "tests")
}
