package topology

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/torque-go/torque/pool"
)

// Server is one server of a running Topology: its connection pool, its
// monitor (none behind a load balancer), its round-trip statistics and the
// count of operations in flight, which selection's "power of two random
// choices" reads. The topology creates it when the server joins and stops
// it when the server leaves; a Server held after that still answers, but
// its pool is closed.
//
// A Server is safe for concurrent use.
type Server struct {
	addr Address
	topo *Topology
	pool *pool.Pool
	mon  *monitor // nil when load balanced
	rtt  rttStats
	ops  atomic.Int64
	done chan struct{} // closed when the monitor has ended (at once without one)
}

// newServer creates the server's pool (paused) and monitor, not started.
func (t *Topology) newServer(addr Address) *Server {
	s := &Server{addr: addr, topo: t, done: make(chan struct{})}
	cfg := t.opts.Pool
	cfg.EstablishError = s.handleEstablishError
	s.pool = pool.New(string(addr), cfg)
	if !t.opts.LoadBalanced {
		s.mon = newMonitor(t, addr, &s.rtt)
	}
	return s
}

// start starts the monitor's goroutine.
func (s *Server) start() {
	if s.mon == nil {
		close(s.done)
		return
	}
	s.topo.wg.Add(1)
	go func() {
		defer s.topo.wg.Done()
		defer close(s.done)
		s.mon.run()
	}()
}

// stop tells the monitor to end; stopped is closed once it has.
func (s *Server) stop() {
	if s.mon != nil {
		s.mon.stop()
	}
}

func (s *Server) stopped() <-chan struct{} { return s.done }

func (s *Server) requestCheck() {
	if s.mon != nil {
		s.mon.requestCheck()
	}
}

// Addr is the server's address.
func (s *Server) Addr() Address { return s.addr }

// Description returns the server's current description (Unknown once it
// has left the topology).
func (s *Server) Description() ServerDescription {
	if sd, ok := s.topo.Description().Server(s.addr); ok {
		return sd
	}
	return NewUnknownServer(s.addr, errors.New("topology: server "+string(s.addr)+" is no longer part of the topology"))
}

// Pool returns the server's connection pool.
func (s *Server) Pool() *pool.Pool { return s.pool }

// RTT returns the server's round-trip statistics: the moving average, the
// minimum and the 90th percentile of the recent samples (zero until known).
func (s *Server) RTT() (avg, min, p90 time.Duration) { return s.rtt.get() }

// InFlight is the number of operations that selected the server and have
// not released it yet.
func (s *Server) InFlight() int { return int(s.ops.Load()) }

// Release ends an operation that SelectServer gave this server: call it
// exactly once per successful selection, when the operation is done.
func (s *Server) Release() { s.ops.Add(-1) }

// Checkout takes a connection from the server's pool. A failure to
// establish a new connection has gone through SDAM's error handling (an
// authentication failure, say, marks the server Unknown and clears the
// pool: handleEstablishError) before it is returned. Give the connection
// back with CheckIn.
func (s *Server) Checkout(ctx context.Context) (*pool.Conn, error) {
	return s.pool.Checkout(ctx)
}

// CheckIn returns a connection that Checkout gave.
func (s *Server) CheckIn(c *pool.Conn) error { return s.pool.CheckIn(c) }

// handleEstablishError is the pool's EstablishError: a connection the
// pool was opening, for a checkout or by itself (for minPoolSize),
// failed. It runs before the pool's ConnectionClosed event.
func (s *Server) handleEstablishError(err error) {
	var ce *pool.ConnError
	if errors.As(err, &ce) {
		s.HandleError(connAppError(ce, nil))
	}
}
