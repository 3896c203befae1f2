package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// collectionManagementSkips is the one skip list of the collection-management suite: "file/description" patterns
// and the reason each case cannot pass here. Cases whose
// runOnRequirements FerretDB (7.0.42, single) does not meet are skipped
// before this list is read and are not listed.
var collectionManagementSkips = spectest.Skips{}

// TestCollectionManagement runs the collection-management specification's unified tests against FerretDB.
func TestCollectionManagement(t *testing.T) {
	Run(t, collectionManagementSkips, "collection-management", "tests")
}
