package topology

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/torque-go/torque/pool"
)

// minHeartbeat is MinHeartbeatFrequency; tests shorten it (export_test.go).
var minHeartbeat = MinHeartbeatFrequency

// monitor checks one server on a dedicated connection, on one goroutine,
// and hands each outcome to its topology (Server Monitoring spec). With
// the streaming protocol it sends an awaitable hello with exhaustAllowed
// and reads the server's stream of replies, and an rttMonitor times round
// trips on a second connection; otherwise it polls: a hello every
// heartbeat. The topology starts it, may ask it for an immediate check or
// cancel its check, and stops it.
type monitor struct {
	addr      Address
	topo      *Topology
	connCfg   *pool.ConnConfig // Options.Pool.Conn without the credential
	heartbeat time.Duration
	timeout   time.Duration // connectTimeoutMS; 0 means none
	streaming bool          // the mode allows the streaming protocol
	rtt       *rttStats

	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	wake   chan struct{} // requestCheck; buffered, one pending request

	mu          sync.Mutex
	checkCancel context.CancelFunc // cancels the check in progress
	cancelled   bool               // the check in progress was cancelled
	dropConn    bool               // close the connection before the next check
	awaiting    bool               // the check in progress awaits a streamed reply

	// Owned by the goroutine.
	conn       *pool.Conn
	moreToCome bool // the server streams: another reply is due on conn
	rttMon     *rttMonitor
	buf        []byte
}

func newMonitor(t *Topology, addr Address, rtt *rttStats) *monitor {
	cfg := t.opts.Pool.Conn // a copy: monitors never authenticate
	cfg.Credential = nil
	m := &monitor{
		addr:      addr,
		topo:      t,
		connCfg:   &cfg,
		heartbeat: t.opts.heartbeat(),
		timeout:   connectTimeout(&cfg),
		streaming: t.opts.streaming(),
		rtt:       rtt,
		done:      make(chan struct{}),
		wake:      make(chan struct{}, 1),
	}
	m.ctx, m.cancel = context.WithCancel(context.Background())
	return m
}

// connectTimeout is the connection's ConnectTimeout with pool's default; 0
// means none.
func connectTimeout(cfg *pool.ConnConfig) time.Duration {
	switch {
	case cfg.ConnectTimeout == 0:
		return pool.DefaultConnectTimeout
	case cfg.ConnectTimeout < 0:
		return 0
	}
	return cfg.ConnectTimeout
}

// requestCheck wakes a sleeping monitor for a check as soon as
// minHeartbeatFrequency allows. A request during a check is ignored.
func (m *monitor) requestCheck() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// cancelCheck interrupts the check in progress and drops the monitoring
// connection (after a network error on an application connection): the
// monitor then waits before it checks again on a new connection.
func (m *monitor) cancelCheck() {
	m.mu.Lock()
	m.dropConn = true
	if m.checkCancel != nil {
		m.cancelled = true
		m.checkCancel()
	}
	m.mu.Unlock()
}

// interruptAwait cancels a check that awaits a streamed reply, as
// cancelCheck does, after a state-change error the server will not stream
// (it had no topologyVersion); the requestCheck that comes with it makes
// the next check immediate. A check of any other kind is left alone.
func (m *monitor) interruptAwait() {
	m.mu.Lock()
	if m.checkCancel != nil && m.awaiting {
		m.dropConn, m.cancelled = true, true
		m.checkCancel()
	}
	m.mu.Unlock()
}

// stop asks the goroutine to end; the topology waits for done.
func (m *monitor) stop() { m.cancel() }

// run is the monitor's goroutine.
func (m *monitor) run() {
	defer close(m.done)
	defer m.shutdown()
	prev := NewUnknownServer(m.addr, nil)
	for m.ctx.Err() == nil {
		sd, ok := m.check(prev)
		if m.ctx.Err() != nil {
			return
		}
		if !ok { // cancelled: the topology already marked the server Unknown
			prev = NewUnknownServer(m.addr, nil)
			m.wait()
			continue
		}
		if !m.topo.Update(sd) {
			return // no longer part of the topology
		}
		streamable := sd.Type != ServerUnknown && sd.TopologyVersion != nil
		if m.streaming && streamable && m.rttMon == nil {
			m.rttMon = startRTTMonitor(m.ctx, m)
		}
		retry := sd.Err != nil && isNetworkError(sd.Err) && prev.Type != ServerUnknown
		prev = sd
		if (m.streaming && (streamable || m.moreToCome)) || retry {
			continue
		}
		m.wait()
	}
}

// shutdown closes what the goroutine owns.
func (m *monitor) shutdown() {
	if m.rttMon != nil {
		m.rttMon.stop()
	}
	m.closeConn()
}

// wait sleeps for the heartbeat interval or until a check is requested,
// and in any case at least minHeartbeatFrequency.
func (m *monitor) wait() {
	start := time.Now()
	timer := time.NewTimer(m.heartbeat)
	defer timer.Stop()
	select {
	case <-m.ctx.Done():
		return
	case <-timer.C:
	case <-m.wake:
	}
	if rest := minHeartbeat - time.Since(start); rest > 0 {
		timer.Reset(rest)
		select {
		case <-m.ctx.Done():
		case <-timer.C:
		}
	}
}

// beginCheck records how to cancel the check about to run and applies a
// pending request to drop the connection. Requests for a check that came
// before are satisfied by this one.
func (m *monitor) beginCheck(cancel context.CancelFunc) {
	select {
	case <-m.wake:
	default:
	}
	m.mu.Lock()
	m.checkCancel, m.cancelled = cancel, false
	drop := m.dropConn
	m.dropConn = false
	m.mu.Unlock()
	if drop {
		m.closeConn()
	}
}

// endCheck reports whether the check was cancelled.
func (m *monitor) endCheck() (cancelled bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.checkCancel, m.awaiting = nil, false
	return m.cancelled
}

func (m *monitor) closeConn() {
	if m.conn != nil {
		_ = m.conn.Close()
		m.conn, m.moreToCome = nil, false
	}
}

// isNetworkError reports whether a check failed on the network (including
// timeouts), rather than with an error reply.
func isNetworkError(err error) bool {
	var ce *pool.ConnError
	return errors.As(err, &ce) && ce.Network()
}

// isTimeout reports whether a check failed with a network timeout: the
// pool is then cleared with interruptInUseConnections.
func isTimeout(err error) bool {
	var ce *pool.ConnError
	return errors.As(err, &ce) && ce.Network() && ce.Timeout()
}
