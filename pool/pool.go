package pool

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/torque-go/torque/bson"
)

type poolState uint8

const (
	statePaused poolState = iota // the initial state, and after Clear
	stateReady
	stateClosed
)

type connState uint8

const (
	connIdle connState = iota + 1
	connInUse
	connClosed
)

// pending is a connection being established: it counts towards the pool's
// size and towards MaxConnecting from the moment it is granted.
type pending struct {
	id          int64
	generation  uint64
	created     time.Time
	cancel      context.CancelFunc // interrupts the establishment
	interrupted bool
	background  bool // started by the background goroutine for MinPoolSize
}

// serviceGen is a load-balanced service's generation and connection count.
type serviceGen struct {
	generation uint64
	conns      int
}

// Pool is the connection pool of one server, as the CMAP specification
// describes it: connections are checked out and in, established at most
// MaxConnecting at a time, capped at MaxPoolSize, handed to waiting
// checkouts in FIFO order, and retired by generation when the pool is
// cleared. A new pool is paused: Checkout fails until Ready is called
// (the topology does so after a successful server check).
//
// A Pool is safe for concurrent use. It owns one background goroutine,
// which prunes idle and stale connections and keeps MinPoolSize connections
// established; Close stops it.
type Pool struct {
	addr    string
	cfg     Config
	clock   clock
	maxSize int // 0: no limit
	connect func(ctx context.Context, addr string) (*Conn, error)

	ctx    context.Context // ends with Close: background work and establishments
	cancel context.CancelFunc
	wake   chan struct{} // asks the background goroutine for a run now
	wg     sync.WaitGroup

	mu         sync.Mutex
	state      poolState
	generation uint64
	services   map[bson.ObjectID]*serviceGen
	nextID     int64
	total      int // pending + idle + in use
	inUse      int
	pendings   map[*pending]struct{}
	bgPending  int     // pendings started by the background goroutine
	idle       []*Conn // most recently checked in last
	conns      map[*Conn]struct{}
	queue      waitQueue
	clearCause error
	helloOK    bool
}

// New creates the pool for addr, paused, and starts its background
// goroutine. It emits PoolCreated.
func New(addr string, cfg Config) *Pool {
	p := &Pool{
		addr:     addr,
		cfg:      cfg,
		maxSize:  cfg.maxPoolSize(),
		connect:  cfg.Connect,
		wake:     make(chan struct{}, 1),
		services: map[bson.ObjectID]*serviceGen{},
		pendings: map[*pending]struct{}{},
		conns:    map[*Conn]struct{}{},
		helloOK:  cfg.Conn.HelloOK,
		clock:    cfg.clock,
	}
	if p.clock == nil {
		p.clock = wallClock{}
	}
	if p.connect == nil {
		p.connect = p.dial
	}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	p.emit(Event{Type: PoolCreated, Options: &PoolOptions{
		MaxPoolSize: cfg.MaxPoolSize, MinPoolSize: cfg.MinPoolSize, MaxConnecting: cfg.MaxConnecting,
		MaxIdleTime: cfg.MaxIdleTime, WaitQueueTimeout: cfg.WaitQueueTimeout,
	}})
	p.wg.Add(1)
	go p.background()
	return p
}

// dial is the default Connect: Dial with the pool's ConnConfig, using
// OP_MSG hello once a connection of this pool learned that it may, each
// handshake command bounded by the socket timeout (unless ctx lifts it:
// a checkout under timeoutMS, whose deadline ctx carries).
func (p *Pool) dial(ctx context.Context, addr string) (*Conn, error) {
	t := p.cfg.SocketTimeout
	if socketTimeoutLifted(ctx) {
		t = 0
	}
	return p.dialWith(ctx, addr, t)
}

// connectBackground establishes a MinPoolSize connection: with Connect
// when set, else Dial with each handshake command bounded by the
// client's timeoutMS (BackgroundTimeout), else by the socket timeout.
func (p *Pool) connectBackground(ctx context.Context) (*Conn, error) {
	if p.cfg.Connect != nil {
		return p.connect(ctx, p.addr)
	}
	t := p.cfg.BackgroundTimeout
	switch {
	case t == 0:
		t = p.cfg.SocketTimeout
	case t < 0:
		t = 0
	}
	return p.dialWith(ctx, p.addr, t)
}

func (p *Pool) dialWith(ctx context.Context, addr string, commandTimeout time.Duration) (*Conn, error) {
	p.mu.Lock()
	helloOK := p.helloOK
	p.mu.Unlock()
	cfg := &p.cfg.Conn
	if helloOK && !cfg.HelloOK || commandTimeout != cfg.CommandTimeout {
		c := *cfg
		c.HelloOK = c.HelloOK || helloOK
		c.CommandTimeout = commandTimeout
		cfg = &c
	}
	return Dial(ctx, addr, cfg)
}

// Address returns the server address of the pool.
func (p *Pool) Address() string { return p.addr }

// Generation returns the pool's current generation (incremented by Clear).
func (p *Pool) Generation() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.generation
}

// GenerationOf returns the generation of a load-balanced service's
// connections (the one a connection to it must have to be current), or
// the pool's generation when serviceID is nil or the pool is not
// load-balanced. A service with no connection left is at generation 0.
func (p *Pool) GenerationOf(serviceID *bson.ObjectID) uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	if serviceID == nil || !p.cfg.Conn.LoadBalanced {
		return p.generation
	}
	if sg := p.services[*serviceID]; sg != nil {
		return sg.generation
	}
	return 0
}

// Stats is a snapshot of the pool's counters.
type Stats struct {
	Total, Idle, InUse, Pending, Waiting int
	Generation                           uint64
	Closed                               bool // Close or Shutdown was called
}

// Stats returns the current counters.
func (p *Pool) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return Stats{Total: p.total, Idle: len(p.idle), InUse: p.inUse, Pending: len(p.pendings),
		Waiting: p.queue.n, Generation: p.generation, Closed: p.state == stateClosed}
}

// Ready marks a paused pool ready: checkouts succeed again and the
// background goroutine may fill MinPoolSize. It emits PoolReady, and does
// nothing when the pool is already ready or closed.
func (p *Pool) Ready() {
	p.mu.Lock()
	if p.state != statePaused {
		p.mu.Unlock()
		return
	}
	p.state = stateReady
	p.clearCause = nil
	p.mu.Unlock()
	p.emit(Event{Type: PoolReady})
	p.wakeBackground()
}

// ClearOptions says what Clear clears.
type ClearOptions struct {
	// ServiceID clears only that service's connections (load-balanced
	// pools): the pool is not paused and its waiters stay.
	ServiceID *bson.ObjectID
	// InterruptInUse also closes the checked-out connections of the old
	// generation and cancels establishments in progress (after a monitor's
	// network timeout): their operations fail with ErrPoolCleared.
	InterruptInUse bool
	// Cause is the error that made the caller clear the pool; checkouts
	// that fail because the pool is paused name it.
	Cause error
}

// Clear retires every connection of the current generation: idle ones are
// closed by the background goroutine (woken at once) or by the next
// checkout that meets them, checked-out ones on check-in. Unless
// opts.ServiceID is set, the pool is also paused and every waiting checkout
// fails at once with ErrPoolCleared. PoolCleared is emitted unless the pool
// was already paused.
func (p *Pool) Clear(opts ClearOptions) {
	p.mu.Lock()
	if p.state == stateClosed {
		p.mu.Unlock()
		return
	}
	if opts.ServiceID != nil {
		if sg := p.services[*opts.ServiceID]; sg != nil {
			sg.generation++
		}
		p.mu.Unlock()
		p.emit(Event{Type: PoolCleared, ServiceID: opts.ServiceID})
		p.wakeBackground()
		return
	}
	old := p.generation
	p.generation++
	wasPaused := p.state == statePaused
	p.state = statePaused
	p.clearCause = opts.Cause
	waiters := p.queue.drain()
	err := p.pausedErrorLocked()
	for _, w := range waiters {
		w.err = err
	}
	var interrupt []*Conn
	var cancels []context.CancelFunc
	if opts.InterruptInUse {
		for c := range p.conns {
			if c.state == connInUse && c.generation <= old {
				interrupt = append(interrupt, c)
			}
		}
		for pd := range p.pendings {
			if pd.generation <= old {
				pd.interrupted = true
				if pd.cancel != nil {
					cancels = append(cancels, pd.cancel)
				}
			}
		}
	}
	p.mu.Unlock()
	if !wasPaused {
		p.emit(Event{Type: PoolCleared, InterruptInUse: opts.InterruptInUse})
	}
	for _, w := range waiters {
		close(w.ready)
	}
	for _, c := range interrupt {
		c.interrupt(false)
	}
	for _, cancel := range cancels {
		cancel()
	}
	p.wakeBackground()
}

// Close closes the pool: idle connections are closed now, checked-out
// ones when they are checked in (an operation in flight finishes),
// waiting and later checkouts fail with ErrPoolClosed, and establishments
// in progress are cancelled. It emits
// PoolClosed, then waits, bounded by ctx, for the background goroutine
// and the establishments it started to end. Close is idempotent.
func (p *Pool) Close(ctx context.Context) error { return p.close(ctx, false) }

// Shutdown is Close, and it also closes the checked-out connections, so
// that an operation blocked on one fails at once with an error that
// matches ErrPoolClosed: the client's Disconnect, after which nothing may
// stay open. Closing a pool whose server merely left the topology is
// Close's job.
func (p *Pool) Shutdown(ctx context.Context) error { return p.close(ctx, true) }

func (p *Pool) close(ctx context.Context, interrupt bool) error {
	p.mu.Lock()
	var inUse []*Conn // closed after the lock, for Shutdown (even of a closed pool)
	for c := range p.conns {
		if interrupt && c.state == connInUse {
			inUse = append(inUse, c)
		}
	}
	if p.state != stateClosed {
		p.state = stateClosed
		idle := p.idle
		p.idle = nil
		for _, c := range idle {
			p.removeLocked(c)
		}
		waiters := p.queue.drain()
		err := p.closedError()
		for _, w := range waiters {
			w.err = err
		}
		p.mu.Unlock()
		p.cancel()
		for _, w := range waiters {
			close(w.ready)
		}
		for _, c := range idle {
			p.closeConn(c, ReasonPoolClosed, nil)
		}
		p.emit(Event{Type: PoolClosed})
	} else {
		p.mu.Unlock()
	}
	for _, c := range inUse {
		c.interrupt(true)
	}
	done := make(chan struct{})
	go func() { p.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("pool: closing %s: background work still running: %w", p.addr, ctx.Err())
	}
}

// CheckIn returns a connection that Checkout gave. A dead connection, one
// with a reply still due, a stale one, or any connection of a closed pool
// is closed instead of kept. Replies read on c are invalid afterwards.
func (p *Pool) CheckIn(c *Conn) error {
	if c == nil || c.pool != p {
		return fmt.Errorf("pool: CheckIn: connection does not belong to the pool for %s", p.addr)
	}
	if !c.out.CompareAndSwap(true, false) {
		return fmt.Errorf("pool: CheckIn: connection %d to %s is not checked out", c.id, p.addr)
	}
	c.pin.Store(uint32(PinNone))
	// CheckedIn comes before the connection can be handed to anyone else.
	p.emit(Event{Type: ConnectionCheckedIn, ConnectionID: c.id})
	// A reply still due, or bytes read ahead that answer nothing asked:
	// the next user would read someone else's reply.
	unread := c.awaiting || c.buffered() > 0
	c.release()
	var now time.Time
	if p.cfg.MaxIdleTime > 0 {
		now = p.clock.Now()
	}
	p.mu.Lock()
	p.inUse--
	reason := ""
	switch {
	case p.state == stateClosed:
		reason = ReasonPoolClosed
	case c.dead.Load() || unread:
		reason = ReasonError
	case p.staleLocked(c):
		reason = ReasonStale
	}
	if reason != "" {
		p.removeLocked(c)
		w := p.dispatchLocked()
		p.mu.Unlock()
		p.finishDispatch(w)
		p.closeConn(c, reason, nil)
		return nil
	}
	c.state, c.idleSince = connIdle, now
	p.idle = append(p.idle, c)
	w := p.dispatchLocked()
	p.mu.Unlock()
	p.finishDispatch(w)
	return nil
}

// staleLocked reports whether c belongs to an older generation (of its
// service, for load-balanced connections).
func (p *Pool) staleLocked(c *Conn) bool {
	if sid := c.desc.ServiceID; sid != nil && p.cfg.Conn.LoadBalanced {
		sg := p.services[*sid]
		return sg == nil || c.generation != sg.generation
	}
	return c.generation != p.generation
}

// perishedLocked returns why an idle connection must not be handed out,
// or "".
func (p *Pool) perishedLocked(c *Conn, now time.Time) string {
	switch {
	case p.staleLocked(c):
		return ReasonStale
	case c.dead.Load():
		return ReasonError
	case p.cfg.MaxIdleTime > 0 && now.Sub(c.idleSince) > p.cfg.MaxIdleTime:
		return ReasonIdle
	}
	return ""
}

// removeLocked takes an established connection out of the pool's books.
func (p *Pool) removeLocked(c *Conn) {
	c.state = connClosed
	delete(p.conns, c)
	p.total--
	if sid := c.desc.ServiceID; sid != nil {
		if sg := p.services[*sid]; sg != nil {
			// A cleared service keeps its generation, so that an error
			// reported after its last connection closed is still stale.
			if sg.conns--; sg.conns <= 0 && sg.generation == 0 {
				delete(p.services, *sid)
			}
		}
	}
}

// closeConn closes a connection already removed from the books and emits
// ConnectionClosed.
func (p *Pool) closeConn(c *Conn, reason string, err error) {
	c.closeAndRelease()
	p.emit(Event{Type: ConnectionClosed, ConnectionID: c.id, Reason: reason, Err: err})
}

// closing is a perished idle connection taken out under the lock, to be
// closed after it.
type closing struct {
	c      *Conn
	reason string
}

// dispatchLocked serves the waiters in queue order while it can: with an
// idle connection (perished ones are taken out on the way) or with a
// permission to establish one. A connection the background goroutine is
// establishing is promised to the first waiter without one, which then
// waits for it rather than open another (so that threads blocked by
// maxConnecting check out the minPoolSize connections). It returns the
// waiters served and the connections to close, for finishDispatch after
// the lock.
func (p *Pool) dispatchLocked() dispatched {
	var d dispatched
	if p.state != stateReady {
		return d
	}
	promised := p.bgPending // connections on their way to the idle list
	for w := p.queue.head; w != nil; {
		next := w.next
		switch c := p.popIdleLocked(&d.closing); {
		case c != nil:
			w.conn = c
		case promised > 0:
			// A background establishment will serve this waiter; the
			// ones behind it may still open their own.
			promised--
			w = next
			continue
		case p.canCreateLocked():
			w.pend = p.newPendingLocked()
		default:
			return d
		}
		p.queue.remove(w)
		d.served = append(d.served, w)
		w = next
	}
	return d
}

type dispatched struct {
	served  []*waiter
	closing []closing
}

// finishDispatch wakes the served waiters and closes perished connections.
func (p *Pool) finishDispatch(d dispatched) {
	for _, x := range d.closing {
		p.closeConn(x.c, x.reason, nil)
	}
	for _, w := range d.served {
		close(w.ready)
	}
}

// popIdleLocked returns the most recently used idle connection that has
// not perished, now in use, taking perished ones out on the way.
func (p *Pool) popIdleLocked(out *[]closing) *Conn {
	var now time.Time
	if p.cfg.MaxIdleTime > 0 {
		now = p.clock.Now()
	}
	for len(p.idle) > 0 {
		c := p.idle[len(p.idle)-1]
		p.idle[len(p.idle)-1] = nil
		p.idle = p.idle[:len(p.idle)-1]
		if reason := p.perishedLocked(c, now); reason != "" {
			p.removeLocked(c)
			*out = append(*out, closing{c, reason})
			continue
		}
		c.state = connInUse
		c.out.Store(true)
		p.inUse++
		return c
	}
	return nil
}

func (p *Pool) canCreateLocked() bool {
	return (p.maxSize == 0 || p.total < p.maxSize) && len(p.pendings) < p.cfg.maxConnecting()
}

// newPendingLocked grants a new connection: it counts from now on.
func (p *Pool) newPendingLocked() *pending {
	pd := &pending{generation: p.generation}
	p.pendings[pd] = struct{}{}
	p.total++
	return pd
}

// pausedErrorLocked is the error of a checkout from a paused pool.
func (p *Pool) pausedErrorLocked() error {
	if p.clearCause != nil {
		return &CheckoutError{Addr: p.addr, Kind: ErrPoolCleared,
			Msg: fmt.Sprintf("connection pool for %s was cleared because an operation failed", p.addr), Err: p.clearCause}
	}
	return &CheckoutError{Addr: p.addr, Kind: ErrPoolCleared,
		Msg: fmt.Sprintf("connection pool for %s is paused: the server is not known to be available (pool cleared after an error, or not yet checked)", p.addr)}
}

func (p *Pool) closedError() error {
	return &CheckoutError{Addr: p.addr, Kind: ErrPoolClosed, Msg: fmt.Sprintf("pool for %s closed", p.addr)}
}

// wakeBackground asks for a background run now.
func (p *Pool) wakeBackground() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// reasonFor maps a checkout error to the CheckOutFailed reason.
func reasonFor(err error) string {
	switch {
	case errors.Is(err, ErrPoolClosed):
		return ReasonPoolClosed
	case errors.Is(err, ErrWaitQueueTimeout):
		return ReasonTimeout
	}
	return ReasonConnectionError
}
