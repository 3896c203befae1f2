package driver

import (
	"context"
	"errors"
)

// Reauthentication (auth spec, "Reauthentication"): when a command fails
// with ReauthenticationRequired (391), the connection is authenticated
// again (SASL only, no hello) and the same attempt is re-run on it once,
// whether or not the operation is retryable. Errors of the
// reauthentication, or of the re-run, go to the caller.
//
// This is the one place the executor deals with authentication: a Conn
// that can reauthenticate implements Reauthenticator (the client's adapter
// over pool.Conn does); classify hands such a connection back unreleased
// in a *reauthNeeded instead of failing the attempt.

// codeReauthenticationRequired is the server's error code 391.
const codeReauthenticationRequired = 391

// Reauthenticator is a Conn that can rerun its authentication.
type Reauthenticator interface {
	// Authenticated reports whether the connection authenticated (a
	// connection without a credential answers 391 to the caller).
	Authenticated() bool
	Reauthenticate(ctx context.Context) error
}

// reauthNeeded is classify's answer to a 391 on a connection that can
// reauthenticate: the connection is still checked out.
type reauthNeeded struct{ err *Error }

func (r *reauthNeeded) Error() string { return r.err.Error() }

// wantsReauth reports whether e on conn calls for reauthentication (once
// per attempt).
func wantsReauth(ex *execution, conn Conn, e *Error) bool {
	ra, ok := conn.(Reauthenticator)
	return ok && e.Code == codeReauthenticationRequired && !ex.reauthed && ra.Authenticated()
}

// afterReauth handles roundTrip's result: on *reauthNeeded it
// reauthenticates conn and runs the attempt again on it.
func (x *Executor) afterReauth(ctx context.Context, ex *execution, srv Server, conn Conn, r *Reply, err error) (*Reply, error) {
	if err == nil {
		return r, nil // before rn, which escapes to the heap (errors.As)
	}
	var rn *reauthNeeded
	if !errors.As(err, &rn) {
		return r, err
	}
	ex.reauthed = true
	if rerr := conn.(Reauthenticator).Reauthenticate(ctx); rerr != nil {
		// The connection is closed, and SDAM is not told: this is not the
		// handshake (whose failure marks the server Unknown), and a token
		// the identity provider cannot renew says nothing of the server.
		conn.Close()
		return nil, rerr
	}
	return x.roundTrip(ctx, ex, srv, conn)
}
