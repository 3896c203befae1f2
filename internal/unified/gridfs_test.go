package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// gridfsFerretDB is the FerretDB skip list of the gridfs suite: "file/description"
// patterns and the reason each case cannot pass here. Cases whose
// runOnRequirements FerretDB (7.0.42, single) does not meet, and tests
// that configure a fail point (FerretDB has no configureFailPoint), are
// skipped before this list is read and are not listed.
var gridfsFerretDB = spectest.Skips{}

// TestGridFS runs the gridfs specification's unified tests against
// FerretDB.
func TestGridFS(t *testing.T) {
	Run(t, Suite{Dir: "gridfs/tests", Skips: map[string]spectest.Skips{"ferretdb": gridfsFerretDB, "mongotest": gridfsMongotest}})
}

// gridfsMongotest is the mongotest (standalone) skip list of the suite, as
// gridfsFerretDB is FerretDB's.
var gridfsMongotest = spectest.Skips{}
