package auth

import "context"

// mechState is one client's state for a registered mechanism (see
// Mechanism.NewClientState), created by WithDefaults and shared by the
// copies of the credential it returned.
type mechState struct {
	client any
}

// ConnState is what authentication remembers about one connection: the
// mechanism it used (negotiated or configured), and for MONGODB-OIDC the
// access token it sent (the spec's Connection Cache). The pool keeps one
// per connection and sets Host; the zero value is ready. It is used by the
// connection's owner only. Do not print it: Token is a secret.
type ConnState struct {
	// Host is the server's address ("host:port"): MONGODB-OIDC's human
	// flow checks it against ALLOWED_HOSTS before calling the callback.
	Host string

	// Token is the MONGODB-OIDC access token the connection last sent,
	// kept by package auth/oidc so that a reauthentication invalidates
	// exactly that token. Secret.
	Token string

	mech string
}

// Reauthenticate authenticates the connection again, without a hello, as
// the auth spec requires after the server's ReauthenticationRequired
// (391): for MONGODB-OIDC it first invalidates the token the connection
// used, so that a new one is fetched. st is the connection's state from
// its handshake (nil: the configured mechanism, nothing invalidated).
// Every error is an *AuthError.
func Reauthenticate(ctx context.Context, c Commander, cred Credential, st *ConnState) error {
	if err := cred.Validate(); err != nil {
		return err
	}
	mech := mechanismFor(cred, nil)
	if st != nil && st.mech != "" {
		mech = st.mech
	}
	if m, ok := registered(mech).(ReauthenticatingMechanism); ok {
		m.Reauthenticating(cred.attempt(m, c, st))
	}
	return wrap(cred, mech, authenticate(ctx, c, cred, mech, defaultKeyCache, st))
}
