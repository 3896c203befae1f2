package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// retryableWritesSkips is the one skip list of the retryable-writes suite:
// "file/description" patterns and the reason each case cannot pass here.
// Cases whose runOnRequirements FerretDB (7.0.42, single) does not meet,
// and tests that configure a fail point (FerretDB has no
// configureFailPoint), are skipped before this list is read and are not
// listed.
var retryableWritesSkips = spectest.Skips{}

// TestRetryableWrites runs the retryable-writes specification's unified
// tests against FerretDB.
func TestRetryableWrites(t *testing.T) {
	Run(t, retryableWritesSkips, "retryable-writes", "tests", "unified")
}
