package auth

import (
	"context"
	"errors"
	"sync"
)

// Mechanisms in packages of their own. MONGODB-AWS (package auth/aws) and
// MONGODB-OIDC (package auth/oidc) are implemented outside this package
// and register themselves from an init function, the way image formats
// register with package image:
//
//	import _ "github.com/torque-go/torque/auth/aws"  // MONGODB-AWS
//	import _ "github.com/torque-go/torque/auth/oidc" // MONGODB-OIDC
//
// A program that imports neither links none of their code (SigV4, the AWS
// credential chain, the OIDC flows: about 72 KB of a stripped binary).
// Without the import, a credential naming the mechanism is refused by
// Validate and WithDefaults (so by client.Connect) with an error that
// names the import. The Credential fields of these mechanisms and the
// types of their callbacks stay here, so that code setting them compiles
// without the import.

// Mechanism is the client side of a mechanism that its own package
// implements and registers with RegisterMechanism. Applications do not
// implement it; its methods may change with the packages that do.
type Mechanism interface {
	// NewClientState returns what one client keeps between
	// authentications (its caches). WithDefaults makes one per client;
	// a credential that did not come from WithDefaults gets a new one
	// for every authentication.
	NewClientState() any
	// Validate returns what is wrong with cred for this mechanism (its
	// properties, callbacks, username and password), or "".
	Validate(cred Credential) string
	// Authenticate runs a whole conversation. Its error is wrapped in an
	// *AuthError by the caller.
	Authenticate(ctx context.Context, a *Attempt) error
}

// SpeculativeMechanism is a Mechanism whose first saslStart can ride in
// the hello (speculative authentication).
type SpeculativeMechanism interface {
	Mechanism
	// SpeculativePayload returns the saslStart payload for the hello's
	// speculativeAuthenticate, or nil for none. a.Conn is nil.
	SpeculativePayload(a *Attempt) []byte
	// SpeculationAccepted is told that the server's answer to that
	// payload ended the conversation (done: true).
	SpeculationAccepted(a *Attempt, payload []byte)
}

// ReauthenticatingMechanism is a Mechanism that must forget something
// before Reauthenticate runs a new conversation (MONGODB-OIDC: the token
// the server refused).
type ReauthenticatingMechanism interface {
	Mechanism
	Reauthenticating(a *Attempt)
}

// Attempt is one authentication of one connection, as a registered
// Mechanism sees it.
type Attempt struct {
	Cred  Credential
	Conn  Commander  // nil in SpeculativePayload
	State *ConnState // the connection's state; nil when it will never be reauthenticated
	// Client is what the mechanism's NewClientState returned for the
	// client the credential belongs to.
	Client any
}

// registry holds the mechanisms registered by their packages.
var registry struct {
	sync.RWMutex
	m map[string]Mechanism
}

// RegisterMechanism installs m as the implementation of mechanism name
// (MechanismAWS or MechanismOIDC; nil removes it) and returns the one it
// replaces. Packages auth/aws and auth/oidc call it from their init
// functions; tests may swap an implementation and restore it.
func RegisterMechanism(name string, m Mechanism) (previous Mechanism) {
	registry.Lock()
	defer registry.Unlock()
	previous = registry.m[name]
	if m == nil {
		delete(registry.m, name)
		return previous
	}
	if registry.m == nil {
		registry.m = make(map[string]Mechanism)
	}
	registry.m[name] = m
	return previous
}

// registered returns the implementation of mech, nil when its package is
// not linked in.
func registered(mech string) Mechanism {
	registry.RLock()
	defer registry.RUnlock()
	return registry.m[mech]
}

// mechanismPackage is the import path of the package that implements
// mech, "" for the mechanisms of this package.
func mechanismPackage(mech string) string {
	switch mech {
	case MechanismAWS:
		return "github.com/torque-go/torque/auth/aws"
	case MechanismOIDC:
		return "github.com/torque-go/torque/auth/oidc"
	}
	return ""
}

// errNotLinked is the error for a mechanism whose package is not imported.
func errNotLinked(mech string) error {
	pkg := mechanismPackage(mech)
	return errors.New(mech + " is implemented by package " + pkg + ", which this program does not import: add import _ \"" + pkg + "\"")
}

// attempt is the Attempt of cred on a connection for m.
func (c Credential) attempt(m Mechanism, conn Commander, st *ConnState) *Attempt {
	a := &Attempt{Cred: c, Conn: conn, State: st}
	if c.state != nil {
		a.Client = c.state.client
	} else {
		a.Client = m.NewClientState()
	}
	return a
}
