package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// readWriteConcernFerretDB is the FerretDB skip list of the read-write-concern
// suite: "file/description" patterns and the reason each case cannot pass
// here. Cases whose runOnRequirements FerretDB (7.0.42, single) does not
// meet, and tests that configure a fail point (FerretDB has no
// configureFailPoint), are skipped before this list is read and are not
// listed.
// torqueNoMapReduce: the CRUD spec deprecates mapReduce and lets drivers omit it.
const torqueNoMapReduce = "torque API has no mapReduce helper (deprecated; the CRUD spec lets drivers omit it)"

var readWriteConcernFerretDB = spectest.Skips{
	"default-write-concern-3.4/Aggregate with $out omits default write concern":   "FerretDB v1.24 lacks the $out stage (NotImplemented)",
	"default-write-concern-4.2/Aggregate with $merge omits default write concern": "FerretDB v1.24 lacks the $merge stage (NotImplemented)",
	"default-write-concern-3.4/MapReduce omits default write concern":             torqueNoMapReduce,
}

// TestReadWriteConcern runs the read-write-concern specification's unified
// tests against every backend.
func TestReadWriteConcern(t *testing.T) {
	Run(t, Suite{Dir: "read-write-concern/tests/operation", Skips: map[string]spectest.Skips{"ferretdb": readWriteConcernFerretDB, "mongotest": readWriteConcernMongotest}})
}

// readWriteConcernMongotest is the mongotest (standalone) skip list of the suite, as
// readWriteConcernFerretDB is FerretDB's.
var readWriteConcernMongotest = spectest.Skips{
	"default-write-concern-3.4/MapReduce omits default write concern": torqueNoMapReduce,
}
