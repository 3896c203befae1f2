package pool

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Checkout returns a connection for one operation: an idle one, or a new
// one established for it (dial, TLS, handshake, auth). Give it back with
// CheckIn, also after an error.
//
// The wait is bounded by ctx and by Config.WaitQueueTimeout, whichever
// ends first (only by ctx when it comes from WithoutWaitQueueTimeout).
// Waiting checkouts are served in arrival order. Errors are
// *CheckoutError: ErrPoolClosed, ErrPoolCleared (paused: retryable),
// ErrWaitQueueTimeout (with the context's error inside:
// errors.Is(err, context.DeadlineExceeded) holds), or ErrConnectionFailed
// with the establishment's *ConnError inside.
func (p *Pool) Checkout(ctx context.Context) (*Conn, error) {
	start := time.Now()
	p.emit(Event{Type: ConnectionCheckOutStarted})
	c, err := p.checkout(ctx, start)
	if err != nil {
		p.emit(Event{Type: ConnectionCheckOutFailed, Reason: reasonFor(err), Err: err, Duration: time.Since(start)})
		return nil, err
	}
	p.emit(Event{Type: ConnectionCheckedOut, ConnectionID: c.id, Duration: time.Since(start)})
	return c, nil
}

func (p *Pool) checkout(ctx context.Context, start time.Time) (*Conn, error) {
	p.mu.Lock()
	switch p.state {
	case stateClosed:
		p.mu.Unlock()
		return nil, p.closedError()
	case statePaused:
		err := p.pausedErrorLocked()
		p.mu.Unlock()
		return nil, err
	}
	var gone []closing
	if p.queue.n == 0 { // nobody waits: no one to be fair to
		if c := p.popIdleLocked(&gone); c != nil {
			p.mu.Unlock()
			p.finishDispatch(dispatched{closing: gone})
			return c, nil
		}
		if p.bgPending == 0 && p.canCreateLocked() {
			pd := p.newPendingLocked()
			p.mu.Unlock()
			p.finishDispatch(dispatched{closing: gone})
			return p.establish(ctx, pd, start)
		}
	}
	w := &waiter{ready: make(chan struct{})}
	p.queue.push(w)
	d := p.dispatchLocked()
	d.closing = append(gone, d.closing...)
	p.mu.Unlock()
	p.finishDispatch(d)
	return p.wait(ctx, w, start)
}

// noWaitQueueTimeout marks a context whose checkouts ignore
// Config.WaitQueueTimeout.
type noWaitQueueTimeout struct{}

// WithoutWaitQueueTimeout returns ctx marked so that a Checkout with it
// ignores Config.WaitQueueTimeout: ctx alone bounds the wait. An operation
// under a client-side operation timeout (timeoutMS) checks out this way,
// as the CSOT specification asks (waitQueueTimeoutMS gives way to
// timeoutMS).
func WithoutWaitQueueTimeout(ctx context.Context) context.Context {
	return context.WithValue(ctx, noWaitQueueTimeout{}, true)
}

// wait blocks until w is served or the checkout times out: ctx ends, or
// WaitQueueTimeout passes, whichever comes first.
func (p *Pool) wait(ctx context.Context, w *waiter, start time.Time) (*Conn, error) {
	var timeout <-chan time.Time
	if p.cfg.WaitQueueTimeout > 0 && ctx.Value(noWaitQueueTimeout{}) == nil {
		c, stop := p.clock.NewTimer(p.cfg.WaitQueueTimeout)
		defer stop()
		timeout = c
	}
	var cause error
	select {
	case <-w.ready:
	case <-ctx.Done():
		cause = ctx.Err()
	case <-timeout:
		cause = context.DeadlineExceeded
	}
	if cause != nil {
		p.mu.Lock()
		if !w.served() {
			ahead := p.queue.ahead(w)
			p.queue.remove(w)
			err := p.timeoutErrorLocked(cause, time.Since(start), ahead)
			p.mu.Unlock()
			return nil, err
		}
		p.mu.Unlock()
		<-w.ready // served meanwhile: use what we got
	}
	switch {
	case w.err != nil:
		return nil, w.err
	case w.conn != nil:
		return w.conn, nil
	}
	return p.establish(ctx, w.pend, start)
}

func (p *Pool) timeoutErrorLocked(cause error, waited time.Duration, ahead int) error {
	limit := "unlimited"
	if p.maxSize > 0 {
		limit = fmt.Sprint(p.maxSize)
	}
	verb := "timed out"
	if errors.Is(cause, context.Canceled) {
		verb = "cancelled"
	}
	inUse := fmt.Sprintf("maxPoolSize %s, %d in use, %d being established", limit, p.inUse, len(p.pendings))
	if p.cfg.Conn.LoadBalanced {
		inUse = fmt.Sprintf("maxPoolSize: %s, %s, %d being established", limit, p.pinCountsLocked(), len(p.pendings))
	}
	return &CheckoutError{Addr: p.addr, Kind: ErrWaitQueueTimeout, Err: cause,
		Msg: fmt.Sprintf("%s after %v waiting for a connection to %s behind %d other requests (%s)",
			verb, waited.Round(time.Millisecond), p.addr, ahead, inUse)}
}

// establish opens the connection pd stands for, for a checkout: it emits
// ConnectionCreated, runs Connect bounded by ctx (and by Close, and by an
// interrupting Clear), then ConnectionReady, and returns the connection in
// use. A checkout whose context ended before it could start hands the
// permission on and fails as a timeout: dialing with a dead context would
// only make a connection error of the caller's impatience. One whose
// context ends while the connection is being established closes that
// connection and fails with a *ConnError marked ContextDone, which SDAM
// ignores: one operation's impatience never clears the pool for others.
func (p *Pool) establish(ctx context.Context, pd *pending, start time.Time) (*Conn, error) {
	if cause := ctx.Err(); cause != nil {
		p.mu.Lock()
		p.endPendingLocked(pd)
		p.total--
		err := p.timeoutErrorLocked(cause, time.Since(start), 0)
		d := p.dispatchLocked()
		p.mu.Unlock()
		p.finishDispatch(d)
		return nil, err
	}
	ectx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(p.ctx, cancel)
	defer stop()
	p.startPending(pd, cancel)
	p.emit(Event{Type: ConnectionCreated, ConnectionID: pd.id})

	c, err := p.connect(ectx, p.addr)
	if err != nil {
		// ContextDone only when the checkout's own context ended: a
		// handshake cut off by Close or an interrupting Clear is not the
		// caller's doing.
		return nil, p.establishFailed(pd, markContext(ctx, err))
	}
	p.emit(Event{Type: ConnectionReady, ConnectionID: pd.id, Duration: time.Since(pd.created)})
	p.mu.Lock()
	reason := p.adoptLocked(pd, c)
	if reason == "" {
		c.state = connInUse
		c.out.Store(true)
		p.inUse++
	} else {
		p.removeLocked(c)
	}
	d := p.dispatchLocked()
	p.mu.Unlock()
	p.finishDispatch(d)
	if reason != "" {
		p.closeConn(c, reason, nil)
		if reason == ReasonPoolClosed {
			return nil, p.closedError()
		}
		return nil, &CheckoutError{Addr: p.addr, Kind: ErrPoolCleared,
			Msg: fmt.Sprintf("connection to %s interrupted because the pool was cleared while it was being established", p.addr)}
	}
	return c, nil
}

// startPending (which takes the lock itself) gives pd its connection id,
// assigned here, when establishing starts, so that ids follow
// ConnectionCreated events.
func (p *Pool) startPending(pd *pending, cancel context.CancelFunc) {
	p.mu.Lock()
	p.nextID++
	pd.id = p.nextID
	pd.created = time.Now()
	pd.cancel = cancel
	interrupted := pd.interrupted
	p.mu.Unlock()
	if interrupted {
		cancel()
	}
}

// adoptLocked books an established connection: its id and generation
// (of its service, behind a load balancer). It returns a reason to close
// it at once, or "".
func (p *Pool) adoptLocked(pd *pending, c *Conn) string {
	p.endPendingLocked(pd)
	c.id, c.pool, c.generation, c.created = pd.id, p, pd.generation, pd.created
	c.socketTimeout = p.cfg.SocketTimeout
	p.conns[c] = struct{}{}
	if c.desc.HelloOK {
		p.helloOK = true
	}
	if sid := c.desc.ServiceID; sid != nil && p.cfg.Conn.LoadBalanced {
		sg := p.services[*sid]
		if sg == nil {
			sg = &serviceGen{}
			p.services[*sid] = sg
		}
		sg.conns++
		c.generation = sg.generation
	}
	switch {
	case p.state == stateClosed:
		return ReasonPoolClosed
	case pd.interrupted:
		return ReasonStale
	}
	return ""
}

// establishFailed books a failed establishment and emits ConnectionClosed.
// The EstablishError hook runs first (SDAM clears the pool there, and the
// specification wants PoolCleared before the close).
func (p *Pool) establishFailed(pd *pending, err error) error {
	var ce *ConnError
	if errors.As(err, &ce) && ce.ConnID == 0 {
		ce.ConnID, ce.Generation = pd.id, pd.generation
	}
	p.mu.Lock()
	if ce != nil && ce.ServiceID != nil && p.cfg.Conn.LoadBalanced {
		ce.Generation = 0 // the service's, as an established connection's (adoptLocked)
		if sg := p.services[*ce.ServiceID]; sg != nil {
			ce.Generation = sg.generation
		}
	}
	p.endPendingLocked(pd)
	p.total--
	closed, interrupted := p.state == stateClosed, pd.interrupted
	d := p.dispatchLocked()
	p.mu.Unlock()
	p.finishDispatch(d)
	if !closed && !interrupted && p.cfg.EstablishError != nil {
		p.cfg.EstablishError(err)
	}
	p.emit(Event{Type: ConnectionClosed, ConnectionID: pd.id, Reason: ReasonError, Err: err})
	if closed {
		return &CheckoutError{Addr: p.addr, Kind: ErrPoolClosed, Msg: fmt.Sprintf("pool for %s closed while a connection was being established", p.addr), Err: err}
	}
	if interrupted {
		return &CheckoutError{Addr: p.addr, Kind: ErrPoolCleared, Err: err,
			Msg: fmt.Sprintf("connection to %s interrupted because the pool was cleared while it was being established", p.addr)}
	}
	return &CheckoutError{Addr: p.addr, Kind: ErrConnectionFailed, Msg: fmt.Sprintf("could not connect to %s", p.addr), Err: err}
}

// endPendingLocked ends pd's establishment in the books (the connection
// itself is then booked or dropped by the caller).
func (p *Pool) endPendingLocked(pd *pending) {
	delete(p.pendings, pd)
	if pd.background {
		p.bgPending--
	}
}
