package pool

import (
	"context"
	"errors"

	"github.com/torque-go/torque/auth"
)

// connAuth is what an authenticated connection keeps to authenticate
// again: the credential, the Stable API declaration its commands carry,
// and auth's per-connection state (the mechanism used, the OIDC token).
type connAuth struct {
	cred  *auth.Credential
	api   *ServerAPI
	state auth.ConnState
}

// ErrNoCredential is returned by Reauthenticate on a connection that was
// established without a credential.
var ErrNoCredential = errors.New("pool: the connection has no credential to reauthenticate with")

// Authenticated reports whether the connection's handshake authenticated
// it (a credential was configured).
func (c *Conn) Authenticated() bool { return c.auth != nil && c.auth.cred != nil }

// Reauthenticate runs authentication again on an established connection,
// with SASL commands and no hello, as the auth spec requires after the
// server's ReauthenticationRequired (391). The caller owns c (it is checked
// out). A failure leaves the connection unusable for this credential: the
// caller closes it.
func (c *Conn) Reauthenticate(ctx context.Context) error {
	if c.auth == nil || c.auth.cred == nil {
		return ErrNoCredential
	}
	cmdr := &handshakeCommander{c: c, api: c.auth.api}
	if err := auth.Reauthenticate(ctx, cmdr, *c.auth.cred, &c.auth.state); err != nil {
		return &ConnError{Addr: c.addr, ConnID: c.id, Generation: c.generation, Stage: StageAuth, Sent: true, Err: err}
	}
	return nil
}
