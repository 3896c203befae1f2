package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// commandLoggingFerretDB is the FerretDB skip list of the command logging
// suite.
var commandLoggingFerretDB = spectest.Skips{
	"no-handshake-messages/*": "the runner lacks the testRunner operation waitForEvent (poolEvents); " +
		"client/logging_test.go checks that no handshake command is logged",
	"no-heartbeat-messages/*": "the runner lacks the testRunner operation waitForEvent (serverHeartbeatSucceededEvent)",
	"operation-id/*":          "torque's log messages carry no operationId (bulk writes split into several commands are not linked)",
}

// TestCommandLogging runs the command-logging-and-monitoring spec's
// logging tests (log messages through Options.Logger) against every
// backend.
func TestCommandLogging(t *testing.T) {
	Run(t, Suite{Dir: "command-logging-and-monitoring/tests/logging", Skips: map[string]spectest.Skips{"ferretdb": commandLoggingFerretDB}})
}

// cmapLoggingFerretDB is the FerretDB skip list of the CMAP logging suite.
var cmapLoggingFerretDB = spectest.Skips{
	"connection-logging/*": "the runner lacks the client operation close and the testRunner operation waitForEvent; " +
		"client/logging_test.go checks the connection component's messages",
	"connection-pool-options/*": "the runner lacks the testRunner operation waitForEvent; client/logging_test.go checks " +
		"the connection pool created message",
}

// TestCMAPLogging runs the CMAP spec's logging tests (the connection
// component) against every backend.
func TestCMAPLogging(t *testing.T) {
	Run(t, Suite{Dir: "connection-monitoring-and-pooling/tests/logging", Skips: map[string]spectest.Skips{"ferretdb": cmapLoggingFerretDB}})
}
