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
// mechanism is to be negotiated), X.509 its authenticate command,
// MONGODB-OIDC a one-step saslStart with the client's cached access token
// (none without one). PLAIN and MONGODB-AWS have no speculative form (AWS
// needs the server's nonce before it can sign).
//
// The pool's handshake, in order:
//
//	spec, err := auth.Speculate(cred, st)       // nil spec: nothing to embed
//	hello: saslSupportedMechs = auth.SASLSupportedMechs(cred) if not ""
//	       speculativeAuthenticate = spec.Document() if spec != nil
//	reply := <hello round trip>
//	err = spec.Finish(ctx, conn, reply, st)     // or auth.Authenticate(ctx, conn, cred, reply, st)

// Speculative is one connection's speculative authentication. It is used by
// one goroutine, once.
type Speculative struct {
	cred    Credential
	mech    string
	scram   *scramMechanism      // SCRAM only
	ext     SpeculativeMechanism // a registered mechanism (MONGODB-OIDC)
	payload []byte               // what ext embedded
	doc     []byte
	cache   *keyCache
}

// Speculate starts a speculative conversation for cred on the connection
// whose state is st (nil: unknown), or returns nil (and no error) when
// there is nothing to embed: a mechanism without a speculative form, no
// cached OIDC token, or (human OIDC flow) a host outside ALLOWED_HOSTS,
// since a cached token goes only where the human flow may send it. The
// credential is validated.
func Speculate(cred Credential, st *ConnState) (*Speculative, error) {
	return speculate(cred, "", defaultKeyCache, st)
}

func speculate(cred Credential, nonce string, cache *keyCache, st *ConnState) (*Speculative, error) {
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
	case MechanismAWS, MechanismOIDC:
		m, ok := registered(mech).(SpeculativeMechanism)
		if !ok {
			return nil, nil
		}
		if s.payload = m.SpeculativePayload(cred.attempt(m, nil, st)); s.payload == nil {
			return nil, nil
		}
		s.ext = m
		s.doc, err = appendSASLStart(nil, mech, s.payload, "db", externalSource)
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
// names none. For MONGODB-OIDC an answer that is not done is not final:
// the full conversation runs (without invalidating the cached token, as
// the spec says). st is the connection's state (may be nil). Every error is
// an *AuthError.
func (s *Speculative) Finish(ctx context.Context, c Commander, hello bson.Raw, st *ConnState) error {
	answer, ok := hello.Lookup("speculativeAuthenticate").Document()
	if s.ext != nil && ok {
		if r, err := parseSASLReply(answer); err == nil && r.Done {
			s.ext.SpeculationAccepted(s.cred.attempt(s.ext, c, st), s.payload)
			s.done(st)
			return nil
		}
	}
	if !ok || s.ext != nil {
		mech := mechanismFor(s.cred, hello)
		return wrap(s.cred, mech, authenticate(ctx, c, s.cred, mech, s.cache, st))
	}
	var err error
	if s.mech == MechanismX509 {
		err = checkOK(answer) // {dbname, user}: already authenticated
	} else {
		err = continueSASL(ctx, c, s.cred.source(), s.scram, answer)
	}
	if err == nil {
		s.done(st)
	}
	return wrap(s.cred, s.mech, err)
}

// done records the mechanism used in st.
func (s *Speculative) done(st *ConnState) {
	if st != nil {
		st.mech = s.mech
	}
}
