package unified

import (
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// changeStreamsFerretDB is the FerretDB skip list of the change-streams suite:
// "file/description" patterns and the reason each case cannot pass there.
// Cases whose runOnRequirements FerretDB (7.0.42, single) does not meet,
// and tests that configure a fail point, are skipped before this list is
// read and are not listed.
var changeStreamsFerretDB = spectest.Skips{
	"change-streams-errors/The watch helper must not throw a custom exception when executed against a single server topology, but instead depend on a server error": "FerretDB v1.24 lacks $changeStream: it answers NotImplemented (238), not the 40573 MongoDB sends on a standalone",
}

// TestChangeStreams runs the change-streams specification's unified tests against
// every backend.
func TestChangeStreams(t *testing.T) {
	Run(t, Suite{Dir: "change-streams/tests/unified", Skips: map[string]spectest.Skips{"ferretdb": changeStreamsFerretDB, "mongotest": changeStreamsMongotest}})
}

// changeStreamsMongotest is the mongotest skip list of the suite (a replica set of
// three members, or a standalone server where the test allows one).
var changeStreamsMongotest = spectest.Skips{}
