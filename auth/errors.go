package auth

import (
	"errors"
	"fmt"
	"strconv"
)

// AuthError is every failure of this package: an invalid credential, a
// malformed or dishonest server payload, a server's refusal, or a network
// error underneath (Err, kept for errors.Is / errors.As). It names who tried
// to authenticate how, and what failed, never the password or the contents
// of a payload.
type AuthError struct {
	Mechanism string // the mechanism tried ("" before negotiation)
	Source    string // the authentication database
	Username  string
	Err       error
}

func (e *AuthError) Error() string {
	mech := e.Mechanism
	if mech == "" {
		mech = "default mechanism"
	}
	return fmt.Sprintf("auth: %s as user %s on %s: %v", mech, strconv.Quote(e.Username), strconv.Quote(e.Source), e.Err)
}

func (e *AuthError) Unwrap() error { return e.Err }

// CommandError is a server's refusal (ok:0) found in a reply that the
// Commander returned without an error of its own.
type CommandError struct {
	Code    int32
	Message string
}

func (e *CommandError) Error() string {
	return fmt.Sprintf("server error %d: %s", e.Code, e.Message)
}

// ErrGSSAPI is the error for the GSSAPI (Kerberos) mechanism, which torque
// does not implement: Kerberos needs either cgo (libgssapi) or a Kerberos
// library, and the module is pure Go with two dependencies.
var ErrGSSAPI = errors.New("GSSAPI (Kerberos) is not supported by torque: it needs cgo or a Kerberos library, " +
	"and torque is pure Go without them; use SCRAM-SHA-256, MONGODB-X509, MONGODB-AWS or MONGODB-OIDC")
