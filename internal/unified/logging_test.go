package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// commandLoggingFerretDB is the FerretDB skip list of the command logging
// suite.
var commandLoggingFerretDB = spectest.Skips{}

// TestCommandLogging runs the command-logging-and-monitoring spec's
// logging tests (log messages through Options.Logger) against every
// backend.
func TestCommandLogging(t *testing.T) {
	Run(t, Suite{Dir: "command-logging-and-monitoring/tests/logging", Skips: map[string]spectest.Skips{"ferretdb": commandLoggingFerretDB, "mongotest": commandLoggingMongotest}})
}

// cmapLoggingFerretDB is the FerretDB skip list of the CMAP logging suite.
var cmapLoggingFerretDB = spectest.Skips{
	"connection-pool-options/waitQueueSize should be included in connection pool created message when specified":     torqueNoWaitQueue,
	"connection-pool-options/waitQueueMultiple should be included in connection pool created message when specified": torqueNoWaitQueue,
}

// TestCMAPLogging runs the CMAP spec's logging tests (the connection
// component) against every backend.
func TestCMAPLogging(t *testing.T) {
	Run(t, Suite{Dir: "connection-monitoring-and-pooling/tests/logging", Skips: map[string]spectest.Skips{"ferretdb": cmapLoggingFerretDB, "mongotest": cmapLoggingMongotest}})
}

// commandLoggingMongotest is the mongotest skip list of the command
// logging suite.
var commandLoggingMongotest = spectest.Skips{}

// cmapLoggingMongotest is the mongotest skip list of the CMAP logging
// suite.
var cmapLoggingMongotest = spectest.Skips{
	"connection-pool-options/waitQueueSize should be included in connection pool created message when specified":     torqueNoWaitQueue,
	"connection-pool-options/waitQueueMultiple should be included in connection pool created message when specified": torqueNoWaitQueue,
}

// torqueNoWaitQueue: the legacy pool options waitQueueSize and
// waitQueueMultiple, which the spec logs only for drivers that support them.
const torqueNoWaitQueue = "torque has no waitQueueSize / waitQueueMultiple (legacy options; ParseURI warns that they are ignored)"
