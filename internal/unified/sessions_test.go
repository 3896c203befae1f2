package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// sessionsFerretDB is the FerretDB skip list of the sessions suite:
// "file/description" patterns and the reason each case cannot pass here.
// Cases whose runOnRequirements FerretDB (7.0.42, single) does not meet,
// and tests that configure a fail point (FerretDB has no
// configureFailPoint), are skipped before this list is read and are not
// listed.
var sessionsFerretDB = spectest.Skips{
	"driver-sessions-server-support/Server supports explicit sessions": "torque API does not expose a session's dirty flag (assertSessionNotDirty)",
	"snapshot-sessions-not-supported-server-error/*":                   "FerretDB v1.24 accepts readConcern {level: snapshot} on a standalone (mongod refuses it); torque sends it, as the test's events expect",
}

// TestSessions runs the sessions specification's unified tests against
// FerretDB.
func TestSessions(t *testing.T) {
	Run(t, Suite{Dir: "sessions/tests", Skips: map[string]spectest.Skips{"ferretdb": sessionsFerretDB, "mongotest": sessionsMongotest}})
}

// sessionsMongotest is the mongotest skip list of the suite (a replica set of
// three members, or a standalone server where the test allows one).
var sessionsMongotest = spectest.Skips{}
