package auth

import (
	"context"

	"github.com/torque-go/torque/bson"
)

// Authenticate authenticates the connection behind c as cred, after the
// hello whose reply is hello (nil if unknown; it supplies
// saslSupportedMechs when cred names no mechanism). st is the connection's
// state (nil when the connection will never be reauthenticated). Every
// error is an *AuthError.
//
// Use Speculate instead to fold the first round trip into the hello.
func Authenticate(ctx context.Context, c Commander, cred Credential, hello bson.Raw, st *ConnState) error {
	if err := cred.Validate(); err != nil {
		return err
	}
	mech := mechanismFor(cred, hello)
	return wrap(cred, mech, authenticate(ctx, c, cred, mech, defaultKeyCache, st))
}

func authenticate(ctx context.Context, c Commander, cred Credential, mech string, cache *keyCache, st *ConnState) error {
	err := authenticateMech(ctx, c, cred, mech, cache, st)
	if err == nil && st != nil {
		st.mech = mech
	}
	return err
}

func authenticateMech(ctx context.Context, c Commander, cred Credential, mech string, cache *keyCache, st *ConnState) error {
	source := cred.source()
	switch mech {
	case MechanismX509:
		return authenticateX509(ctx, c, cred.Username)
	case MechanismPLAIN:
		return runSASL(ctx, c, source, mech, plainMechanism{cred.Username, cred.Password})
	case MechanismAWS, MechanismOIDC:
		m := registered(mech)
		if m == nil {
			return errNotLinked(mech)
		}
		return m.Authenticate(ctx, cred.attempt(m, c, st))
	}
	sc, err := newSCRAMClient(mech, cred.Username, cred.Password, "", cache)
	if err != nil {
		return err
	}
	return runSASL(ctx, c, source, mech, &scramMechanism{c: sc})
}

// wrap makes err an *AuthError naming cred and mech (nil stays nil).
func wrap(cred Credential, mech string, err error) error {
	if err == nil {
		return nil
	}
	if ae, ok := err.(*AuthError); ok {
		return ae
	}
	return &AuthError{Mechanism: mech, Source: cred.source(), Username: cred.Username, Err: err}
}
