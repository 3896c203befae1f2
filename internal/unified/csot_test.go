package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// TestCSOT runs the client-side-operations-timeout specification's
// unified tests. They configure blocking fail points, which only
// mongotest has; FerretDB runs the few that set none.
func TestCSOT(t *testing.T) {
	Run(t, Suite{Dir: "client-side-operations-timeout/tests", Skips: map[string]spectest.Skips{"ferretdb": csotFerretDB, "mongotest": csotMongotest}})
}

var csotFerretDB = spectest.Skips{}

// csotMongotest is the mongotest skip list of the suite.
var csotMongotest = spectest.Skips{}
