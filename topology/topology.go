package topology

import (
	"context"
	"errors"
	"maps"
	"sync"
	"sync/atomic"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/pool"
	"github.com/torque-go/torque/srv"
)

// ErrClosed is returned by SelectServer once the topology is closed.
var ErrClosed = errors.New("topology: closed")

// Topology is the running model of a deployment: the owner of the current
// TopologyDescription, of one Server (connection pool and monitor) per
// known server, and of every goroutine that keeps them fresh. Monitors
// feed it check outcomes (Update), operations feed it their errors
// (Server.HandleError), and SelectServer reads it.
//
// The description is replaced, never modified, under one lock, by the pure
// functions Apply, ApplyAppError and ApplySeedList; readers get the current
// one without locking. Events go to Options.Listener in order, never while
// the lock is held.
//
// A Topology is safe for concurrent use. Close stops everything it started.
type Topology struct {
	id   bson.ObjectID
	opts Options

	mu    sync.Mutex // serializes changes; held for no I/O
	desc  TopologyDescription
	state atomic.Pointer[state] // what readers see, replaced under mu

	pubMu sync.Mutex     // orders event delivery; taken before mu is released
	wg    sync.WaitGroup // monitors and pool closers

	poller      *srv.Poller // nil without SRV polling
	pollerEnded bool        // guarded by mu
	// retired are servers that left the topology while connections of
	// their pools were still checked out (a cursor's, say): Close shuts
	// those pools down too. Guarded by mu.
	retired map[*Server]struct{}
}

// state is an immutable snapshot for readers: the description, the
// servers by address, and a channel closed when the snapshot is replaced.
type state struct {
	desc    TopologyDescription
	servers map[Address]*Server
	changed chan struct{}
	closed  bool
}

// Open starts a topology: it builds the initial description from opts,
// creates a Server (paused pool and monitor) per seed, and starts the
// monitors and, for a mongodb+srv string, the SRV poller. It does no I/O
// itself: the first checks run on the monitors' goroutines, so Open
// returns at once and fails only for invalid options. Close it when done.
func Open(opts Options) (*Topology, error) {
	td, err := New(opts.description())
	if err != nil {
		return nil, err
	}
	t := &Topology{id: bson.NewObjectID(), opts: opts}
	t.pubMu.Lock()
	defer t.pubMu.Unlock()
	t.mu.Lock()
	t.desc = td
	// The poller first: nothing else runs yet if it fails. Its first
	// rescan comes an interval later, and it takes mu for it.
	if opts.SRV != nil && PollsSRV(td.Type) {
		if err := t.startPoller(); err != nil {
			t.mu.Unlock()
			return nil, err
		}
	}
	servers := map[Address]*Server{}
	for _, sd := range td.Servers {
		servers[sd.Addr] = t.newServer(sd.Addr)
	}
	t.state.Store(&state{desc: td, servers: servers, changed: make(chan struct{})})
	evs := Opening(t.id, td)
	if opts.LoadBalanced { // the load balancer is never monitored
		lb := NewLoadBalancerServer(td.Servers[0].Addr)
		evs = append(evs, t.installLocked(Apply(td, lb), lb.Addr)...)
		servers[lb.Addr].pool.Ready()
	}
	for _, s := range servers {
		s.start()
	}
	t.mu.Unlock()
	t.publish(evs)
	return t, nil
}

// ID is the topology's id, as its events carry it.
func (t *Topology) ID() bson.ObjectID { return t.id }

// Description returns the current TopologyDescription.
func (t *Topology) Description() TopologyDescription { return t.state.Load().desc }

// Server returns the running server at addr, or nil.
func (t *Topology) Server(addr Address) *Server { return t.state.Load().servers[addr] }

// Publish delivers a monitor's event to the listener (CheckSink).
func (t *Topology) Publish(e Event) {
	switch h := e.(type) {
	case ServerHeartbeatStarted:
		h.TopologyID, e = t.id, h
	case ServerHeartbeatSucceeded:
		h.TopologyID, e = t.id, h
	case ServerHeartbeatFailed:
		h.TopologyID, e = t.id, h
	}
	t.pubMu.Lock()
	t.publish([]Event{e})
	t.pubMu.Unlock()
}

// publish calls the listener; the caller holds pubMu, not mu.
func (t *Topology) publish(evs []Event) {
	if t.opts.Listener == nil {
		return
	}
	for _, e := range evs {
		t.opts.Listener.HandleEvent(e)
	}
}

// unlockAndPublish releases mu and publishes evs, in the order in which
// the changes were made.
func (t *Topology) unlockAndPublish(evs []Event) {
	t.pubMu.Lock()
	t.mu.Unlock()
	t.publish(evs)
	t.pubMu.Unlock()
}

// Update applies the outcome of one check of a server (CheckSink): the
// SDAM rules and, synchronized with them, the pool of the checked server
// is made ready after a good check or cleared after a failed one
// (interrupting operations in use after a timeout), and demoted primaries
// are re-checked. It returns false when the server is no longer part of
// the topology, which ends its monitor.
func (t *Topology) Update(sd ServerDescription) bool {
	t.mu.Lock()
	st := t.state.Load()
	s := st.servers[sd.Addr]
	if st.closed || s == nil {
		t.mu.Unlock()
		return false
	}
	old := t.desc
	next := Apply(old, sd)
	// Readers take no lock, so the order matters both ways. A pool is
	// made ready before readers see the description that makes its
	// server selectable. A failed check installs the Unknown description
	// first and clears the pool after (the Server Monitoring spec's
	// order): a checkout woken by the clear (PoolClearedError, retried)
	// must not select the server again from the old description and meet
	// the paused pool, as topology/app_error.go does for operations.
	now, still := next.Server(sd.Addr)
	if still && sd.Err == nil && (now.Type.DataBearing() || (now.Type != ServerUnknown && next.Type == Single)) {
		s.pool.Ready()
	}
	evs := t.installLocked(next, sd.Addr)
	if still && sd.Err != nil {
		s.pool.Clear(pool.ClearOptions{InterruptInUse: isTimeout(sd.Err), Cause: sd.Err})
	}
	servers := t.state.Load().servers
	for _, d := range Demoted(old, next, sd.Addr) {
		if ds := servers[d.Addr]; ds != nil {
			if d.MaxWireVersion < 8 {
				ds.pool.Clear(pool.ClearOptions{Cause: ErrNewerPrimary})
			}
			ds.requestCheck()
		}
	}
	t.unlockAndPublish(evs)
	return still
}

// installLocked makes next the current description: servers that joined
// get a Server (started at once), servers that left are stopped, waiting
// selections wake, and SRV polling ends when the type no longer polls. It
// returns the events of the change from the previous description.
func (t *Topology) installLocked(next TopologyDescription, checked Address) []Event {
	old := t.state.Load()
	evs := Diff(t.id, t.desc, next, checked)
	t.desc = next
	servers := old.servers
	if len(next.Servers) != len(servers) || !hasServers(servers, next) {
		servers = maps.Clone(servers)
		for _, sd := range next.Servers {
			if servers[sd.Addr] == nil {
				s := t.newServer(sd.Addr)
				servers[sd.Addr] = s
				if !old.closed {
					s.start()
				}
			}
		}
		for addr, s := range servers {
			if _, ok := next.Server(addr); !ok {
				delete(servers, addr)
				t.retire(s)
			}
		}
	}
	t.state.Store(&state{desc: next, servers: servers, changed: make(chan struct{}), closed: old.closed})
	close(old.changed)
	if t.poller != nil && !t.pollerEnded && !PollsSRV(next.Type) {
		t.pollerEnded = true
		stopNow(t.poller)
	}
	return evs
}

// hasServers reports whether servers has a Server for each of td's servers.
func hasServers(servers map[Address]*Server, td TopologyDescription) bool {
	for _, sd := range td.Servers {
		if servers[sd.Addr] == nil {
			return false
		}
	}
	return true
}

// retire stops a server that left the topology: its monitor is told to
// end and its pool is closed on a goroutine of the topology (checked-out
// connections close when they come back, or at Close). The caller holds mu.
func (t *Topology) retire(s *Server) {
	s.stop()
	if t.retired == nil {
		t.retired = map[*Server]struct{}{}
	}
	for r := range t.retired { // forget those whose connections are all back
		if st := r.pool.Stats(); st.Closed && st.Total == 0 {
			delete(t.retired, r)
		}
	}
	t.retired[s] = struct{}{}
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		<-s.stopped()
		_ = s.pool.Close(context.Background())
	}()
}

// requestChecks asks every monitor for an immediate check.
func (t *Topology) requestChecks() {
	for _, s := range t.state.Load().servers {
		s.requestCheck()
	}
}

// Close stops the topology: the SRV poller, every monitor (a check in
// progress is cancelled), and every pool, and waits for their goroutines,
// bounded by ctx. Waiting selections fail with ErrClosed. The closing
// events (ServerClosed for each server, the change to an empty Unknown
// topology, TopologyClosed) are published last. Close is idempotent.
func (t *Topology) Close(ctx context.Context) error {
	t.mu.Lock()
	old := t.state.Load()
	if old.closed {
		t.mu.Unlock()
		return t.waitGoroutines(ctx)
	}
	final := TopologyDescription{}
	t.state.Store(&state{desc: final, servers: map[Address]*Server{}, changed: make(chan struct{}), closed: true})
	close(old.changed)
	prev := t.desc
	t.desc = final
	poller := t.poller
	retired := t.retired
	t.retired = nil
	t.mu.Unlock()

	var errs []error
	if poller != nil {
		errs = append(errs, poller.Stop(ctx))
	}
	errs = append(errs, t.closeServers(ctx, old.servers), t.shutdownRetired(ctx, retired), t.waitGoroutines(ctx))
	evs := make([]Event, 0, len(prev.Servers)+2)
	for _, sd := range prev.Servers {
		evs = append(evs, ServerClosed{TopologyID: t.id, Addr: sd.Addr})
	}
	evs = append(evs, TopologyDescriptionChanged{TopologyID: t.id, Previous: prev, New: final},
		TopologyClosed{TopologyID: t.id})
	t.pubMu.Lock()
	t.publish(evs)
	t.pubMu.Unlock()
	return errors.Join(errs...)
}

// closeServers stops the monitors and shuts the pools of servers down
// (their checked-out connections too: Close is the client's Disconnect).
func (t *Topology) closeServers(ctx context.Context, servers map[Address]*Server) error {
	for _, s := range servers {
		s.stop()
	}
	var errs []error
	for _, s := range servers {
		select {
		case <-s.stopped():
		case <-ctx.Done():
			return errors.Join(append(errs, errors.New("topology: monitor of "+string(s.addr)+" still running: "+ctx.Err().Error()))...)
		}
		errs = append(errs, s.pool.Shutdown(ctx)) // in-use connections too: nothing stays open
	}
	return errors.Join(errs...)
}

// shutdownRetired shuts down the pools of servers that left the topology
// earlier, closing the connections still checked out of them: after
// Disconnect no socket stays open, whichever server it went to.
func (t *Topology) shutdownRetired(ctx context.Context, retired map[*Server]struct{}) error {
	var errs []error
	for s := range retired {
		errs = append(errs, s.pool.Shutdown(ctx))
	}
	return errors.Join(errs...)
}

// waitGoroutines waits for the goroutines the topology started.
func (t *Topology) waitGoroutines(ctx context.Context) error {
	done := make(chan struct{})
	go func() { t.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return errors.New("topology: closing: goroutines still running: " + ctx.Err().Error())
	}
}
