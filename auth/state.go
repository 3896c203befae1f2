package auth

import "context"

// mechState is one client's cache for MONGODB-AWS and MONGODB-OIDC,
// created by WithDefaults and shared by the copies of the credential it
// returned.
type mechState struct {
	aws  awsCache
	oidc oidcCache
}

// awsCache returns the client's AWS credential cache, nil for a credential
// that did not come from WithDefaults (then nothing is cached).
func (c Credential) awsCache() *awsCache {
	if c.state == nil {
		return nil
	}
	return &c.state.aws
}

// oidcCache returns the client's token cache; a credential that did not
// come from WithDefaults gets a new empty one each time.
func (c Credential) oidcCache() *oidcCache {
	if c.state == nil {
		return new(oidcCache)
	}
	return &c.state.oidc
}

// ConnState is what authentication remembers about one connection: the
// mechanism it used (negotiated or configured), and for MONGODB-OIDC the
// access token it sent (the spec's Connection Cache). The pool keeps one
// per connection and sets Host; the zero value is ready. It is used by the
// connection's owner only.
type ConnState struct {
	// Host is the server's address ("host:port"): MONGODB-OIDC's human
	// flow checks it against ALLOWED_HOSTS before calling the callback.
	Host string

	mech  string
	token string
}

func (s *ConnState) setToken(tok string) {
	if s != nil {
		s.token = tok
	}
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
	if mech == MechanismOIDC && st != nil {
		cred.oidcCache().invalidate(st.token)
		st.token = ""
	}
	return wrap(cred, mech, authenticate(ctx, c, cred, mech, defaultKeyCache, st))
}
