package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// runCommandFerretDB is the FerretDB skip list of the run-command suite:
// "file/description" patterns and the reason each case cannot pass here.
// Cases whose runOnRequirements FerretDB (7.0.42, single) does not meet,
// and tests that configure a fail point (FerretDB has no
// configureFailPoint), are skipped before this list is read and are not
// listed.
var runCommandFerretDB = spectest.Skips{
	"runCursorCommand/supports configuring getMore comment":                    ferretDocComment,
	"runCursorCommand/does not close the cursor when receiving an empty batch": "FerretDB v1.24 closes a tailable find cursor whose first batch holds every document (cursor id 0): no getMore, no killCursors",
}

// TestRunCommand runs the run-command specification's unified tests
// against every backend.
func TestRunCommand(t *testing.T) {
	Run(t, Suite{Dir: "run-command/tests/unified", Skips: map[string]spectest.Skips{"ferretdb": runCommandFerretDB, "mongotest": runCommandMongotest}})
}

// runCommandMongotest is the mongotest (standalone) skip list of the suite, as
// runCommandFerretDB is FerretDB's.
var runCommandMongotest = spectest.Skips{}
