package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// TestCSOT runs the client-side-operations-timeout specification's
// unified tests. Nearly all configure blocking fail points, which only
// mongotest has (FerretDB runs the few that set none). The tests are
// timing-based (blockTimeMS against timeoutMS, tens of milliseconds
// apart): on a loaded machine one can fail for want of CPU, not for a bug.
func TestCSOT(t *testing.T) {
	Run(t, Suite{Dir: "client-side-operations-timeout/tests", Skips: map[string]spectest.Skips{"ferretdb": csotFerretDB, "mongotest": csotMongotest}})
}

var csotFerretDB = spectest.Skips{
	"deprecated-options/*socketTimeoutMS*": torqueNoSocketTimeout,
	"legacy-timeouts/*":                    torqueNoSocketTimeout,
	"*/* - count on collection":            torqueNoCount,
	"*/*count on collection":               torqueNoCount,
}

const (
	csotTailable = "mongotest does not support tailable cursors (find's tailable option, capped collections)"
)

// csotMongotest is the mongotest skip list of the suite.
var csotMongotest = spectest.Skips{
	// socketTimeoutMS is refused by torque's URI parser unless ... always.
	"deprecated-options/*socketTimeoutMS*": torqueNoSocketTimeout,
	"legacy-timeouts/*socketTimeoutMS*":    torqueNoSocketTimeout,
	"retryability-legacy-timeouts/*":       torqueNoSocketTimeout,
	"*/* - count on collection":            torqueNoCount,

	"tailable-awaitData/apply maxAwaitTimeMS if less than remaining timeout":             csotTailable,
	"tailable-awaitData/timeoutMS is refreshed for getMore if maxAwaitTimeMS is not set": csotTailable,
	"tailable-awaitData/timeoutMS is refreshed for getMore if maxAwaitTimeMS is set":     csotTailable,
	"tailable-non-awaitData/timeoutMS is refreshed for getMore - failure":                csotTailable,

	"runCursorCommand/Tailable cursor*":                                       csotTailable,
	"command-execution/command is not sent if RTT is greater than timeoutMS":  "needs the monitor's RTT samples to exceed timeoutMS, via a fail point blocking hello on the monitoring connection (appName filter); mongotest's hello fail point does not delay the RTT monitor",
	"command-execution/maxTimeMS value in the command is less than timeoutMS": "needs a minimum RTT of at least 50ms from a blocked hello (same as above): mongotest answers the RTT monitor at once",
}
