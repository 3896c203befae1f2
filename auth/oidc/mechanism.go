package oidc

import (
	"context"

	"github.com/torque-go/torque/auth"
	"github.com/torque-go/torque/bson"
)

func init() { auth.RegisterMechanism(auth.MechanismOIDC, mechanism{}) }

// mechanism is MONGODB-OIDC as package auth runs it. Its client state is
// the client's token cache (the spec's Client Cache); the token each
// connection sent is its ConnState.Token (the Connection Cache).
type mechanism struct{}

func (mechanism) NewClientState() any { return new(oidcCache) }

func (mechanism) Validate(cred auth.Credential) string { return validateOIDC(cred) }

func (mechanism) Authenticate(ctx context.Context, a *auth.Attempt) error {
	return authenticateOIDC(ctx, a.Conn, a.Cred, a.Client.(*oidcCache), a.State)
}

// SpeculativePayload is the cached access token, if any, and (human flow)
// only for a host in ALLOWED_HOSTS, since a cached token goes only where
// the human flow may send it.
func (mechanism) SpeculativePayload(a *auth.Attempt) []byte {
	if a.Cred.OIDCHumanCallback != nil && (a.State == nil || !hostAllowed(a.State.Host, allowedHosts(a.Cred))) {
		return nil
	}
	tok := a.Client.(*oidcCache).accessToken()
	if tok == "" {
		return nil
	}
	return oidcJWTPayload(tok)
}

// SpeculationAccepted records the token the server accepted as the
// connection's.
func (mechanism) SpeculationAccepted(a *auth.Attempt, payload []byte) {
	tok, _ := bson.Raw(payload).Lookup("jwt").StringValue()
	setToken(a.State, tok)
}

// Reauthenticating invalidates the token the connection used (if still
// the cached one), so that a new one is fetched.
func (mechanism) Reauthenticating(a *auth.Attempt) {
	if a.State == nil {
		return
	}
	a.Client.(*oidcCache).invalidate(a.State.Token)
	a.State.Token = ""
}

// setToken records tok as the token the connection sent (st may be nil).
func setToken(st *auth.ConnState, tok string) {
	if st != nil {
		st.Token = tok
	}
}
