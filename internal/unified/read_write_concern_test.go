package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// readWriteConcernSkips is the one skip list of the read-write-concern suite: "file/description" patterns
// and the reason each case cannot pass here. Cases whose
// runOnRequirements FerretDB (7.0.42, single) does not meet are skipped
// before this list is read and are not listed.
var readWriteConcernSkips = spectest.Skips{}

// TestReadWriteConcern runs the read-write-concern specification's unified tests against FerretDB.
func TestReadWriteConcern(t *testing.T) {
	Run(t, readWriteConcernSkips, "read-write-concern", "tests", "operation")
}
