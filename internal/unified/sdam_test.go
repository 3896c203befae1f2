package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// sdamMongotest is the mongotest skip list of the SDAM unified suite (a
// replica set of three members, or a standalone server where the test
// allows one).
var sdamMongotest = spectest.Skips{
	// mongotest holds the operation with $where's sleep (where.go); the driver is what is missing.
	"interruptInUse-pool-clear/*": "driver: when the streaming monitor's awaited hello times out, topology/monitor.go clears the pool without interruptInUseConnections (isTimeout needs ConnError.Network(), false for the monitor's own context deadline, ContextDone); only the next check's timeout interrupts, after the 2 s find has ended",
}

// TestSDAMUnified runs the server-discovery-and-monitoring spec's unified
// tests (SDAM events, monitors failed through fail points on hello, pool
// clearing, SDAM log messages) against mongotest.
func TestSDAMUnified(t *testing.T) {
	Run(t, Suite{Dir: "server-discovery-and-monitoring/tests/unified", Skips: map[string]spectest.Skips{"mongotest": sdamMongotest}})
}
