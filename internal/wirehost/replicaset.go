package wirehost

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/torque-go/torque/bson"
)

// ReplicaSetOptions configure a replica set of hosts on loopback.
type ReplicaSetOptions struct {
	SetName  string // default "rs0"
	Members  int    // data-bearing members, default 3; member 0 starts as primary
	Arbiters int    // arbiters, after the data-bearing members
	Hidden   []int  // members that are hidden: not in hosts, never primary
	// Hello is every member's template: wire versions, limits,
	// compressors, tags... The set fills in role, setName, hosts, primary,
	// setVersion and electionId.
	Hello Hello
	Logf  func(format string, args ...any)
	// Backend, when set, gives member i its Backend (a real command set);
	// Name and ClusterTime go to every member's Options.
	Backend     func(member int) Backend
	Name        string
	ClusterTime func() bson.Timestamp
}

// ReplicaSet is several hosts whose hello answers agree: one config
// (setName, hosts, arbiters, setVersion), at most one primary with the
// electionId of the current term. Its methods change the set as an
// election or a reconfig would; every member whose answer changes bumps
// its topologyVersion and wakes its held hellos. Safe for concurrent use.
type ReplicaSet struct {
	log     *Log
	store   *Store
	setName string

	mu         sync.Mutex
	members    []*Server
	arbiters   int // members[len-arbiters:] are arbiters
	hidden     map[int]bool
	removed    map[int]bool
	primary    int // -1: none
	term       int64
	setVersion int64
}

// StartReplicaSet starts the members and gives them their first config,
// member 0 primary in term 1. Stop it with Close.
func StartReplicaSet(opts ReplicaSetOptions) (*ReplicaSet, error) {
	if opts.SetName == "" {
		opts.SetName = "rs0"
	}
	if opts.Members == 0 {
		opts.Members = 3
	}
	rs := &ReplicaSet{log: NewLog(), store: NewStore(), setName: opts.SetName, arbiters: opts.Arbiters,
		hidden: map[int]bool{}, removed: map[int]bool{}, term: 1, setVersion: 1}
	for _, i := range opts.Hidden {
		rs.hidden[i] = true
	}
	for i := 0; i < opts.Members+opts.Arbiters; i++ {
		h := opts.Hello.clone()
		h.Role, h.SetName = Other, opts.SetName
		o := Options{Hello: h, ClusterLog: rs.log, Store: rs.store, Logf: opts.Logf, Name: opts.Name,
			ClusterTime: opts.ClusterTime}
		if opts.Backend != nil {
			o.Backend = opts.Backend(i)
		}
		s, err := Start(o)
		if err != nil {
			rs.Close(context.Background())
			return nil, err
		}
		rs.members = append(rs.members, s)
	}
	rs.primary = 0
	rs.mu.Lock()
	rs.applyLocked()
	rs.mu.Unlock()
	return rs, nil
}

// NewReplicaSet starts a replica set for test t and closes it when the test
// ends.
func NewReplicaSet(t testing.TB, opts ReplicaSetOptions) *ReplicaSet {
	t.Helper()
	if opts.Logf == nil {
		opts.Logf = t.Logf
	}
	rs, err := StartReplicaSet(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { CloseForTest(t, rs.Close) })
	return rs
}

// Members returns every member, arbiters last.
func (rs *ReplicaSet) Members() []*Server {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return slices.Clone(rs.members)
}

// Member returns member i.
func (rs *ReplicaSet) Member(i int) *Server { return rs.Members()[i] }

// Primary returns the current primary, or nil when there is none.
func (rs *ReplicaSet) Primary() *Server {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.primary < 0 {
		return nil
	}
	return rs.members[rs.primary]
}

// Hosts returns the addresses of every member, arbiters last.
func (rs *ReplicaSet) Hosts() []string {
	var out []string
	for _, m := range rs.Members() {
		out = append(out, m.Addr())
	}
	return out
}

// URI is a connection string that seeds the client with every member.
func (rs *ReplicaSet) URI() string {
	return "mongodb://" + strings.Join(rs.Hosts(), ",") + "/?replicaSet=" + rs.setName
}

// Log is the record of every member's requests, in arrival order.
func (rs *ReplicaSet) Log() *Log { return rs.log }

// Store is the documents all members share (replication is instant).
func (rs *ReplicaSet) Store() *Store { return rs.store }

// StepDown makes the primary a secondary; the set has no primary until
// Elect.
func (rs *ReplicaSet) StepDown() {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.primary = -1
	rs.applyLocked()
}

// Elect makes member i primary in a new term (a higher electionId); the
// old primary, if any, becomes a secondary.
func (rs *ReplicaSet) Elect(i int) error {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if i < 0 || i >= len(rs.members)-rs.arbiters || rs.removed[i] || rs.hidden[i] {
		return errors.New("mockserver: member cannot be elected")
	}
	rs.primary = i
	rs.term++
	rs.applyLocked()
	return nil
}

// Remove takes member i out of the config (a reconfig: setVersion goes
// up). The others stop listing it; it answers as a member without a
// config (RSGhost).
func (rs *ReplicaSet) Remove(i int) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.removed[i] = true
	if rs.primary == i {
		rs.primary = -1
	}
	rs.setVersion++
	rs.applyLocked()
}

// applyLocked gives every member its part of the current config.
func (rs *ReplicaSet) applyLocked() {
	var hosts, arbiters []string
	data := len(rs.members) - rs.arbiters
	for i, m := range rs.members {
		switch {
		case rs.removed[i] || rs.hidden[i]:
		case i >= data:
			arbiters = append(arbiters, m.Addr())
		default:
			hosts = append(hosts, m.Addr())
		}
	}
	primary := ""
	if rs.primary >= 0 {
		primary = rs.members[rs.primary].Addr()
	}
	for i, m := range rs.members {
		m.Update(func(h *Hello) {
			h.SetName, h.Hosts, h.Arbiters, h.Primary = rs.setName, hosts, arbiters, primary
			h.SetVersion, h.ElectionID, h.Hidden = rs.setVersion, [12]byte{}, rs.hidden[i]
			switch {
			case rs.removed[i]:
				h.Role, h.SetName, h.Hosts, h.Arbiters, h.Primary = Ghost, "", nil, nil, ""
			case i >= data:
				h.Role = Arbiter
			case i == rs.primary:
				h.Role, h.ElectionID = Primary, ElectionID(rs.term)
			default:
				h.Role = Secondary
			}
		})
	}
}

// Close stops every member and waits for their goroutines within ctx.
func (rs *ReplicaSet) Close(ctx context.Context) error {
	var errs []error
	for _, m := range rs.Members() {
		errs = append(errs, m.Close(ctx))
	}
	return errors.Join(errs...)
}

// Requests returns every member's requests in arrival order.
func (rs *ReplicaSet) Requests() []*Request { return rs.log.Requests() }

// CommandsNamed returns the set's requests for command name.
func (rs *ReplicaSet) CommandsNamed(name string) []*Request { return rs.log.CommandsNamed(name) }

// WaitFor waits until the set has received n requests for command name.
func (rs *ReplicaSet) WaitFor(ctx context.Context, name string, n int) ([]*Request, error) {
	return rs.log.WaitFor(ctx, name, n)
}
