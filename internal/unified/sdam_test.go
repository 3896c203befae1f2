package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// sdamMongotest is the mongotest skip list of the SDAM unified suite (a
// replica set of three members, or a standalone server where the test
// allows one).
var sdamMongotest = spectest.Skips{}

// TestSDAMUnified runs the server-discovery-and-monitoring spec's unified
// tests (SDAM events, monitors failed through fail points on hello, pool
// clearing, SDAM log messages) against mongotest.
func TestSDAMUnified(t *testing.T) {
	Run(t, Suite{Dir: "server-discovery-and-monitoring/tests/unified", Skips: map[string]spectest.Skips{"mongotest": sdamMongotest}})
}
