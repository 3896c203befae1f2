package topology

import (
	"math/rand/v2"
	"slices"
	"time"
)

// Defaults of the server-selection options.
const (
	DefaultLocalThreshold     = 15 * time.Millisecond
	DefaultHeartbeatFrequency = 10 * time.Second
)

// Criteria says what an operation needs from a server.
type Criteria struct {
	// Write selects a server that takes writes; otherwise ReadPref rules.
	Write    bool
	ReadPref ReadPref

	// Deprioritized servers (those a retried operation failed on) are
	// avoided while any other server is suitable.
	Deprioritized []Address

	// LocalThreshold is the width of the latency window: zero means the
	// default 15ms, a negative value a window of width zero.
	LocalThreshold time.Duration

	// HeartbeatFrequency is the monitors' interval, which the staleness
	// estimate needs: zero means the default 10s.
	HeartbeatFrequency time.Duration
}

func (c Criteria) localThreshold() time.Duration {
	switch {
	case c.LocalThreshold == 0:
		return DefaultLocalThreshold
	case c.LocalThreshold < 0:
		return 0
	}
	return c.LocalThreshold
}

func (c Criteria) heartbeat() time.Duration {
	if c.HeartbeatFrequency <= 0 {
		return DefaultHeartbeatFrequency
	}
	return c.HeartbeatFrequency
}

// Select chooses a server for an operation: the suitable servers (see
// Suitable), narrowed to the latency window, then the less busy of two
// picked at random (see Pick). It reports false when no server is
// suitable now: the caller requests checks and waits for the topology to
// change. The error is for a topology or read preference that no waiting
// can fix.
func Select(td TopologyDescription, c Criteria, r *rand.Rand, inFlight func(Address) int) (ServerDescription, bool, error) {
	suitable, err := Suitable(td, c)
	if err != nil || len(suitable) == 0 {
		return ServerDescription{}, false, err
	}
	return Pick(LatencyWindow(suitable, c.localThreshold()), r, inFlight), true, nil
}

// Suitable returns the servers of td suitable for the operation, before
// the latency window: by the Server Selection rules for td's type, the
// mode, max staleness and tag sets, avoiding deprioritized servers when
// others qualify. It fails when td is incompatible with the driver or the
// read preference is invalid.
func Suitable(td TopologyDescription, c Criteria) ([]ServerDescription, error) {
	if td.CompatibilityErr != nil {
		return nil, td.CompatibilityErr
	}
	if !c.Write {
		if err := c.ReadPref.Validate(); err != nil {
			return nil, err
		}
		if td.Type.isReplicaSet() {
			if err := c.ReadPref.validateForReplicaSet(c.heartbeat()); err != nil {
				return nil, err
			}
		}
	}
	if len(c.Deprioritized) > 0 {
		preferred := slices.DeleteFunc(slices.Clone(td.Servers), func(sd ServerDescription) bool {
			return slices.Contains(c.Deprioritized, sd.Addr)
		})
		if s := suitable(td, preferred, c); len(s) > 0 {
			return s, nil
		}
	}
	return suitable(td, td.Servers, c), nil
}

// suitable applies the rules for td's type to the candidate servers.
func suitable(td TopologyDescription, servers []ServerDescription, c Criteria) []ServerDescription {
	switch td.Type {
	case Single:
		return ofTypes(servers, Standalone, Mongos, RSPrimary, RSSecondary, RSArbiter, RSOther, RSGhost, LoadBalancer)
	case LoadBalanced:
		return ofTypes(servers, LoadBalancer)
	case Sharded:
		return ofTypes(servers, Mongos)
	case ReplicaSetNoPrimary, ReplicaSetWithPrimary:
		if c.Write {
			return ofTypes(servers, RSPrimary)
		}
		return readFromReplicaSet(td, servers, c)
	}
	return nil
}

// readFromReplicaSet applies the read preference to replica-set members.
func readFromReplicaSet(td TopologyDescription, servers []ServerDescription, c Criteria) []ServerDescription {
	rp := c.ReadPref
	eligible := func(candidates []ServerDescription) []ServerDescription {
		return matchTagSets(filterStale(td, candidates, rp.MaxStaleness, c.heartbeat()), rp.TagSets)
	}
	switch rp.Mode {
	case Primary:
		return ofTypes(servers, RSPrimary)
	case PrimaryPreferred:
		if p := ofTypes(servers, RSPrimary); len(p) > 0 {
			return p
		}
		return eligible(ofTypes(servers, RSSecondary))
	case Secondary:
		return eligible(ofTypes(servers, RSSecondary))
	case SecondaryPreferred:
		if s := eligible(ofTypes(servers, RSSecondary)); len(s) > 0 {
			return s
		}
		return ofTypes(servers, RSPrimary)
	case Nearest:
		return eligible(ofTypes(servers, RSPrimary, RSSecondary))
	}
	return nil
}

// matchTagSets keeps the servers matching the first tag set that matches
// any; no tag sets keep all.
func matchTagSets(servers []ServerDescription, sets []TagSet) []ServerDescription {
	if len(sets) == 0 {
		return servers
	}
	for _, ts := range sets {
		var out []ServerDescription
		for _, s := range servers {
			if ts.Matches(s.Tags) {
				out = append(out, s)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

// ofTypes returns the servers of the given types, in order.
func ofTypes(servers []ServerDescription, types ...ServerType) []ServerDescription {
	var out []ServerDescription
	for _, s := range servers {
		if slices.Contains(types, s.Type) {
			out = append(out, s)
		}
	}
	return out
}

// LatencyWindow keeps the servers whose average RTT is within threshold
// of the fastest one's.
func LatencyWindow(servers []ServerDescription, threshold time.Duration) []ServerDescription {
	if len(servers) < 2 {
		return servers
	}
	fastest := slices.MinFunc(servers, func(a, b ServerDescription) int { return cmpDuration(a.RTT, b.RTT) }).RTT
	var out []ServerDescription
	for _, s := range servers {
		if s.RTT <= fastest+threshold {
			out = append(out, s)
		}
	}
	return out
}

func cmpDuration(a, b time.Duration) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Pick chooses among the servers of a latency window: two at random, and of
// those the one with fewer operations in flight (the "power of two random
// choices"). inFlight may be nil (then the first random pick wins); r nil
// uses the global source. window must not be empty.
func Pick(window []ServerDescription, r *rand.Rand, inFlight func(Address) int) ServerDescription {
	if len(window) == 1 {
		return window[0]
	}
	intn := rand.IntN
	if r != nil {
		intn = r.IntN
	}
	i := intn(len(window))
	j := intn(len(window) - 1)
	if j >= i {
		j++
	}
	a, b := window[i], window[j]
	if inFlight != nil && inFlight(b.Addr) < inFlight(a.Addr) {
		return b
	}
	return a
}
