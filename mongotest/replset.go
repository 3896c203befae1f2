package mongotest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/torque-go/torque/internal/wirehost"
	"github.com/torque-go/torque/mongotest/internal/store"
)

// ReplicaSetOptions configure a replica set. The zero value is three
// members named rs0 on free loopback ports, member 0 primary.
type ReplicaSetOptions struct {
	// Members is the number of data-bearing members (default 3).
	Members int
	// SetName is the set's name (default "rs0").
	SetName string
	// Users turns authentication on, as Options.Users does.
	Users []User
	// Lag is how long after the primary a secondary applies a write: a
	// read there shows the data of Lag ago, unless it asks for a later
	// afterClusterTime (a causally consistent session), which waits.
	// Zero (the default) replicates at once.
	Lag time.Duration
	// Mongos puts that many mongos routers in front of the set, each on
	// its own port (MongosURI): the set is then a sharded cluster's one
	// shard, and clients should connect through the routers.
	Mongos int
	// LoadBalanced puts mongoses behind a load balancer port
	// (LoadBalancerURI): each answers a hello with loadBalanced: true
	// with its own serviceId, as a mongos behind a load balancer does.
	LoadBalanced bool
	// LoadBalancedServices is how many mongoses the load balancer fronts
	// (default 1); it routes each connection to one of them in turn.
	LoadBalancedServices int
	// Parameters are server parameters set at startup, as Options.Parameters.
	Parameters map[string]any
	// Logf, when set, reports what the members do; NewReplicaSet sets
	// t.Logf.
	Logf func(format string, args ...any)
}

// ReplicaSet is a replica set of in-process members on loopback. Every
// member listens on its own port and answers hello as a real member does
// (setName, hosts, primary, me, electionId, setVersion, topologyVersion,
// awaitable hello); replies carry $clusterTime and operationTime in step
// with the oplog. Writes go to the primary; the members share one store,
// so replication is instant. Its methods are safe for concurrent use.
type ReplicaSet struct {
	core    *Server // the data every member serves (it has no host of its own)
	set     *wirehost.ReplicaSet
	members []*member
	routers []*member       // the mongoses, then those behind the load balancer
	lbs     []*loadBalancer // in front of every load-balanced mongos, then of the first

	closeOnce sync.Once
	closeErr  error
}

// StartReplicaSet starts a replica set. Stop it with Close.
func StartReplicaSet(opts ReplicaSetOptions) (*ReplicaSet, error) {
	core, err := newCore(opts.Users, opts.Parameters)
	if err != nil {
		return nil, err
	}
	if opts.Members == 0 {
		opts.Members = 3
	}
	rs := &ReplicaSet{core: core}
	for i := 0; i < opts.Members; i++ {
		rs.members = append(rs.members, &member{core: core, index: i, inner: backend{core}, fps: &failPoints{}, lag: opts.Lag, rs: rs})
	}
	h := wirehost.Hello{MaxWireVersion: MaxWireVersion, Compressors: []string{"snappy", "zlib", "zstd"}}
	rs.set, err = wirehost.StartReplicaSet(wirehost.ReplicaSetOptions{SetName: opts.SetName, Members: opts.Members,
		Hello: h, Logf: opts.Logf, Name: "mongotest", ClusterTime: core.store.ClusterTime,
		Backend: func(i int) wirehost.Backend { return rs.members[i] }})
	if err != nil {
		core.cursors.closeAll()
		return nil, err
	}
	for i, m := range rs.set.Members() {
		rs.members[i].host.Store(m)
	}
	if err := rs.startRouters(opts, h); err != nil {
		rs.Close()
		return nil, err
	}
	return rs, nil
}

// newCore is a server's data and command set without a listener: the
// state the members of a replica set share.
func newCore(users []User, params map[string]any) (*Server, error) {
	s := &Server{store: store.New(), cursors: newCursors(), started: time.Now(), sessions: newSessions(), streams: newStreams(), local: newLocalSessions()}
	var err error
	if s.users, err = newUsers(users); err != nil {
		return nil, err
	}
	if s.params, err = newServerParams(params); err != nil {
		return nil, err
	}
	s.store.Tick() // a cluster time from the start, before any write
	return s, nil
}

// NewReplicaSet starts a replica set for the test t and closes it when the
// test ends.
func NewReplicaSet(t testing.TB, opts ReplicaSetOptions) *ReplicaSet {
	t.Helper()
	if opts.Logf == nil {
		opts.Logf = t.Logf
	}
	rs, err := StartReplicaSet(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := rs.Close(); err != nil {
			t.Errorf("mongotest: close: %v", err)
		}
	})
	return rs
}

// Hosts are the members' "127.0.0.1:port" addresses, member 0 first.
func (rs *ReplicaSet) Hosts() []string { return rs.set.Hosts() }

// URI is a connection string that seeds a client with every member and
// names the set (it carries no credentials).
func (rs *ReplicaSet) URI() string {
	return "mongodb://" + strings.Join(rs.Hosts(), ",") + "/?replicaSet=" + rs.setName()
}

func (rs *ReplicaSet) setName() string { return rs.set.Member(0).Hello().SetName }

// Primary is the index of the primary member, -1 when there is none.
func (rs *ReplicaSet) Primary() int {
	p := rs.set.Primary()
	for i, m := range rs.members {
		if m.host.Load() == p {
			return i
		}
	}
	return -1
}

// StepDown makes the primary a secondary: the set has no primary until
// Elect. Streaming hellos hear of it at once.
func (rs *ReplicaSet) StepDown() { rs.set.StepDown() }

// Elect makes member i the primary in a new term (a higher electionId);
// the old primary, if any, steps down.
func (rs *ReplicaSet) Elect(i int) error { return rs.set.Elect(i) }

// Kill stops member i as a crashed process: its port refuses connections
// and its open connections drop. A killed primary leaves the set without
// one until Elect. Restart brings it back.
func (rs *ReplicaSet) Kill(i int) error {
	if rs.Primary() == i {
		rs.set.StepDown()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return rs.set.Member(i).Stop(ctx)
}

// Restart brings a killed member back on the same port, as a restarted
// process (a new processId in its topologyVersion).
func (rs *ReplicaSet) Restart(i int) error { return rs.set.Member(i).Restart() }

// Partition cuts member i off the network without closing anything: its
// open connections and port stay up, but nothing it receives reaches it
// and nothing it would answer (held hellos included) leaves it, so that
// clients see timeouts, not closed connections. The member keeps its
// role: a test that partitions the primary elects another (Elect). Heal
// ends the partition.
func (rs *ReplicaSet) Partition(i int) { rs.members[i].host.Load().Partition() }

// Heal ends member i's partition: the requests that come next are
// answered (a connection that met the partition stays hung until its
// client closes it).
func (rs *ReplicaSet) Heal(i int) { rs.members[i].host.Load().Heal() }

// FailCommand arms a failCommand fail point on member i, as the
// configureFailPoint command does ({configureFailPoint: "failCommand",
// mode, data}); mode "off" (or FailPoint.Off) clears it.
func (rs *ReplicaSet) FailCommand(i int, fp FailPoint) { rs.members[i].fps.set(fp) }

// Close stops every member and waits for their goroutines. Calling it
// again returns the first call's result.
func (rs *ReplicaSet) Close() error {
	rs.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		rs.core.closeStreams() // wakes awaiting getMores first
		for _, lb := range rs.lbs {
			rs.closeErr = errors.Join(rs.closeErr, lb.close())
		}
		rs.closeErr = errors.Join(rs.closeErr, rs.set.Close(ctx))
		for _, r := range rs.routers {
			if h := r.host.Load(); h != nil {
				rs.closeErr = errors.Join(rs.closeErr, h.Close(ctx))
			}
		}
		rs.core.cursors.closeAll()
		if errors.Is(rs.closeErr, context.DeadlineExceeded) {
			rs.closeErr = errors.New("mongotest: close: the members' goroutines did not end within 10s")
		}
	})
	return rs.closeErr
}
