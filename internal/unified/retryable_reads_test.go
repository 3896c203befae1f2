package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// retryableReadsFerretDB is the FerretDB skip list of the retryable-reads suite:
// "file/description" patterns and the reason each case cannot pass here.
// Cases whose runOnRequirements FerretDB (7.0.42, single) does not meet,
// and tests that configure a fail point (FerretDB has no
// configureFailPoint), are skipped before this list is read and are not
// listed.
var retryableReadsFerretDB = spectest.Skips{
	"count/Count succeeds on first attempt":      "torque has no deprecated count helper (the CRUD spec lets drivers omit it)",
	"mapReduce/MapReduce succeeds with retry on": torqueNoMapReduce,
}

// TestRetryableReads runs the retryable-reads specification's unified
// tests against every backend.
func TestRetryableReads(t *testing.T) {
	Run(t, Suite{Dir: "retryable-reads/tests/unified", Skips: map[string]spectest.Skips{"ferretdb": retryableReadsFerretDB, "mongotest": retryableReadsMongotest}})
}

// retryableReadsMongotest is the mongotest skip list of the suite (a replica set of
// three members, or a standalone server where the test allows one).
var retryableReadsMongotest = spectest.Skips{
	"count/*":              torqueNoCount,
	"count-serverErrors/*": torqueNoCount,
	"mapReduce/*":          torqueNoMapReduce,
}
