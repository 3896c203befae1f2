package client

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/torque-go/torque/internal/driver"
	"github.com/torque-go/torque/pool"
	"github.com/torque-go/torque/topology"
)

// deployment adapts the running topology (monitors, pools, selection) to
// the executor's driver.Deployment seam. For a mongodb+srv URI the
// topology opens on the first selection, after the DNS look-ups, so that
// Connect does no I/O.
type deployment struct {
	open func(ctx context.Context) (*topology.Topology, error)

	t      atomic.Pointer[topology.Topology]
	mu     sync.Mutex // serializes opening and closing
	closed bool
}

// topology returns the running topology, opening it first if needed.
func (d *deployment) topology(ctx context.Context) (*topology.Topology, error) {
	if t := d.t.Load(); t != nil {
		return t, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil, ErrClientDisconnected
	}
	if t := d.t.Load(); t != nil {
		return t, nil
	}
	t, err := d.open(ctx)
	if err != nil {
		return nil, err
	}
	d.t.Store(t)
	return t, nil
}

// description is the current topology description; the zero one before
// the topology opened.
func (d *deployment) description() topology.TopologyDescription {
	if t := d.t.Load(); t != nil {
		return t.Description()
	}
	return topology.TopologyDescription{}
}

// close closes the topology, if it opened, and waits for its goroutines.
func (d *deployment) close(ctx context.Context) error {
	d.mu.Lock()
	d.closed = true
	t := d.t.Load()
	d.mu.Unlock()
	if t == nil {
		return nil
	}
	return t.Close(ctx)
}

// SelectServer implements driver.Deployment.
func (d *deployment) SelectServer(ctx context.Context, c topology.Criteria) (driver.Server, error) {
	t, err := d.topology(ctx)
	if err != nil {
		return nil, err
	}
	s, err := t.SelectServer(ctx, c)
	if err != nil {
		if errors.Is(err, topology.ErrClosed) {
			return nil, ErrClientDisconnected
		}
		return nil, err
	}
	return &selected{s: s, desc: s.Description(), tt: t.Description().Type}, nil
}

// selected is a server chosen for one operation: driver.Server.
type selected struct {
	s    topology.SelectedServer
	desc topology.ServerDescription
	tt   topology.TopologyType
	done bool
}

func (s *selected) Description() topology.ServerDescription { return s.desc }
func (s *selected) TopologyType() topology.TopologyType     { return s.tt }

// Done releases the server once (a cursor's pinned server is released by
// the operation that selected it).
func (s *selected) Done() {
	if !s.done {
		s.done = true
		s.s.Release()
	}
}

// Connection checks a connection out of the server's pool. A failure to
// connect, or a pool cleared meanwhile, is a network error that was never
// sent: the retry rules may retry it.
func (s *selected) Connection(ctx context.Context) (driver.Conn, error) {
	c, err := s.s.Checkout(ctx)
	if err != nil {
		var ce *pool.ConnError
		if errors.As(err, &ce) && ce.Network() || errors.Is(err, pool.ErrPoolCleared) {
			return nil, &driver.NetworkError{Addr: string(s.desc.Addr), Err: err}
		}
		return nil, err
	}
	return &conn{c: c, srv: s}, nil
}

// HandleError gives SDAM an error met on a connection. Errors of the
// checkout itself were handled by the topology already.
func (s *selected) HandleError(dc driver.Conn, err error) {
	c, ok := dc.(*conn)
	if !ok {
		return
	}
	app := topology.ConnError(c.c, err)
	var ce *pool.ConnError
	if !errors.As(err, &ce) {
		d := driver.AppError(s.desc.Addr, err)
		if d.Kind == 0 {
			return // write errors alone say nothing about the server
		}
		app.Kind, app.Code, app.Message, app.TopologyVersion, app.Overloaded = d.Kind, d.Code, d.Message, d.TopologyVersion, d.Overloaded
	}
	s.s.HandleError(app)
}

// conn adapts a *pool.Conn to driver.Conn.
type conn struct {
	c   *pool.Conn
	srv *selected
}

func (c *conn) ID() string {
	return string(c.srv.desc.Addr) + "#" + strconv.FormatInt(c.c.ID(), 10)
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

// Close discards the connection: the pool closes a dead one on check-in.
func (c *conn) Close() error {
	err := c.c.Close()
	_ = c.srv.s.CheckIn(c.c)
	return err
}

func (c *conn) Release() { _ = c.srv.s.CheckIn(c.c) }

// Authenticated and Reauthenticate make conn a driver.Reauthenticator:
// the executor reauthenticates on ReauthenticationRequired (391).
func (c *conn) Authenticated() bool { return c.c.Authenticated() }

func (c *conn) Reauthenticate(ctx context.Context) error { return c.c.Reauthenticate(ctx) }
