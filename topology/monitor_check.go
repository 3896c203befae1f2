package topology

import (
	"context"
	"errors"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/pool"
	"github.com/torque-go/torque/wire"
)

// helloKind is which of the protocol's hellos a check runs.
type helloKind uint8

const (
	helloHandshake  helloKind = iota // a new connection: its handshake reply is the outcome
	helloPoll                        // a plain hello, answered at once
	helloStreamOpen                  // an awaitable hello with exhaustAllowed
	helloStreamNext                  // the next reply of a stream already flowing
)

// awaited reports whether the server may hold the reply (an awaitable
// hello): such checks are published with Awaited set and time nothing.
func (k helloKind) awaited() bool { return k == helloStreamOpen || k == helloStreamNext }

// nextHello picks the hello for the next check, after the outcome prev.
func (m *monitor) nextHello(prev ServerDescription) helloKind {
	switch {
	case m.conn == nil:
		return helloHandshake
	case m.moreToCome:
		return helloStreamNext
	case m.streaming && prev.TopologyVersion != nil:
		return helloStreamOpen
	}
	return helloPoll
}

// check runs one check and returns the server's description. ok is false
// when the check was cancelled (cancelCheck or the monitor's end): its
// outcome must not reach the topology. Heartbeat events are published
// for every check.
func (m *monitor) check(prev ServerDescription) (sd ServerDescription, ok bool) {
	ctx, cancel := context.WithCancel(m.ctx)
	defer cancel()
	m.beginCheck(cancel)
	kind := m.nextHello(prev)
	m.mu.Lock()
	m.awaiting = kind.awaited()
	m.mu.Unlock()
	m.topo.Publish(ServerHeartbeatStarted{Addr: m.addr, ConnectionID: m.connID(), Awaited: kind.awaited()})
	start := time.Now()
	reply, err := m.hello(ctx, kind, prev)
	var h Hello
	if err == nil {
		h, err = ParseHello(reply)
		if err == nil && !h.OK {
			err = &pool.CommandError{Code: h.Code, Message: h.ErrMsg}
		}
	}
	took := time.Since(start)
	cancelled := m.endCheck()
	connID, serverConnID := m.connID(), m.serverConnID()
	if err != nil {
		m.closeConn()
		m.rtt.reset()
		m.topo.Publish(ServerHeartbeatFailed{Addr: m.addr, ConnectionID: connID, ServerConnectionID: serverConnID,
			Duration: took, Err: err, Awaited: kind.awaited()})
		if cancelled || m.ctx.Err() != nil {
			return ServerDescription{}, false
		}
		return NewUnknownServer(m.addr, err), true
	}
	if h.HelloOK {
		m.connCfg.HelloOK = true // later handshakes may use OP_MSG hello
	}
	m.topo.Publish(ServerHeartbeatSucceeded{Addr: m.addr, ConnectionID: connID, ServerConnectionID: serverConnID,
		Duration: took, Reply: reply, Awaited: kind.awaited()})
	avg, minRTT, _ := m.rtt.get()
	return NewServerDescription(m.addr, &h, avg, minRTT, time.Now()), true
}

// connID and serverConnID are the driver's and the server's ids of the
// monitor's connection, zero without one.
func (m *monitor) connID() int64 {
	if m.conn == nil {
		return 0
	}
	return m.conn.ID()
}

func (m *monitor) serverConnID() int64 {
	if m.conn == nil {
		return 0
	}
	return m.conn.Description().ConnectionID
}

// hello runs the hello of kind and returns the reply, which stays valid
// until the next read on the monitor's connection. RTT samples come from
// the handshake and from polling hellos only.
func (m *monitor) hello(ctx context.Context, kind helloKind, prev ServerDescription) (bson.Raw, error) {
	switch kind {
	case helloHandshake:
		c, err := pool.Dial(ctx, string(m.addr), m.connCfg)
		if err != nil {
			return nil, err
		}
		m.conn = c
		m.rtt.add(c.Description().RTT)
		return c.Description().Hello, nil
	case helloPoll:
		bounded, cancel := m.bound(ctx, m.timeout)
		defer cancel()
		cmd, err := appendHelloCommand(m.buf[:0], m.conn.Description().HelloOK, nil, 0, m.connCfg.ServerAPI)
		if err != nil {
			return nil, err
		}
		m.buf = cmd[:0]
		start := time.Now()
		reply, err := m.conn.Command(bounded, "admin", cmd)
		if err == nil {
			m.rtt.add(time.Since(start))
		}
		return reply, ownTimeout(ctx, bounded, err)
	}
	// The streaming protocol: the reply may wait heartbeatFrequencyMS at
	// the server, so the socket allows connectTimeoutMS on top of that.
	bounded, cancel := m.bound(ctx, m.timeout+m.heartbeat)
	defer cancel()
	if kind == helloStreamOpen {
		msg, err := appendStreamingHello(m.buf[:0], m.conn.Description().HelloOK, prev.TopologyVersion, m.heartbeat, m.connCfg.ServerAPI)
		if err != nil {
			return nil, err
		}
		m.buf = msg[:0]
		if err := m.conn.WriteMessage(bounded, msg); err != nil {
			return nil, ownTimeout(ctx, bounded, err)
		}
	}
	reply, err := m.readStreamed(bounded)
	return reply, ownTimeout(ctx, bounded, err)
}

// ownTimeout makes the expiry of the monitor's socket timeout (bounded's
// deadline, from connectTimeoutMS) the network timeout it is. The pool
// marks an error ContextDone when the context it was given ends, because
// that is usually the caller's; here it is the monitor's own bound, and
// the server not answering within it is the server's failure: the check
// fails with a network timeout, so the pool is cleared with
// interruptInUseConnections (Server Monitoring spec) and the monitor
// retries at once. A check cancelled from outside (ctx) stays cancelled.
func ownTimeout(ctx, bounded context.Context, err error) error {
	var ce *pool.ConnError
	if err == nil || ctx.Err() != nil || !errors.As(err, &ce) {
		return err
	}
	// The socket's deadline is the context's: it can pass a moment
	// before the context's own timer marks it done.
	if d, ok := bounded.Deadline(); ok && !time.Now().Before(d) {
		ce.ContextDone = false
	}
	return err
}

// readStreamed reads one reply of an awaitable hello and notes whether the
// server will send another without being asked (moreToCome).
func (m *monitor) readStreamed(ctx context.Context) (bson.Raw, error) {
	msg, err := m.conn.ReadReply(ctx)
	if err != nil {
		return nil, err
	}
	m.moreToCome = msg.Flags&wire.MoreToCome != 0
	if len(msg.Body) == 0 {
		return nil, errors.New("topology: streamed hello reply has no body")
	}
	return bson.Raw(msg.Body), nil
}

// bound limits ctx to d when the monitor has a timeout at all.
func (m *monitor) bound(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if m.timeout <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, d)
}
