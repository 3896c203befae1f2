package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// versionedAPIFerretDB is the FerretDB skip list of the versioned-api
// suite. Cases whose runOnRequirements FerretDB does not meet are skipped
// before this list is read.
var versionedAPIFerretDB = spectest.Skips{
	"crud-api-version-1-strict/aggregate on database appends declared API version": "FerretDB v1.24.0 has no database " +
		"aggregation ({aggregate: 1}: FailedToParse), and does not enforce apiStrict (APIStrictError)",
	"crud-api-version-1/aggregate on database appends declared API version": "FerretDB v1.24.0 has no database " +
		"aggregation ({aggregate: 1} with $listLocalSessions: FailedToParse)",
	"crud-api-version-1-strict/distinct appends declared API version": "FerretDB v1.24.0 accepts apiVersion but does " +
		"not enforce apiStrict: distinct succeeds instead of failing with APIStrictError",
}

// TestVersionedAPI runs the versioned-api (Stable API) specification's
// unified tests against every backend.
func TestVersionedAPI(t *testing.T) {
	Run(t, Suite{Dir: "versioned-api/tests", Skips: map[string]spectest.Skips{"ferretdb": versionedAPIFerretDB, "mongotest": versionedAPIMongotest}})
}

// versionedAPIMongotest is the mongotest skip list of the suite (mongotest
// enforces the Stable API as mongod does, and its deployments have
// acceptApiVersion2 and enableTestCommands for the files that need them).
var versionedAPIMongotest = spectest.Skips{}
