package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// retryableWritesFerretDB is the FerretDB skip list of the retryable-writes suite:
// "file/description" patterns and the reason each case cannot pass here.
// Cases whose runOnRequirements FerretDB (7.0.42, single) does not meet,
// and tests that configure a fail point (FerretDB has no
// configureFailPoint), are skipped before this list is read and are not
// listed.
var retryableWritesFerretDB = spectest.Skips{}

// TestRetryableWrites runs the retryable-writes specification's unified
// tests against every backend.
func TestRetryableWrites(t *testing.T) {
	Run(t, Suite{Dir: "retryable-writes/tests/unified", Skips: map[string]spectest.Skips{"ferretdb": retryableWritesFerretDB, "mongotest": retryableWritesMongotest}})
}

// retryableWritesMongotest is the mongotest skip list of the suite (a replica set of
// three members, or a standalone server where the test allows one).
var retryableWritesMongotest = spectest.Skips{}
