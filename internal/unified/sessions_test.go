package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// sessionsSkips is the one skip list of the sessions suite: "file/description" patterns
// and the reason each case cannot pass here. Cases whose
// runOnRequirements FerretDB (7.0.42, single) does not meet are skipped
// before this list is read and are not listed.
var sessionsSkips = spectest.Skips{}

// TestSessions runs the sessions specification's unified tests against FerretDB.
func TestSessions(t *testing.T) {
	Run(t, sessionsSkips, "sessions", "tests")
}
