package pool

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/torque-go/torque/auth"
	"github.com/torque-go/torque/bson"
)

// Stage names the step of a connection's life in which an error happened.
// The topology's error handling and the retry rules read it.
type Stage string

// The stages of a connection: the four steps of establishing it, then the
// two halves of every round trip.
const (
	StageDial  Stage = "dial"  // TCP or Unix-socket connect
	StageTLS   Stage = "tls"   // TLS handshake
	StageHello Stage = "hello" // the handshake's hello (or legacy isMaster)
	StageAuth  Stage = "auth"  // authentication after the hello
	StageWrite Stage = "write" // sending a message
	StageRead  Stage = "read"  // receiving a message
)

// Handshake reports whether the stage belongs to establishing the
// connection (dial, TLS, hello, auth) rather than to an operation on it.
func (s Stage) Handshake() bool {
	return s == StageDial || s == StageTLS || s == StageHello || s == StageAuth
}

// ConnError is every failure of a connection: a network error, a timeout or
// cancellation, a malformed message, or a refused handshake. It says which
// connection, at which stage, and whether any byte of the request left this
// process (Sent), which is what the retry rules need: a request that was
// never sent can always be retried. Err is the cause (errors.Is/As see
// through: context.DeadlineExceeded, *net.OpError, *wire.Error,
// *auth.AuthError, *CommandError).
//
// ContextDone says the failure is the caller's own: the context of the
// operation (or of the checkout that was establishing the connection)
// was cancelled or passed its deadline. Such an error says nothing about
// the server: it is not a network error (Network is false), and SDAM must
// not hear of it. A connectTimeoutMS expiry, a pool's Close or Clear, and
// a socket error are never ContextDone.
//
// After a ConnError from a round trip the connection is dead and is closed
// when it is checked in (unless nothing was sent: a context that ended
// before the first byte leaves the connection usable).
type ConnError struct {
	Addr        string // the server address
	ConnID      int64  // the pool's id for the connection; 0 before it had one
	Generation  uint64 // the pool generation the connection belongs to
	Stage       Stage
	Sent        bool // some byte of the request was written
	ContextDone bool // the caller's context ended: not the server's failure
	// ServiceID is the service the handshake's hello named behind a load
	// balancer, on an error of the authentication step (SDAM clears that
	// service's connections); Generation is then the service's.
	ServiceID *bson.ObjectID
	Err       error
}

func (e *ConnError) Error() string {
	sent := ""
	if e.Stage == StageRead || (e.Stage == StageWrite && e.Sent) {
		sent = " (request sent)"
	} else if e.Stage == StageWrite {
		sent = " (nothing sent)"
	}
	id := ""
	if e.ConnID != 0 {
		id = fmt.Sprintf(" connection %d", e.ConnID)
	}
	var ae *auth.AuthError
	if e.Stage == StageAuth && errors.As(e.Err, &ae) {
		// The cause starts with "auth:" itself: do not say it twice.
		return fmt.Sprintf("pool: %s%s: %v", e.Addr, id, e.Err)
	}
	return fmt.Sprintf("pool: %s%s: %s%s: %v", e.Addr, id, e.Stage, sent, e.Err)
}

func (e *ConnError) Unwrap() error { return e.Err }

// Timeout reports whether the error is a timeout: a deadline of the
// context, of connectTimeoutMS or of a socket.
func (e *ConnError) Timeout() bool {
	if errors.Is(e.Err, context.DeadlineExceeded) || errors.Is(e.Err, os.ErrDeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(e.Err, &ne) && ne.Timeout()
}

// Network reports whether the error came from the network or from bytes
// that made no sense (the SDAM "network error" class), as opposed to a
// server's refusal (*CommandError), an authentication failure, or the
// caller's own context ending (ContextDone). During authentication it is
// a network error only when the conversation's own round trip failed on
// the network (the server closed the connection between saslStart and
// saslContinue, say).
func (e *ConnError) Network() bool {
	if e.ContextDone {
		return false
	}
	var ce *CommandError
	if errors.As(e.Err, &ce) {
		return false
	}
	if e.Stage != StageAuth {
		return true
	}
	var inner *ConnError
	return errors.As(e.Err, new(net.Error)) || errors.Is(e.Err, net.ErrClosed) || errors.As(e.Err, &inner) && inner.Network()
}

// markContext sets ContextDone on the *ConnError in err (if any) when
// the failure came from ctx ending: ctx is done and the error wraps a
// context error. The outermost layer that knows which context is the
// caller's calls it last, so its judgement wins (Dial's connectTimeoutMS
// is a context too, but not the caller's).
func markContext(ctx context.Context, err error) error {
	if err == nil {
		return nil // before ce, which escapes: no allocation on success
	}
	var ce *ConnError
	if errors.As(err, &ce) {
		ce.ContextDone = contextEnded(ctx) && isContextError(err)
	}
	return err
}

// contextEnded reports whether ctx is done, or past its deadline: the
// socket's deadline, which is ctx's, may fire a moment before ctx itself
// reports it.
func contextEnded(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	dl, ok := ctx.Deadline()
	return ok && !time.Now().Before(dl)
}

// isContextError reports whether err wraps a context's error (the net
// package's own cancellation and timeout errors match too).
func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// CommandError is a server's refusal (ok: 0) of the handshake's hello. The
// operation layer has its own richer server error; the pool only needs this
// much to say why a connection could not be established.
type CommandError struct {
	Code     int32
	CodeName string
	Message  string
}

func (e *CommandError) Error() string {
	if e.CodeName != "" {
		return fmt.Sprintf("server error %d (%s): %s", e.Code, e.CodeName, e.Message)
	}
	return fmt.Sprintf("server error %d: %s", e.Code, e.Message)
}

// Checkout failure kinds: test with errors.Is(err, pool.ErrPoolClosed) and
// so on. A *CheckoutError matches exactly one of them.
var (
	// ErrPoolClosed: the pool was closed; it will never hand out a
	// connection again.
	ErrPoolClosed = errors.New("connection pool closed")
	// ErrPoolCleared: the pool is paused because it was cleared after an
	// error (or never made ready); the operation may be retried once the
	// server is known to be up again. It does not mean the server is down.
	ErrPoolCleared = errors.New("connection pool cleared")
	// ErrWaitQueueTimeout: the context's deadline (or waitQueueTimeoutMS)
	// passed, or the context was cancelled, while waiting for a connection.
	ErrWaitQueueTimeout = errors.New("timed out waiting for a connection")
	// ErrConnectionFailed: a new connection could not be established; Err
	// of the *CheckoutError is the *ConnError that says at which stage.
	ErrConnectionFailed = errors.New("could not establish a connection")
)

// CheckoutError says why Pool.Checkout returned no connection, in words a
// user can act on. Kind is one of the Err* sentinels above; Err the cause:
// the context's error for a timeout (errors.Is(err,
// context.DeadlineExceeded) holds), the *ConnError of a failed
// establishment, or the error that cleared the pool.
type CheckoutError struct {
	Addr string
	Kind error
	Msg  string
	Err  error
}

func (e *CheckoutError) Error() string {
	if e.Err != nil {
		return "pool: " + e.Msg + ": " + e.Err.Error()
	}
	return "pool: " + e.Msg
}

// Unwrap returns both the kind and the cause, so errors.Is finds either.
func (e *CheckoutError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// errInterrupted is the cause of a round trip that failed because the pool
// was cleared with InterruptInUse while the connection was in use.
// With closed set, the pool was closed (the client disconnected, or the
// server left the topology) while the connection was in use.
type interruptedError struct {
	addr   string
	closed bool
}

func (e *interruptedError) Error() string {
	if e.closed {
		return "connection to " + e.addr + " closed because its pool was closed"
	}
	return "connection to " + e.addr + " interrupted due to server monitor timeout"
}

func (e *interruptedError) Is(target error) bool {
	if e.closed {
		return target == ErrPoolClosed
	}
	return target == ErrPoolCleared
}
