package topology

import (
	"errors"

	"github.com/torque-go/torque/pool"
)

// ConnError describes, as SDAM sees it, an error that an operation met on
// connection c (which may be nil when there was none): the connection's
// pool generation, wire version and service id, and the kind and phase
// of a *pool.ConnError inside err (a network error or timeout, during the
// handshake or after it). Any other error is taken as a CommandError, whose
// Code, Message, TopologyVersion and Overloaded the caller fills in from
// the server's reply before passing it to Server.HandleError.
func ConnError(c *pool.Conn, err error) AppError {
	var ce *pool.ConnError
	if errors.As(err, &ce) {
		return connAppError(ce, c)
	}
	e := AppError{Kind: CommandError, Err: err}
	fromConn(&e, c)
	return e
}

// connAppError classifies a pool.ConnError. One the caller's own context
// caused (ContextDone) gets no Kind: HandleError ignores it.
func connAppError(ce *pool.ConnError, c *pool.Conn) AppError {
	e := AppError{Generation: ce.Generation, Err: ce}
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
