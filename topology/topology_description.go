package topology

import (
	"errors"
	"slices"

	"github.com/torque-go/torque/bson"
)

// TopologyDescription is the client's view of the whole deployment (SDAM
// "TopologyDescription"). Like ServerDescription it is a value that Apply
// replaces rather than changes: a reader holding one needs no lock.
type TopologyDescription struct {
	Type          TopologyType
	SetName       string              // the replica set's name, given or discovered
	MaxSetVersion *int64              // largest setVersion a primary reported
	MaxElectionID *bson.ObjectID      // largest electionId a primary reported
	Servers       []ServerDescription // sorted by address

	// CompatibilityErr is non-nil when some server's wire versions do not
	// overlap the driver's; every operation must fail with it meanwhile.
	CompatibilityErr error

	// LogicalSessionTimeoutMinutes is the smallest timeout of the
	// data-bearing servers, nil when any of them (or all) report none.
	LogicalSessionTimeoutMinutes *int64

	// singleSeed records that the client was given exactly one seed: a
	// Standalone found in an Unknown topology then makes it Single.
	singleSeed bool
}

// Config is what the client's options say about the topology. The zero
// Config with one seed discovers the deployment's type.
type Config struct {
	Seeds        []Address
	SetName      string // the replicaSet option
	Direct       bool   // directConnection=true: one server, never discovery
	LoadBalanced bool   // loadBalanced=true
}

// New returns the initial TopologyDescription for cfg: every seed an
// Unknown server, the type from the SDAM table "Initial TopologyType"
// (Single for a direct connection, LoadBalanced with one LoadBalancer
// server, ReplicaSetNoPrimary with a set name, otherwise Unknown). It
// rejects the combinations SDAM forbids.
//
// In LoadBalanced mode the seed starts Unknown like any other; the owner
// then applies NewLoadBalancerServer(seed) at once (the load balancer is
// never monitored), which publishes the spec's Unknown -> LoadBalancer
// events.
func New(cfg Config) (TopologyDescription, error) {
	if len(cfg.Seeds) == 0 {
		return TopologyDescription{}, errors.New("topology: no seed addresses")
	}
	if cfg.Direct && len(cfg.Seeds) > 1 {
		return TopologyDescription{}, errors.New("topology: a direct connection takes exactly one host")
	}
	if cfg.LoadBalanced {
		switch {
		case len(cfg.Seeds) > 1:
			return TopologyDescription{}, errors.New("topology: loadBalanced takes exactly one host")
		case cfg.Direct:
			return TopologyDescription{}, errors.New("topology: loadBalanced cannot be combined with directConnection")
		case cfg.SetName != "":
			return TopologyDescription{}, errors.New("topology: loadBalanced cannot be combined with replicaSet")
		}
	}
	td := TopologyDescription{SetName: cfg.SetName, singleSeed: len(cfg.Seeds) == 1}
	switch {
	case cfg.LoadBalanced:
		td.Type = LoadBalanced
	case cfg.Direct:
		td.Type = Single
	case cfg.SetName != "":
		td.Type = ReplicaSetNoPrimary
	}
	for _, a := range cfg.Seeds {
		td.Servers = addServer(td.Servers, NewUnknownServer(a, nil))
	}
	return td, nil
}

// Server returns the description of the server at addr.
func (td TopologyDescription) Server(addr Address) (ServerDescription, bool) {
	if i, ok := td.index(addr); ok {
		return td.Servers[i], true
	}
	return ServerDescription{}, false
}

// index finds addr in the sorted server list.
func (td TopologyDescription) index(addr Address) (int, bool) {
	return slices.BinarySearchFunc(td.Servers, addr, func(sd ServerDescription, a Address) int {
		switch {
		case sd.Addr < a:
			return -1
		case sd.Addr > a:
			return 1
		}
		return 0
	})
}

// HasPrimary reports whether some server is an RSPrimary.
func (td TopologyDescription) HasPrimary() bool {
	return slices.ContainsFunc(td.Servers, func(sd ServerDescription) bool { return sd.Type == RSPrimary })
}

// Equal reports whether td and o describe the same deployment: same type,
// set name, maxima, compatibility, session timeout and servers by
// ServerDescription.Equal. A TopologyDescriptionChanged event is due only
// when this is false.
func (td TopologyDescription) Equal(o TopologyDescription) bool {
	return td.Type == o.Type && td.SetName == o.SetName &&
		equalPtr(td.MaxSetVersion, o.MaxSetVersion) && equalPtr(td.MaxElectionID, o.MaxElectionID) &&
		equalErr(td.CompatibilityErr, o.CompatibilityErr) &&
		equalPtr(td.LogicalSessionTimeoutMinutes, o.LogicalSessionTimeoutMinutes) &&
		slices.EqualFunc(td.Servers, o.Servers, ServerDescription.Equal)
}

// addServer returns servers with sd inserted in address order, replacing a
// description of the same address. It never changes the array it was given.
func addServer(servers []ServerDescription, sd ServerDescription) []ServerDescription {
	td := TopologyDescription{Servers: servers}
	i, found := td.index(sd.Addr)
	out := make([]ServerDescription, 0, len(servers)+1)
	out = append(out, servers[:i]...)
	out = append(out, sd)
	if found {
		i++
	}
	return append(out, servers[i:]...)
}
