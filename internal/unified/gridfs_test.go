package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// gridfsSkips is the one skip list of the gridfs suite: "file/description"
// patterns and the reason each case cannot pass here. Cases whose
// runOnRequirements FerretDB (7.0.42, single) does not meet, and tests
// that configure a fail point (FerretDB has no configureFailPoint), are
// skipped before this list is read and are not listed.
var gridfsSkips = spectest.Skips{}

// TestGridFS runs the gridfs specification's unified tests against
// FerretDB.
func TestGridFS(t *testing.T) {
	Run(t, gridfsSkips, "gridfs", "tests")
}
