package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// collectionManagementFerretDB is the FerretDB skip list of the collection-
// management suite: "file/description" patterns and the reason each case
// cannot pass here. Cases whose runOnRequirements FerretDB (7.0.42,
// single) does not meet, and tests that configure a fail point (FerretDB
// has no configureFailPoint), are skipped before this list is read and are
// not listed.
var collectionManagementFerretDB = spectest.Skips{
	"clustered-indexes/listCollections includes clusteredIndex": "FerretDB v1.24 accepts clusteredIndex but ignores it: listCollections has no options.clusteredIndex",
	"clustered-indexes/listIndexes returns the index":           "FerretDB v1.24 accepts clusteredIndex but ignores it: listIndexes shows only _id_",
	"modifyCollection-*/*":                                      "FerretDB v1.24 lacks collMod's prepareUnique and changeStreamPreAndPostImages",
	"timeseries-collection/*":                                   "FerretDB v1.24 lacks time-series collections (create with timeseries: NotImplemented)",
}

// TestCollectionManagement runs the collection-management specification's
// unified tests against every backend.
func TestCollectionManagement(t *testing.T) {
	Run(t, Suite{Dir: "collection-management/tests", Skips: map[string]spectest.Skips{"ferretdb": collectionManagementFerretDB, "mongotest": collectionManagementMongotest}})
}

// collectionManagementMongotest is the mongotest (standalone) skip list of the suite, as
// collectionManagementFerretDB is FerretDB's.
var collectionManagementMongotest = spectest.Skips{}
