package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// serverSelectionLoggingMongotest is the mongotest skip list of the
// server-selection logging suite.
var serverSelectionLoggingMongotest = spectest.Skips{}

// serverSelectionLoggingFerretDB is the FerretDB skip list of the suite.
var serverSelectionLoggingFerretDB = spectest.Skips{}

// TestServerSelectionLogging runs the server-selection specification's
// logging tests (the serverSelection component's messages through
// Options.Logger: started, succeeded, failed, waiting) against every
// backend.
func TestServerSelectionLogging(t *testing.T) {
	Run(t, Suite{Dir: "server-selection/tests/logging", Skips: map[string]spectest.Skips{
		"ferretdb": serverSelectionLoggingFerretDB, "mongotest": serverSelectionLoggingMongotest}})
}
