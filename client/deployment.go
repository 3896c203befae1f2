package client

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/torque-go/torque/internal/driver"
	"github.com/torque-go/torque/pool"
	"github.com/torque-go/torque/topology"
)

// deployment is the client's topology owner: it holds the current
// TopologyDescription and one connection pool per server, and implements
// driver.Deployment. It starts no goroutine of its own: a server is
// checked (a handshake through its pool, whose hello reply becomes its
// description) when a selection finds no suitable server, at most every
// minCheckInterval. The pools' own background goroutines end in close.
//
// It stands in for the topology package's monitored owner, which this
// package will use once it exists (see doc.go).
type deployment struct {
	cfg           topology.Config
	poolCfg       pool.Config
	selectTimeout time.Duration

	mu        sync.Mutex
	td        topology.TopologyDescription
	servers   map[topology.Address]*server
	lastCheck time.Time
	closed    bool
	retired   []*pool.Pool // pools of removed servers, closed by close
}

// minCheckInterval is minHeartbeatFrequencyMS: how often a selection that
// keeps failing may re-check the servers.
const minCheckInterval = 500 * time.Millisecond

func newDeployment(cfg topology.Config, poolCfg pool.Config, selectTimeout time.Duration) (*deployment, error) {
	td, err := topology.New(cfg)
	if err != nil {
		return nil, err
	}
	d := &deployment{cfg: cfg, poolCfg: poolCfg, selectTimeout: selectTimeout, td: td, servers: map[topology.Address]*server{}}
	if td.Type == topology.LoadBalanced {
		for _, s := range td.Servers {
			d.td = topology.Apply(d.td, topology.NewLoadBalancerServer(s.Addr))
		}
	}
	d.syncServersLocked()
	return d, nil
}

// syncServersLocked opens a pool for every server of the description and
// closes those of servers no longer in it.
func (d *deployment) syncServersLocked() {
	seen := map[topology.Address]bool{}
	for _, sd := range d.td.Servers {
		seen[sd.Addr] = true
		if d.servers[sd.Addr] == nil {
			d.servers[sd.Addr] = &server{d: d, addr: sd.Addr, pool: pool.New(string(sd.Addr), d.poolCfg)}
		}
		if sd.Type != topology.ServerUnknown {
			d.servers[sd.Addr].pool.Ready()
		}
	}
	for addr, s := range d.servers {
		if !seen[addr] {
			delete(d.servers, addr)
			d.retired = append(d.retired, s.pool) // closed by close
		}
	}
}

// SelectServer implements driver.Deployment.
func (d *deployment) SelectServer(ctx context.Context, c topology.Criteria) (driver.Server, error) {
	if d.selectTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.selectTimeout)
		defer cancel()
	}
	var lastErr error
	for {
		d.mu.Lock()
		if d.closed {
			d.mu.Unlock()
			return nil, errors.New("client is disconnected")
		}
		td := d.td
		d.mu.Unlock()
		sd, ok, err := topology.Select(td, c, nil, d.inFlight)
		if err != nil {
			return nil, err
		}
		if ok {
			d.mu.Lock()
			s := d.servers[sd.Addr]
			d.mu.Unlock()
			if s != nil {
				s.begin()
				return &selected{server: s, desc: sd, tt: td.Type}, nil
			}
		}
		if err := d.checkAll(ctx); err != nil {
			lastErr = err
		}
		if err := ctx.Err(); err != nil {
			return nil, selectionError(td, lastErr, err)
		}
	}
}

// selectionError explains a selection that timed out: the servers'
// errors, then the context's.
func selectionError(td topology.TopologyDescription, last, ctxErr error) error {
	msg := "no suitable server in a " + td.Type.String() + " topology"
	for _, s := range td.Servers {
		msg += "; " + string(s.Addr) + " is " + s.Type.String()
		if s.Err != nil {
			msg += " (" + s.Err.Error() + ")"
		}
	}
	if last != nil && len(td.Servers) == 0 {
		msg += ": " + last.Error()
	}
	return errors.New(msg + ": " + ctxErr.Error())
}

// inFlight counts the operations on a server, for selection.
func (d *deployment) inFlight(addr topology.Address) int {
	d.mu.Lock()
	s := d.servers[addr]
	d.mu.Unlock()
	if s == nil {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ops
}

// checkAll checks every server once, no sooner than minCheckInterval after
// the previous round, waiting within ctx.
func (d *deployment) checkAll(ctx context.Context) error {
	d.mu.Lock()
	wait := time.Until(d.lastCheck.Add(minCheckInterval))
	d.mu.Unlock()
	if wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil
		}
	}
	d.mu.Lock()
	d.lastCheck = time.Now()
	var todo []*server
	for _, s := range d.servers {
		todo = append(todo, s)
	}
	d.mu.Unlock()
	var last error
	for _, s := range todo {
		if err := s.check(ctx); err != nil {
			last = err
		}
	}
	return last
}

// apply installs a server description.
func (d *deployment) apply(sd topology.ServerDescription) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	d.td = topology.Apply(d.td, sd)
	d.syncServersLocked()
}

// close closes every pool and waits (within ctx) for their goroutines.
func (d *deployment) close(ctx context.Context) error {
	d.mu.Lock()
	d.closed = true
	pools := d.retired
	for _, s := range d.servers {
		pools = append(pools, s.pool)
	}
	d.servers, d.retired = map[topology.Address]*server{}, nil
	d.mu.Unlock()
	var errs []error
	for _, p := range pools {
		errs = append(errs, p.Close(ctx))
	}
	return errors.Join(errs...)
}

// server is one server's pool and operation count.
type server struct {
	d    *deployment
	addr topology.Address
	pool *pool.Pool

	mu  sync.Mutex
	ops int
	rtt topology.RTTAverage
}

func (s *server) begin() { s.mu.Lock(); s.ops++; s.mu.Unlock() }
func (s *server) end()   { s.mu.Lock(); s.ops--; s.mu.Unlock() }

// check establishes a connection through the pool (the handshake's hello
// is the check) and installs the description it gives.
func (s *server) check(ctx context.Context) error {
	s.pool.Ready()
	c, err := s.pool.Checkout(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.d.apply(topology.NewUnknownServer(s.addr, err))
			s.pool.Clear(pool.ClearOptions{Cause: err})
		}
		return err
	}
	defer s.pool.CheckIn(c)
	desc := c.Description()
	h, err := topology.ParseHello(desc.Hello)
	if err != nil {
		s.d.apply(topology.NewUnknownServer(s.addr, err))
		return err
	}
	s.mu.Lock()
	avg := s.rtt.Add(desc.RTT)
	s.mu.Unlock()
	s.d.apply(topology.NewServerDescription(s.addr, &h, avg, desc.RTT, time.Now()))
	return nil
}

// handleError applies SDAM's application-error rules.
func (s *server) handleError(app topology.AppError) {
	s.d.mu.Lock()
	if s.d.closed {
		s.d.mu.Unlock()
		return
	}
	td, act := topology.HandleError(s.d.td, s.pool.Generation(), app)
	s.d.td = td
	s.d.mu.Unlock()
	if act.ClearPool {
		s.pool.Clear(pool.ClearOptions{ServiceID: act.ServiceID, Cause: app.Err})
	}
}

// selected is a server chosen for one operation: driver.Server.
type selected struct {
	*server
	desc topology.ServerDescription
	tt   topology.TopologyType
	once sync.Once
}

func (s *selected) Description() topology.ServerDescription { return s.desc }
func (s *selected) TopologyType() topology.TopologyType     { return s.tt }
func (s *selected) Done()                                   { s.once.Do(s.server.end) }

func (s *selected) Connection(ctx context.Context) (driver.Conn, error) {
	c, err := s.pool.Checkout(ctx)
	if err != nil {
		var ce *pool.ConnError
		if errors.As(err, &ce) && ce.Network() || errors.Is(err, pool.ErrPoolCleared) {
			return nil, &driver.NetworkError{Addr: string(s.addr), Err: err}
		}
		return nil, err
	}
	return &conn{c: c, srv: s}, nil
}

func (s *selected) HandleError(dc driver.Conn, err error) {
	app := driver.AppError(s.addr, err)
	if c, ok := dc.(*conn); ok {
		app.Generation = c.c.Generation()
		app.MaxWireVersion = c.c.Description().MaxWireVersion
		app.ServiceID = c.c.Description().ServiceID
	} else {
		app.Generation = s.pool.Generation()
		var ce *pool.ConnError
		if errors.As(err, &ce) {
			app.Generation = ce.Generation
			if ce.Stage == pool.StageAuth {
				app.Phase = topology.DuringAuth
			} else if ce.Stage.Handshake() {
				app.Phase = topology.DuringConnect
			}
		} else {
			return // a checkout timeout or a closed pool says nothing of the server
		}
	}
	s.handleError(app)
}

// conn adapts a *pool.Conn to driver.Conn.
type conn struct {
	c   *pool.Conn
	srv *selected
}

func (c *conn) ID() string {
	return string(c.srv.addr) + "#" + strconv.FormatInt(c.c.ID(), 10)
}

func (c *conn) ServerConnectionID() int64 { return c.c.Description().ConnectionID }

// Description is the selected server's description with the limits this
// connection's handshake reported.
func (c *conn) Description() topology.ServerDescription {
	sd := c.srv.desc
	d := c.c.Description()
	sd.MaxBSONObjectSize, sd.MaxMessageSizeBytes, sd.MaxWriteBatchSize = d.MaxBSONObjectSize, d.MaxMessageSizeBytes, d.MaxWriteBatchSize
	sd.MaxWireVersion = d.MaxWireVersion
	return sd
}

func (c *conn) RoundTrip(ctx context.Context, msg, dst []byte) ([]byte, bool, error) {
	m, err := c.c.RoundTrip(ctx, msg)
	if err != nil {
		var ce *pool.ConnError
		sent := errors.As(err, &ce) && (ce.Sent || ce.Stage == pool.StageRead)
		return dst, sent, err
	}
	return append(dst[:0], m.Body...), true, nil
}

func (c *conn) Close() error { err := c.c.Close(); c.srv.pool.CheckIn(c.c); return err }
func (c *conn) Release()     { c.srv.pool.CheckIn(c.c) }
