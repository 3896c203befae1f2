package topology

import (
	"cmp"
	"errors"
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
	// WriteStage marks a Write that is an aggregate with a $out or $merge
	// stage: it goes by ReadPref when every known server is MongoDB 5.0+
	// (wire version 13), else to the primary (Server Selection, "Read
	// preferences for aggregate with write stage"). Any other Write
	// ignores ReadPref.
	WriteStage bool

	// Deprioritized servers (those a retried operation failed on) are
	// avoided while any other server is suitable.
	Deprioritized []Address

	// LocalThreshold is the width of the latency window: zero means the
	// default 15ms, a negative value a window of width zero.
	LocalThreshold time.Duration

	// HeartbeatFrequency is the monitors' interval, which the staleness
	// estimate needs: zero means the default 10s.
	HeartbeatFrequency time.Duration

	// Only, when set, is the one server the operation may use (the mongos
	// a sharded transaction is pinned to), if the other rules accept it;
	// selection fails at once when it has left the topology.
	Only Address

	// Waiting, when set, is called once, when SelectServer finds no
	// suitable server at first and starts to wait: with the time left
	// and the topology as it is (the logging spec's "Waiting for
	// suitable server to become available" message).
	Waiting func(remaining time.Duration, td TopologyDescription)
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
	return *Pick(LatencyWindow(suitable, c.localThreshold()), r, inFlight), true, nil
}

// Suitable returns the servers of td suitable for the operation, before
// the latency window: by the Server Selection rules for td's type, the
// mode, max staleness and tag sets, avoiding deprioritized servers when
// others qualify. It fails when td is incompatible with the driver or the
// read preference is invalid.
//
// The result points into td.Servers (selection copies no description);
// like td, it must not be modified.
func Suitable(td TopologyDescription, c Criteria) ([]*ServerDescription, error) {
	if td.CompatibilityErr != nil {
		return nil, td.CompatibilityErr
	}
	if c.Write && c.WriteStage && c.ReadPref.Mode != Primary && allWireVersion(td, WriteStageReadPrefWireVersion) {
		c.Write = false
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
	if c.Only != "" {
		if !slices.ContainsFunc(td.Servers, func(sd ServerDescription) bool { return sd.Addr == c.Only }) {
			return nil, errors.New("server " + string(c.Only) + ", which the session is pinned to, is no longer in the topology")
		}
		return suitable(td, func(sd *ServerDescription) bool { return sd.Addr == c.Only }, c), nil
	}
	if len(c.Deprioritized) > 0 {
		preferred := func(sd *ServerDescription) bool { return !slices.Contains(c.Deprioritized, sd.Addr) }
		if s := suitable(td, preferred, c); len(s) > 0 {
			return s, nil
		}
	}
	return suitable(td, nil, c), nil
}

// WriteStageReadPrefWireVersion is the wire version (MongoDB 5.0) from
// which an aggregate with $out or $merge may run on a secondary.
const WriteStageReadPrefWireVersion = 13

// allWireVersion reports whether every known server of td has at least
// maxWireVersion v.
func allWireVersion(td TopologyDescription, v int32) bool {
	for i := range td.Servers {
		if sd := &td.Servers[i]; sd.Type != ServerUnknown && sd.MaxWireVersion < v {
			return false
		}
	}
	return true
}

// candidates is the servers that a selection considers: td's servers
// that keep accepts (all when keep is nil).
type candidates struct {
	td   *TopologyDescription
	keep func(*ServerDescription) bool
}

// ofTypes returns the candidates of the given types, in td's order.
func (cs candidates) ofTypes(types ...ServerType) []*ServerDescription {
	var out []*ServerDescription
	for i := range cs.td.Servers {
		sd := &cs.td.Servers[i]
		if slices.Contains(types, sd.Type) && (cs.keep == nil || cs.keep(sd)) {
			if out == nil {
				out = make([]*ServerDescription, 0, len(cs.td.Servers)-i)
			}
			out = append(out, sd)
		}
	}
	return out
}

// suitable applies the rules for td's type to the servers keep accepts.
func suitable(td TopologyDescription, keep func(*ServerDescription) bool, c Criteria) []*ServerDescription {
	cs := candidates{td: &td, keep: keep}
	switch td.Type {
	case Single:
		return cs.ofTypes(Standalone, Mongos, RSPrimary, RSSecondary, RSArbiter, RSOther, RSGhost, LoadBalancer)
	case LoadBalanced:
		return cs.ofTypes(LoadBalancer)
	case Sharded:
		return cs.ofTypes(Mongos)
	case ReplicaSetNoPrimary, ReplicaSetWithPrimary:
		if c.Write {
			return cs.ofTypes(RSPrimary)
		}
		return readFromReplicaSet(cs, c)
	}
	return nil
}

// readFromReplicaSet applies the read preference to replica-set members.
func readFromReplicaSet(cs candidates, c Criteria) []*ServerDescription {
	rp := c.ReadPref
	eligible := func(servers []*ServerDescription) []*ServerDescription {
		return matchTagSets(filterStale(cs.td.Servers, servers, rp.MaxStaleness, c.heartbeat()), rp.TagSets)
	}
	switch rp.Mode {
	case Primary:
		return cs.ofTypes(RSPrimary)
	case PrimaryPreferred:
		if p := cs.ofTypes(RSPrimary); len(p) > 0 {
			return p
		}
		return eligible(cs.ofTypes(RSSecondary))
	case Secondary:
		return eligible(cs.ofTypes(RSSecondary))
	case SecondaryPreferred:
		if s := eligible(cs.ofTypes(RSSecondary)); len(s) > 0 {
			return s
		}
		return cs.ofTypes(RSPrimary)
	case Nearest:
		return eligible(cs.ofTypes(RSPrimary, RSSecondary))
	}
	return nil
}

// matchTagSets keeps the servers matching the first tag set that matches
// any; no tag sets keep all. It filters servers in place.
func matchTagSets(servers []*ServerDescription, sets []TagSet) []*ServerDescription {
	if len(sets) == 0 {
		return servers
	}
	for _, ts := range sets {
		matches := func(sd *ServerDescription) bool { return ts.Matches(sd.Tags) }
		if slices.ContainsFunc(servers, matches) {
			return slices.DeleteFunc(servers, func(sd *ServerDescription) bool { return !matches(sd) })
		}
	}
	return nil
}

// LatencyWindow keeps the servers whose average RTT is within threshold
// of the fastest one's. It returns servers itself when all qualify, else
// a new slice.
func LatencyWindow(servers []*ServerDescription, threshold time.Duration) []*ServerDescription {
	if len(servers) < 2 {
		return servers
	}
	fastest := slices.MinFunc(servers, func(a, b *ServerDescription) int { return cmp.Compare(a.RTT, b.RTT) }).RTT
	slow := func(sd *ServerDescription) bool { return sd.RTT > fastest+threshold }
	if !slices.ContainsFunc(servers, slow) {
		return servers
	}
	return slices.DeleteFunc(slices.Clone(servers), slow)
}

// Pick chooses among the servers of a latency window: two at random, and of
// those the one with fewer operations in flight (the "power of two random
// choices"). inFlight may be nil (then the first random pick wins); r nil
// uses the global source. An empty window gives nil.
func Pick(window []*ServerDescription, r *rand.Rand, inFlight func(Address) int) *ServerDescription {
	switch len(window) {
	case 0:
		return nil
	case 1:
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
