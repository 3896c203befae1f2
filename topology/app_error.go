package topology

// The application-error path of SDAM ("Application errors" in the
// server-discovery-and-monitoring specification), all in this file:
//
//	ToAppError       an operation's error on a connection -> AppError
//	                 (internal/driver's ReplyAppError fills in a server
//	                 reply's code, message and topologyVersion)
//	Server.HandleError  under the topology's lock: ApplyAppError, then
//	                 what it asks for (clear the pool, install the Unknown
//	                 description, request or cancel a check)
//	ApplyAppError    the pure rule: a description and an AppError in, the
//	                 new description and an ErrorAction out
//
// The caller is client/deployment.go's selected.ReportError, which
// implements internal/driver's Server.ReportError seam.

import (
	"errors"
	"slices"
	"strings"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/pool"
)

// ErrorKind classifies an error an application operation met, for the SDAM
// rules of "Application errors".
type ErrorKind uint8

const (
	// NetworkError is a network error other than a timeout.
	NetworkError ErrorKind = iota + 1
	// NetworkTimeout is a network timeout.
	NetworkTimeout
	// CommandError is an error reply from the server, or a
	// writeConcernError: Code, Message and TopologyVersion come from it.
	CommandError
	// AuthError is a failed authentication during the handshake.
	AuthError
)

// ErrorPhase says where in a connection's life an error happened.
type ErrorPhase uint8

const (
	// AfterHandshake: on an established connection, during an operation.
	AfterHandshake ErrorPhase = iota
	// DuringConnect: while connecting (TCP, TLS) or running the first hello.
	DuringConnect
	// DuringAuth: during the authentication step of the handshake.
	DuringAuth
)

// AppError is an error from an application connection, as SDAM sees it.
type AppError struct {
	Addr  Address
	Kind  ErrorKind // zero: nothing SDAM should act on
	Phase ErrorPhase

	// Overloaded is set when the error carries the SystemOverloadedError
	// label (server backpressure): SDAM then leaves the server alone.
	Overloaded bool

	// Generation is the pool generation of the connection, or of the pool
	// when the connection attempt began (before the handshake completed).
	Generation uint64

	// MaxWireVersion is the connection's; below 8 (MongoDB < 4.2) every
	// state-change error clears the pool.
	MaxWireVersion int32

	// ServiceID is the connection's service behind a load balancer.
	ServiceID *bson.ObjectID

	// Code, Message and TopologyVersion describe a CommandError. A zero
	// Code means the reply had none: then Message decides.
	Code            int32
	Message         string
	TopologyVersion *TopologyVersion

	// Err is the error itself, kept in the Unknown description.
	Err error
}

// ErrorAction is what the topology's owner must do, under the same lock as
// the description update, after ApplyAppError.
type ErrorAction struct {
	// MarkedUnknown reports that the server's description became Unknown.
	MarkedUnknown bool
	// ClearPool asks to clear the server's connection pool; with ServiceID
	// set (LoadBalanced), only that service's connections.
	ClearPool bool
	ServiceID *bson.ObjectID
	// RequestCheck asks the server's monitor for an immediate check.
	RequestCheck bool
	// CancelCheck asks the monitor to cancel its check in progress and
	// close its connection.
	CancelCheck bool
	// CheckNow: the error had no topologyVersion, so the server will not
	// stream the change: a monitor awaiting a streamed reply stops
	// waiting and checks at once, on a new connection.
	CheckNow bool
}

// ApplyAppError applies the SDAM rules for an application error e on a
// connection to e.Addr, whose pool is at generation poolGeneration. It
// returns the new topology (td itself when nothing changes) and the actions
// due:
//
//   - a state-change error ("not writable primary", "node is recovering")
//     whose topologyVersion is newer marks the server Unknown and asks for
//     a check (at once, interrupting a streamed one, when it had no
//     topologyVersion: the server will not stream that change); it clears the pool for a shutdown or a server below 4.2;
//   - a network error on an established connection, and any error of the
//     authentication step, mark the server Unknown and clear its pool;
//   - an error of no Kind changes nothing: it says nothing about the
//     server (the operation's own context ended, for one); behind a load
//     balancer, neither does an error before the handshake named the
//     service (no serviceId);
//   - network errors and timeouts while connecting or running the first
//     hello change nothing (the pool's backoff handles them), nor do
//     timeouts after the handshake, other command errors, errors labelled
//     SystemOverloadedError, or errors from an older pool generation.
func ApplyAppError(td TopologyDescription, poolGeneration uint64, e AppError) (TopologyDescription, ErrorAction) {
	cur, ok := td.Server(e.Addr)
	if !ok || e.Generation < poolGeneration || e.Kind == 0 {
		return td, ErrorAction{}
	}
	if td.Type == LoadBalanced && e.ServiceID == nil {
		// Before the handshake named the service: nothing to clear (the
		// load-balancers specification ignores such errors).
		return td, ErrorAction{}
	}
	if e.Kind == CommandError && IsStateChange(e.Code, e.Message) {
		if compareTopologyVersion(cur.TopologyVersion, e.TopologyVersion) >= 0 {
			return td, ErrorAction{}
		}
		return stateChange(td, e)
	}
	network := e.Kind == NetworkError || e.Kind == NetworkTimeout
	switch {
	case e.Overloaded,
		e.Phase == AfterHandshake && e.Kind != NetworkError,
		e.Phase == DuringConnect && network:
		return td, ErrorAction{}
	}
	if td.Type == LoadBalanced {
		if e.ServiceID == nil {
			return td, ErrorAction{}
		}
		return td, ErrorAction{ClearPool: true, ServiceID: e.ServiceID}
	}
	td = Apply(td, NewUnknownServer(e.Addr, e.err()))
	return td, ErrorAction{MarkedUnknown: true, ClearPool: true, CancelCheck: true}
}

// stateChange handles a fresh state-change error.
func stateChange(td TopologyDescription, e AppError) (TopologyDescription, ErrorAction) {
	var act ErrorAction
	lb := td.Type == LoadBalanced
	if !lb {
		unknown := NewUnknownServer(e.Addr, e.err())
		unknown.TopologyVersion = e.TopologyVersion
		td = Apply(td, unknown)
		act.MarkedUnknown, act.RequestCheck = true, true
		act.CheckNow = e.TopologyVersion == nil
	}
	if IsShutdown(e.Code) || e.MaxWireVersion < 8 {
		act.ClearPool = true
		if lb {
			act.ServiceID = e.ServiceID
		}
	}
	return td, act
}

// err returns e.Err, or an error made from the message.
func (e AppError) err() error {
	if e.Err != nil {
		return e.Err
	}
	msg := e.Message
	if msg == "" {
		msg = "application error"
	}
	return errors.New(msg)
}

// The state-change error codes of the SDAM spec.
var (
	recoveringCodes         = []int32{11600, 11602, 13436, 189, 91}
	notWritablePrimaryCodes = []int32{10107, 13435, 10058}
	shutdownCodes           = []int32{11600, 91}
)

// IsRecovering reports a "node is recovering" error: by code when there is
// one (code != 0), else by the message.
func IsRecovering(code int32, msg string) bool {
	if code != 0 {
		return slices.Contains(recoveringCodes, code)
	}
	return strings.Contains(msg, "not master or secondary") || strings.Contains(msg, "node is recovering")
}

// IsNotWritablePrimary reports a "not writable primary" error: by code
// when there is one, else by the message.
func IsNotWritablePrimary(code int32, msg string) bool {
	if code != 0 {
		return slices.Contains(notWritablePrimaryCodes, code)
	}
	return !IsRecovering(0, msg) && strings.Contains(msg, "not master")
}

// IsStateChange reports whether the error says the server is not what the
// client thinks: "not writable primary" or "node is recovering".
func IsStateChange(code int32, msg string) bool {
	return IsRecovering(code, msg) || IsNotWritablePrimary(code, msg)
}

// IsShutdown reports a "node is shutting down" error code.
func IsShutdown(code int32) bool {
	return slices.Contains(shutdownCodes, code)
}

// HandleError applies an application error met on a connection to this
// server, as the SDAM spec says, all under the topology's lock: stale
// errors (an older pool generation, an older topologyVersion) are ignored;
// the server is marked Unknown and its pool cleared (only the service's
// behind a load balancer), the description first so that no reader
// selects the server while its pool is paused; then its monitor is asked for an
// immediate check (state-change errors) or its check in progress is
// cancelled (network errors). e.Addr is set to the server's.
func (s *Server) HandleError(e AppError) {
	t := s.topo
	e.Addr = s.addr
	t.mu.Lock()
	st := t.state.Load()
	if st.closed || st.servers[s.addr] != s {
		t.mu.Unlock()
		return
	}
	// The pool's generation; behind a load balancer, the service's.
	next, act := ApplyAppError(t.desc, s.pool.GenerationOf(e.ServiceID), e)
	// Readers take no lock: the Unknown description goes in before the
	// pool is cleared, so that an operation woken by the clear (a checkout
	// failing with PoolClearedError, then retried) cannot select the
	// server again from the old description and meet the paused pool.
	var evs []Event
	if act.MarkedUnknown {
		evs = t.installLocked(next, s.addr)
	}
	if act.ClearPool {
		s.pool.Clear(pool.ClearOptions{ServiceID: act.ServiceID, Cause: e.err()})
	}
	if act.RequestCheck {
		s.requestCheck()
	}
	if act.CancelCheck && s.mon != nil {
		s.mon.cancelCheck()
	}
	if act.CheckNow && s.mon != nil {
		s.mon.interruptAwait()
	}
	t.unlockAndPublish(evs)
}

// ToAppError describes, as SDAM sees it, an error that an operation met on
// connection c (which may be nil when there was none): the connection's
// pool generation, wire version and service id, and the kind and phase
// of a *pool.ConnError inside err (a network error or timeout, during the
// handshake or after it). Any other error is taken as a CommandError, whose
// Code, Message, TopologyVersion and Overloaded the caller fills in from
// the server's reply before passing it to Server.HandleError.
func ToAppError(c *pool.Conn, err error) AppError {
	var ce *pool.ConnError
	if errors.As(err, &ce) {
		return connAppError(ce, c)
	}
	e := AppError{Kind: CommandError, Err: err}
	fromConn(&e, c)
	return e
}

// connAppError classifies a pool.ConnError. One the caller's own context
// caused (ContextDone) gets no Kind: ApplyAppError ignores it.
func connAppError(ce *pool.ConnError, c *pool.Conn) AppError {
	e := AppError{Generation: ce.Generation, ServiceID: ce.ServiceID, Err: ce}
	fromConn(&e, c)
	if ce.ContextDone {
		return e
	}
	switch {
	case ce.Stage == pool.StageAuth:
		e.Phase = DuringAuth
	case ce.Stage.Handshake():
		e.Phase = DuringConnect
	}
	var cmd *pool.CommandError
	switch {
	case errors.As(ce, &cmd):
		e.Kind, e.Code, e.Message = CommandError, cmd.Code, cmd.Message
	case !ce.Network():
		e.Kind = AuthError
	case ce.Timeout():
		e.Kind = NetworkTimeout
	default:
		e.Kind = NetworkError
	}
	return e
}

// fromConn copies what the connection knows into e.
func fromConn(e *AppError, c *pool.Conn) {
	if c == nil {
		return
	}
	d := c.Description()
	e.Generation = c.Generation()
	e.MaxWireVersion = d.MaxWireVersion
	e.ServiceID = d.ServiceID
}
