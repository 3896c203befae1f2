package auth

import (
	"context"

	"github.com/torque-go/torque/bson"
)

// Speculative authentication (handshake spec, "Speculative
// Authentication"): the first hello carries the opening message of the
// conversation in its speculativeAuthenticate field and a server that
// supports it answers in the same field of its reply, saving a round trip.
// SCRAM embeds its saslStart (with "db" for "$db"; SCRAM-SHA-256 when the
// mechanism is to be negotiated), X.509 its authenticate command. PLAIN has
// no speculative form.
//
// The pool's handshake, in order:
//
//	spec, err := auth.Speculate(cred)           // nil spec: nothing to embed
//	hello: saslSupportedMechs = auth.SASLSupportedMechs(cred) if not ""
//	       speculativeAuthenticate = spec.Document() if spec != nil
//	reply := <hello round trip>
//	err = spec.Finish(ctx, conn, reply)         // or auth.Authenticate(ctx, conn, cred, reply)

// Speculative is one connection's speculative authentication. It is used by
// one goroutine, once.
type Speculative struct {
	cred  Credential
	mech  string
	scram *scramMechanism // SCRAM only
	doc   []byte
	cache *keyCache
}

// Speculate starts a speculative conversation for cred, or returns nil (and
// no error) when its mechanism has none. The credential is validated.
func Speculate(cred Credential) (*Speculative, error) {
	return speculate(cred, "", defaultKeyCache)
}

func speculate(cred Credential, nonce string, cache *keyCache) (*Speculative, error) {
	if err := cred.Validate(); err != nil {
		return nil, err
	}
	mech, _ := canonicalMechanism(cred.Mechanism)
	if mech == "" {
		mech = MechanismSCRAMSHA256
	}
	s := &Speculative{cred: cred, mech: mech, cache: cache}
	var err error
	switch mech {
	case MechanismPLAIN:
		return nil, nil
	case MechanismX509:
		s.doc, err = appendX509Authenticate(nil, cred.Username, "db")
	default:
		var sc *scramClient
		if sc, err = newSCRAMClient(mech, cred.Username, cred.Password, nonce, cache); err != nil {
			return nil, wrap(cred, mech, err)
		}
		s.scram = &scramMechanism{c: sc}
		s.doc, err = appendSASLStart(nil, mech, s.scram.start(), "db", cred.source())
	}
	if err != nil {
		return nil, wrap(cred, mech, err)
	}
	return s, nil
}

// Document returns the value of the hello's speculativeAuthenticate field.
// The bytes belong to s; do not modify them.
func (s *Speculative) Document() bson.Raw { return s.doc }

// Finish completes authentication after the hello whose reply is hello. When
// the reply answers the speculative conversation it continues that one (a
// failure there is final); otherwise it runs a full conversation, choosing
// the mechanism from the reply's saslSupportedMechs when the credential
// names none. Every error is an *AuthError.
func (s *Speculative) Finish(ctx context.Context, c Commander, hello bson.Raw) error {
	answer, ok := hello.Lookup("speculativeAuthenticate").Document()
	if !ok {
		mech := mechanismFor(s.cred, hello)
		return wrap(s.cred, mech, authenticate(ctx, c, s.cred, mech, s.cache))
	}
	if s.mech == MechanismX509 {
		return wrap(s.cred, s.mech, checkOK(answer)) // {dbname, user}: already authenticated
	}
	return wrap(s.cred, s.mech, continueSASL(ctx, c, s.cred.source(), s.scram, answer))
}
