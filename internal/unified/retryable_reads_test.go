package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// retryableReadsSkips is the one skip list of the retryable-reads suite: "file/description" patterns
// and the reason each case cannot pass here. Cases whose
// runOnRequirements FerretDB (7.0.42, single) does not meet are skipped
// before this list is read and are not listed.
var retryableReadsSkips = spectest.Skips{}

// TestRetryableReads runs the retryable-reads specification's unified tests against FerretDB.
func TestRetryableReads(t *testing.T) {
	Run(t, retryableReadsSkips, "retryable-reads", "tests", "unified")
}
