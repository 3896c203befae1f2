package client

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/torque-go/torque/internal/driver"
	"github.com/torque-go/torque/pool"
	"github.com/torque-go/torque/topology"
)

// deployment adapts the running topology (monitors, pools, selection) to
// the executor's driver.Deployment seam. For a mongodb+srv URI the
// topology opens on the first selection, after the DNS look-ups, so that
// Connect does no I/O.
//
// The look-ups run on a goroutine of the deployment's own (one attempt at
// a time, bounded by serverSelectionTimeoutMS and cancelled by close), not
// on the first caller's context: every caller waits for the attempt
// within its own context, none holds a lock while DNS answers, and close
// never waits on DNS. A failed attempt is reported to the callers that
// waited for it; the next caller starts another.
type deployment struct {
	open    func(ctx context.Context) (*topology.Topology, error)
	timeout time.Duration // bounds one opening attempt; <= 0: none

	t atomic.Pointer[topology.Topology]

	mu      sync.Mutex // guards closed and opening; never held during I/O
	closed  bool
	opening *opening // the attempt in progress, nil when none

	ctx    context.Context // ends with close: cancels an attempt
	cancel context.CancelFunc
	wg     sync.WaitGroup // the opening goroutine
}

// opening is one attempt to open the topology; err is set before done
// closes.
type opening struct {
	done chan struct{}
	err  error
}

func newDeployment(open func(ctx context.Context) (*topology.Topology, error), timeout time.Duration) *deployment {
	d := &deployment{open: open, timeout: timeout}
	d.ctx, d.cancel = context.WithCancel(context.Background())
	return d
}

// topology returns the running topology, opening it first if needed; the
// wait is bounded by ctx.
func (d *deployment) topology(ctx context.Context) (*topology.Topology, error) {
	if t := d.t.Load(); t != nil {
		return t, nil
	}
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil, ErrClientDisconnected
	}
	if t := d.t.Load(); t != nil {
		d.mu.Unlock()
		return t, nil
	}
	o := d.opening
	if o == nil {
		o = &opening{done: make(chan struct{})}
		d.opening = o
		d.wg.Add(1)
		go d.runOpening(o)
	}
	d.mu.Unlock()
	select {
	case <-o.done:
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for the mongodb+srv DNS look-ups: %w", ctx.Err())
	}
	if o.err != nil {
		return nil, o.err
	}
	return d.t.Load(), nil
}

// runOpening is one attempt, on the deployment's goroutine.
func (d *deployment) runOpening(o *opening) {
	defer d.wg.Done()
	ctx := d.ctx
	if d.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.timeout)
		defer cancel()
	}
	t, err := d.open(ctx)
	var late *topology.Topology
	d.mu.Lock()
	d.opening = nil
	switch {
	case err != nil && d.closed:
		o.err = ErrClientDisconnected
	case err != nil:
		o.err = err
	case d.closed:
		late, o.err = t, ErrClientDisconnected
	default:
		d.t.Store(t)
	}
	d.mu.Unlock()
	close(o.done)
	if late != nil { // opened as the client disconnected: nobody will use it
		_ = late.Close(context.Background())
	}
}

// description is the current topology description; the zero one before
// the topology opened.
func (d *deployment) description() topology.TopologyDescription {
	if t := d.t.Load(); t != nil {
		return t.Description()
	}
	return topology.TopologyDescription{}
}

// TopologyDescription is description for the executor's selection log
// messages (driver.TopologyDescriber).
func (d *deployment) TopologyDescription() topology.TopologyDescription { return d.description() }

// close cancels an opening in progress and closes the topology, if it
// opened, waiting (within ctx) for their goroutines.
func (d *deployment) close(ctx context.Context) error {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	d.cancel()
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		return fmt.Errorf("client: the mongodb+srv DNS look-up did not end: %w", ctx.Err())
	}
	if t := d.t.Load(); t != nil {
		return t.Close(ctx)
	}
	return nil
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
	return &selected{s: s, desc: s.Description(), tt: t.Description().Type, dep: d}, nil
}

// isClosed reports whether Disconnect closed the deployment.
func (d *deployment) isClosed() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.closed
}

// disconnected wraps err, a failure because a pool closed, in
// ErrClientDisconnected when Disconnect closed it; a pool closed because
// its server left the topology is the server's failure, left as it is.
func (d *deployment) disconnected(err error) error {
	if errors.Is(err, pool.ErrPoolClosed) && d.isClosed() {
		return fmt.Errorf("%w: %w", ErrClientDisconnected, err)
	}
	return err
}

// selected is a server chosen for one operation: driver.Server.
type selected struct {
	s    topology.SelectedServer
	desc topology.ServerDescription
	tt   topology.TopologyType
	dep  *deployment
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
// sent: the retry rules may retry it. A network error while establishing
// the connection (connect, TLS, the handshake's hello; not
// authentication) is labelled SystemOverloadedError and RetryableError,
// as the client backpressure spec asks (SDAM leaves the server and its
// pool alone for it).
func (s *selected) Connection(ctx context.Context) (driver.Conn, error) {
	c, err := s.s.Checkout(ctx)
	if err != nil {
		if err := s.dep.disconnected(err); errors.Is(err, ErrClientDisconnected) {
			return nil, err
		}
		var ce *pool.ConnError
		if errors.As(err, &ce) && ce.Network() || errors.Is(err, pool.ErrPoolCleared) {
			ne := &driver.NetworkError{Addr: string(s.desc.Addr), Err: err}
			if ce != nil && ce.Network() && ce.Stage.Handshake() && ce.Stage != pool.StageAuth {
				ne.Labels = []string{"SystemOverloadedError", "RetryableError"}
			}
			return nil, ne
		}
		return nil, err
	}
	return &conn{c: c, srv: s}, nil
}

// ReportError gives SDAM an error an operation met on a connection: what
// the connection knows (topology.ToAppError) and what the server replied
// (driver.ReplyAppError) make one topology.AppError, which the server's
// HandleError applies (topology/app_error.go). Errors of the checkout
// itself were handled by the topology already.
func (s *selected) ReportError(dc driver.Conn, err error) {
	c, ok := dc.(*conn)
	if !ok {
		return
	}
	app := topology.ToAppError(c.c, err)
	var ce *pool.ConnError
	if !errors.As(err, &ce) {
		d := driver.ReplyAppError(s.desc.Addr, err)
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
	// cursor: a load-balanced cursor holds the connection (Pin).
	// Close, after a network error, then closes only the socket: the
	// connection stays checked out, pinned to the cursor, until the
	// cursor's Close gives it back (load-balancers specification).
	cursor bool
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
	if d.ServiceID != nil {
		sd.ServiceID = d.ServiceID // behind a load balancer: the mongos this connection reaches
	}
	return sd
}

func (c *conn) RoundTrip(ctx context.Context, msg []byte, buf *[]byte) ([]byte, bool, error) {
	m, err := c.c.RoundTrip(ctx, msg)
	if err != nil {
		var ce *pool.ConnError
		sent := errors.As(err, &ce) && (ce.Sent || ce.Stage == pool.StageRead)
		return nil, sent, c.srv.dep.disconnected(err)
	}
	if m.Body == nil || c.c.SwapReadBuffer(buf) { // the reply's array is buf's now: no copy
		return m.Body, true, nil
	}
	out := append((*buf)[:0], m.Body...)
	*buf = out[:0]
	return out, true, nil
}

// Close discards the connection: the pool closes a dead one on check-in,
// which comes now, or when the cursor holding it lets go (Release).
func (c *conn) Close() error {
	err := c.c.Close()
	if !c.cursor {
		_ = c.srv.s.CheckIn(c.c)
	}
	return err
}

func (c *conn) Release() { _ = c.srv.s.CheckIn(c.c) }

// Pin tells the pool what holds the connection (the wait-queue timeout
// error counts it). A connection pinned to a cursor (a Cursor's or a
// change stream's) is its holder's to give back, even after Close.
func (c *conn) Pin(kind pool.PinKind) {
	c.c.Pin(kind)
	c.cursor = kind == pool.PinCursor
}

// Authenticated and Reauthenticate make conn a driver.Reauthenticator:
// the executor reauthenticates on ReauthenticationRequired (391).
func (c *conn) Authenticated() bool { return c.c.Authenticated() }

func (c *conn) Reauthenticate(ctx context.Context) error { return c.c.Reauthenticate(ctx) }
