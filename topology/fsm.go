package topology

import (
	"bytes"
	"cmp"
	"errors"
	"slices"

	"github.com/torque-go/torque/bson"
)

// The errors of primaries that SDAM demotes to Unknown.
var (
	ErrStalePrimary = errors.New("primary marked stale due to electionId/setVersion mismatch")
	ErrNewerPrimary = errors.New("primary marked stale due to discovery of newer primary")
	errWrongSetName = errors.New("server's replica set name does not match the replicaSet option")
)

// Apply returns the topology that results from the check outcome sd: the
// SDAM rules of "Updating the TopologyDescription", as a pure function.
// td is not changed.
//
// The outcome is ignored (td comes back as it was) when the server is no
// longer in the topology or when sd's topologyVersion is older than the
// current description's. Callers compare the result with td (Diff) to
// learn which servers were added or removed, and which old primary was
// demoted: for such a server the owner requests an immediate check, and
// clears its pool when its MaxWireVersion is below 8 (MongoDB < 4.2).
func Apply(td TopologyDescription, sd ServerDescription) TopologyDescription {
	cur, ok := td.Server(sd.Addr)
	if !ok || compareTopologyVersion(cur.TopologyVersion, sd.TopologyVersion) > 0 {
		return td
	}
	m := machine{td: td}
	m.td.Servers = slices.Clone(td.Servers)
	m.replace(sd)
	switch td.Type {
	case Single:
		if td.SetName != "" && sd.Type != ServerUnknown && sd.SetName != td.SetName {
			m.replace(NewUnknownServer(sd.Addr, errWrongSetName))
		}
	case LoadBalanced:
		// One server, never monitored: nothing to derive.
	case TopologyUnknown:
		m.fromUnknown(sd)
	case Sharded:
		if sd.Type != ServerUnknown && sd.Type != Mongos {
			m.remove(sd.Addr)
		}
	case ReplicaSetNoPrimary, ReplicaSetWithPrimary:
		m.fromReplicaSet(sd)
	}
	m.td.CompatibilityErr = compatibilityErr(m.td.Servers)
	m.td.LogicalSessionTimeoutMinutes = sessionTimeout(m.td.Servers)
	return m.td
}

// machine holds the description Apply is building; its Servers slice is a
// private copy, so the steps below may change it in place.
type machine struct{ td TopologyDescription }

// fromUnknown is the "TopologyType Unknown" column of the SDAM table.
func (m *machine) fromUnknown(sd ServerDescription) {
	switch sd.Type {
	case Standalone:
		if m.td.singleSeed {
			m.td.Type = Single
		} else {
			m.remove(sd.Addr)
		}
	case Mongos:
		m.td.Type = Sharded
	case RSPrimary:
		m.td.Type = ReplicaSetWithPrimary
		m.updateRSFromPrimary(sd)
	case RSSecondary, RSArbiter, RSOther:
		m.td.Type = ReplicaSetNoPrimary
		m.updateRSWithoutPrimary(sd)
	}
}

// fromReplicaSet is the two replica-set columns of the SDAM table.
func (m *machine) fromReplicaSet(sd ServerDescription) {
	withPrimary := m.td.Type == ReplicaSetWithPrimary
	switch sd.Type {
	case Standalone, Mongos:
		m.remove(sd.Addr)
		if withPrimary {
			m.checkIfHasPrimary()
		}
	case RSPrimary:
		m.updateRSFromPrimary(sd)
	case RSSecondary, RSArbiter, RSOther:
		if withPrimary {
			m.updateRSWithPrimaryFromMember(sd)
		} else {
			m.updateRSWithoutPrimary(sd)
		}
	default: // Unknown, RSGhost: keep it
		if withPrimary {
			m.checkIfHasPrimary()
		}
	}
}

// updateRSWithoutPrimary learns members from a non-primary while no
// primary is known: it adds servers but never removes others.
func (m *machine) updateRSWithoutPrimary(sd ServerDescription) {
	if m.td.SetName == "" {
		m.td.SetName = sd.SetName
	} else if m.td.SetName != sd.SetName {
		m.remove(sd.Addr)
		return
	}
	m.addMembers(sd)
	m.markPossiblePrimary(sd.Primary)
	if sd.Me != "" && sd.Me != sd.Addr {
		m.remove(sd.Addr)
	}
}

// updateRSWithPrimaryFromMember checks a non-primary against the known
// primary's view.
func (m *machine) updateRSWithPrimaryFromMember(sd ServerDescription) {
	if m.td.SetName != sd.SetName || (sd.Me != "" && sd.Me != sd.Addr) {
		m.remove(sd.Addr)
		m.checkIfHasPrimary()
		return
	}
	if !m.td.HasPrimary() { // this member had been the primary
		m.td.Type = ReplicaSetNoPrimary
		m.markPossiblePrimary(sd.Primary)
	}
}

// updateRSFromPrimary accepts a primary unless its (electionId,
// setVersion) shows it stale, demotes any other primary, and makes the
// member list the primary's.
func (m *machine) updateRSFromPrimary(sd ServerDescription) {
	if m.td.SetName == "" {
		m.td.SetName = sd.SetName
	} else if m.td.SetName != sd.SetName {
		m.remove(sd.Addr)
		m.checkIfHasPrimary()
		return
	}
	if !m.acceptPrimaryVersion(sd) {
		m.replace(NewUnknownServer(sd.Addr, ErrStalePrimary))
		m.checkIfHasPrimary()
		return
	}
	for i, s := range m.td.Servers {
		if s.Addr != sd.Addr && s.Type == RSPrimary {
			m.td.Servers[i] = NewUnknownServer(s.Addr, ErrNewerPrimary)
		}
	}
	m.addMembers(sd)
	m.td.Servers = slices.DeleteFunc(m.td.Servers, func(s ServerDescription) bool {
		return !sd.hasMember(s.Addr)
	})
	m.checkIfHasPrimary()
}

// acceptPrimaryVersion compares the primary's (electionId, setVersion)
// with the largest seen and records the new maxima. It reports false for a
// stale primary. MongoDB 6.0+ (wire 17) orders by electionId first; older
// servers keep the historical setVersion-first order.
func (m *machine) acceptPrimaryVersion(sd ServerDescription) bool {
	if sd.MaxWireVersion >= 17 {
		c := compareElectionID(sd.ElectionID, m.td.MaxElectionID)
		if c < 0 || (c == 0 && compareSetVersion(sd.SetVersion, m.td.MaxSetVersion) < 0) {
			return false
		}
		m.td.MaxElectionID, m.td.MaxSetVersion = sd.ElectionID, sd.SetVersion
		return true
	}
	if sd.SetVersion != nil && sd.ElectionID != nil {
		if m.td.MaxSetVersion != nil && m.td.MaxElectionID != nil {
			if *m.td.MaxSetVersion > *sd.SetVersion ||
				(*m.td.MaxSetVersion == *sd.SetVersion && compareElectionID(m.td.MaxElectionID, sd.ElectionID) > 0) {
				return false
			}
		}
		m.td.MaxElectionID = sd.ElectionID
	}
	if sd.SetVersion != nil && (m.td.MaxSetVersion == nil || *sd.SetVersion > *m.td.MaxSetVersion) {
		m.td.MaxSetVersion = sd.SetVersion
	}
	return true
}

// compareElectionID orders ObjectIDs bytewise, a missing one first.
func compareElectionID(a, b *bson.ObjectID) int {
	return compareOptional(a, b, func(a, b *bson.ObjectID) int { return bytes.Compare(a[:], b[:]) })
}

// compareSetVersion orders setVersions, a missing one first.
func compareSetVersion(a, b *int64) int {
	return compareOptional(a, b, func(a, b *int64) int { return cmp.Compare(*a, *b) })
}

// compareOptional orders two optional values by compare, a missing one
// first.
func compareOptional[T any](a, b *T, compare func(a, b *T) int) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return compare(a, b)
}

// checkIfHasPrimary sets the replica-set type by whether a primary is known.
func (m *machine) checkIfHasPrimary() {
	if m.td.HasPrimary() {
		m.td.Type = ReplicaSetWithPrimary
	} else {
		m.td.Type = ReplicaSetNoPrimary
	}
}

// addMembers adds an Unknown server for each member sd names that the
// topology does not have yet.
func (m *machine) addMembers(sd ServerDescription) {
	for _, a := range sd.Members() {
		if _, ok := m.td.index(a); !ok {
			m.replace(NewUnknownServer(a, nil))
		}
	}
}

// markPossiblePrimary turns the Unknown server at addr into a
// PossiblePrimary: a member said it is the primary.
func (m *machine) markPossiblePrimary(addr Address) {
	if addr == "" {
		return
	}
	if i, ok := m.td.index(addr); ok && m.td.Servers[i].Type == ServerUnknown {
		pp := NewUnknownServer(addr, nil)
		pp.Type = PossiblePrimary
		m.td.Servers[i] = pp
	}
}

// replace puts sd in place of the server with its address, or inserts it.
func (m *machine) replace(sd ServerDescription) {
	i, found := m.td.index(sd.Addr)
	if found {
		m.td.Servers[i] = sd
		return
	}
	m.td.Servers = slices.Insert(m.td.Servers, i, sd)
}

// remove drops the server at addr; its monitor is to stop.
func (m *machine) remove(addr Address) {
	if i, ok := m.td.index(addr); ok {
		m.td.Servers = slices.Delete(m.td.Servers, i, i+1)
	}
}
