package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// runCommandSkips is the one skip list of the run-command suite: "file/description" patterns
// and the reason each case cannot pass here. Cases whose
// runOnRequirements FerretDB (7.0.42, single) does not meet are skipped
// before this list is read and are not listed.
var runCommandSkips = spectest.Skips{}

// TestRunCommand runs the run-command specification's unified tests against FerretDB.
func TestRunCommand(t *testing.T) {
	Run(t, runCommandSkips, "run-command", "tests", "unified")
}
