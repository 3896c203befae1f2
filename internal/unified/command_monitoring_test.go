package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// commandMonitoringFerretDB is the FerretDB skip list of the command-logging-and-
// monitoring suite: "file/description" patterns and the reason each case
// cannot pass here. Cases whose runOnRequirements FerretDB (7.0.42,
// single) does not meet, and tests that configure a fail point (FerretDB
// has no configureFailPoint), are skipped before this list is read and are
// not listed.
// ferretUpdateN: the expected reply is {ok: 1, n: 0, writeErrors: [...]}.
const ferretUpdateN = "FerretDB v1.24 omits n from an update reply that has write errors (sends {ok: 1, writeErrors: [...]})"

var commandMonitoringFerretDB = spectest.Skips{
	"find/A successful find with showRecordId and returnKey": "FerretDB v1.24 lacks find's returnKey (NotImplemented)",
	"updateMany/A successful updateMany with write errors":   ferretUpdateN,
	"updateOne/A successful updateOne with write errors":     ferretUpdateN,
}

// TestCommandMonitoring runs the command-logging-and-monitoring
// specification's unified tests against every backend.
func TestCommandMonitoring(t *testing.T) {
	Run(t, Suite{Dir: "command-logging-and-monitoring/tests/monitoring", Skips: map[string]spectest.Skips{"ferretdb": commandMonitoringFerretDB, "mongotest": commandMonitoringMongotest}})
}

// commandMonitoringMongotest is the mongotest (standalone) skip list of the suite, as
// commandMonitoringFerretDB is FerretDB's.
var commandMonitoringMongotest = spectest.Skips{}
