package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// commandMonitoringSkips is the one skip list of the command-logging-and-monitoring suite: "file/description" patterns
// and the reason each case cannot pass here. Cases whose
// runOnRequirements FerretDB (7.0.42, single) does not meet are skipped
// before this list is read and are not listed.
var commandMonitoringSkips = spectest.Skips{}

// TestCommandMonitoring runs the command-logging-and-monitoring specification's unified tests against FerretDB.
func TestCommandMonitoring(t *testing.T) {
	Run(t, commandMonitoringSkips, "command-logging-and-monitoring", "tests", "monitoring")
}
