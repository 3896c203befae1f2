package topology

import "github.com/torque-go/torque/bson"

// TopologyVersion is the server's {processId, counter} from hello replies
// and state-change errors (MongoDB 4.4+). It orders information from one
// server process: a new process restarts the counter.
type TopologyVersion struct {
	ProcessID bson.ObjectID
	Counter   int64
}

// compareTopologyVersion returns -1, 0 or 1 as current is older than, the
// same as, or newer than incoming. When either is missing or the process
// differs, incoming is assumed newer (-1), as the SDAM spec requires.
func compareTopologyVersion(current, incoming *TopologyVersion) int {
	if current == nil || incoming == nil || current.ProcessID != incoming.ProcessID {
		return -1
	}
	switch {
	case current.Counter == incoming.Counter:
		return 0
	case current.Counter < incoming.Counter:
		return -1
	}
	return 1
}

// equalTopologyVersion reports whether a and b are both missing or equal.
func equalTopologyVersion(a, b *TopologyVersion) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}
