package topology

// ServerType is what one server turned out to be, from its hello reply
// (SDAM "ServerType").
type ServerType uint8

// The server types of the SDAM specification.
const (
	// ServerUnknown: not yet checked, or the last check failed.
	ServerUnknown ServerType = iota
	// Standalone: a mongod that is not a replica-set member.
	Standalone
	// Mongos: a router of a sharded cluster ("msg: isdbgrid").
	Mongos
	// PossiblePrimary: not yet checked, but a member said it is the primary.
	PossiblePrimary
	// RSPrimary, RSSecondary, RSArbiter: replica-set members in those roles.
	RSPrimary
	RSSecondary
	RSArbiter
	// RSOther: a member that is hidden, starting up or recovering.
	RSOther
	// RSGhost: a member with no set config yet, or removed from it
	// ("isreplicaset: true").
	RSGhost
	// LoadBalancer: the one server of a LoadBalanced topology.
	LoadBalancer
)

var serverTypeNames = [...]string{
	ServerUnknown:   "Unknown",
	Standalone:      "Standalone",
	Mongos:          "Mongos",
	PossiblePrimary: "PossiblePrimary",
	RSPrimary:       "RSPrimary",
	RSSecondary:     "RSSecondary",
	RSArbiter:       "RSArbiter",
	RSOther:         "RSOther",
	RSGhost:         "RSGhost",
	LoadBalancer:    "LoadBalancer",
}

// String returns the specification's name: "RSPrimary", "Unknown", ...
func (t ServerType) String() string {
	if int(t) < len(serverTypeNames) {
		return serverTypeNames[t]
	}
	return "ServerType(" + itoa(int64(t)) + ")"
}

// ParseServerType maps a specification name back to its ServerType.
func ParseServerType(s string) (ServerType, bool) {
	for i, n := range serverTypeNames {
		if n == s {
			return ServerType(i), true
		}
	}
	return ServerUnknown, false
}

// Available reports whether the server can be selected at all: every type
// but Unknown and PossiblePrimary.
func (t ServerType) Available() bool {
	return t != ServerUnknown && t != PossiblePrimary
}

// DataBearing reports whether application data can come from the server:
// Mongos, RSPrimary, RSSecondary, Standalone and LoadBalancer.
func (t ServerType) DataBearing() bool {
	switch t {
	case Mongos, RSPrimary, RSSecondary, Standalone, LoadBalancer:
		return true
	}
	return false
}

// TopologyType is the kind of deployment (SDAM "TopologyType").
type TopologyType uint8

// The topology types of the SDAM specification.
const (
	// TopologyUnknown: the starting state when the kind is not yet known.
	TopologyUnknown TopologyType = iota
	// Single: a direct connection to one server, of any type.
	Single
	// ReplicaSetNoPrimary and ReplicaSetWithPrimary: a replica set without
	// and with a known primary.
	ReplicaSetNoPrimary
	ReplicaSetWithPrimary
	// Sharded: one or more mongos routers.
	Sharded
	// LoadBalanced: one load balancer in front of mongos routers.
	LoadBalanced
)

var topologyTypeNames = [...]string{
	TopologyUnknown:       "Unknown",
	Single:                "Single",
	ReplicaSetNoPrimary:   "ReplicaSetNoPrimary",
	ReplicaSetWithPrimary: "ReplicaSetWithPrimary",
	Sharded:               "Sharded",
	LoadBalanced:          "LoadBalanced",
}

// String returns the specification's name: "ReplicaSetNoPrimary", ...
func (t TopologyType) String() string {
	if int(t) < len(topologyTypeNames) {
		return topologyTypeNames[t]
	}
	return "TopologyType(" + itoa(int64(t)) + ")"
}

// ParseTopologyType maps a specification name back to its TopologyType.
func ParseTopologyType(s string) (TopologyType, bool) {
	for i, n := range topologyTypeNames {
		if n == s {
			return TopologyType(i), true
		}
	}
	return TopologyUnknown, false
}

// isReplicaSet reports whether t is one of the two replica-set types.
func (t TopologyType) isReplicaSet() bool {
	return t == ReplicaSetNoPrimary || t == ReplicaSetWithPrimary
}
