package oidc

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/torque-go/torque/auth"
	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/clock"
)

// MONGODB-OIDC (auth spec, "MONGODB-OIDC"). One-step: saslStart carries
// {jwt: <access token>} and the server answers done. Two-step (human
// flow without a cached token): saslStart carries {n: <username>}, the
// server answers with its IdpInfo {issuer, clientId, requestScopes}, the
// human callback turns that into a token, and saslContinue carries {jwt}.
//
// Tokens are cached per client (oidcCache: the spec's Client Cache) and
// the token a connection used is kept in its ConnState (the Connection
// Cache), so that reauthentication invalidates exactly that token.

// oidcRetryPause is the spec's pause before fetching a new token when a
// cached one was refused.
var oidcRetryPause = 100 * time.Millisecond

// externalSource is the authentication database of MONGODB-OIDC.
const externalSource = "$external"

// oidcHumanTimeout bounds a human callback (not the handshake's timeout:
// a person is in the loop).
const oidcHumanTimeout = 5 * time.Minute

// authenticateOIDC authenticates a new connection (or reauthenticates one
// whose token the caller invalidated).
func authenticateOIDC(ctx context.Context, c auth.Commander, cred auth.Credential, cache *oidcCache, st *auth.ConnState) error {
	if cred.OIDCHumanCallback != nil {
		return authenticateOIDCHuman(ctx, c, cred, cache, st)
	}
	tok, cached, err := cache.token(ctx, cred)
	if err != nil {
		return err
	}
	if cached {
		setToken(st, tok)
		err := oidcOneStep(ctx, c, tok)
		if !isServerRefusal(err) {
			return err
		}
		cache.invalidate(tok)
		if err := clock.Sleep(ctx, oidcRetryPause); err != nil {
			return err
		}
		if tok, _, err = cache.token(ctx, cred); err != nil {
			return err
		}
	}
	setToken(st, tok)
	return oidcOneStep(ctx, c, tok)
}

// authenticateOIDCHuman is the human flow: a cached access token, else a
// refresh with the cached refresh token, else a two-step conversation.
func authenticateOIDCHuman(ctx context.Context, c auth.Commander, cred auth.Credential, cache *oidcCache, st *auth.ConnState) error {
	if st == nil || !hostAllowed(st.Host, allowedHosts(cred)) {
		host := ""
		if st != nil {
			host = st.Host
		}
		return fmt.Errorf("host %q is not in ALLOWED_HOSTS (Credential.OIDCAllowedHosts): the human callback was not called", host)
	}
	if tok := cache.accessToken(); tok != "" {
		setToken(st, tok)
		if err := oidcOneStep(ctx, c, tok); !isServerRefusal(err) {
			return err
		}
		cache.invalidate(tok)
		setToken(st, "")
	}
	if tok, err := cache.refresh(ctx, cred); err == nil && tok != "" {
		setToken(st, tok)
		if err := oidcOneStep(ctx, c, tok); !isServerRefusal(err) {
			return err
		}
		cache.invalidate(tok)
		setToken(st, "")
	} else if err != nil && ctx.Err() != nil {
		return err
	}
	return oidcTwoStep(ctx, c, cred, cache, st)
}

// isServerRefusal reports whether err is the server's {ok: 0} (worth a new
// token), rather than a network failure or nil.
func isServerRefusal(err error) bool {
	var ce *auth.CommandError
	return err != nil && errors.As(err, &ce)
}

// oidcOneStep sends saslStart with {jwt} and expects done.
func oidcOneStep(ctx context.Context, c auth.Commander, tok string) error {
	r, err := auth.SASLStart(ctx, c, externalSource, auth.MechanismOIDC, oidcJWTPayload(tok))
	if err != nil {
		return err
	}
	return oidcExpectDone(r)
}

func oidcExpectDone(r auth.SASLReply) error {
	if !r.Done {
		return errors.New("server did not end the MONGODB-OIDC conversation after the access token")
	}
	return nil
}

// oidcTwoStep asks the server for its IdpInfo, calls the human callback and
// sends the token.
func oidcTwoStep(ctx context.Context, c auth.Commander, cred auth.Credential, cache *oidcCache, st *auth.ConnState) error {
	start, p := bson.AppendDocumentStart(nil)
	if cred.Username != "" {
		p = bson.AppendStringElement(p, "n", cred.Username)
	}
	p, _ = bson.AppendDocumentEnd(p, start)
	r, err := auth.SASLStart(ctx, c, externalSource, auth.MechanismOIDC, p)
	if err != nil {
		return err
	}
	if r.Done {
		return errors.New("server ended the MONGODB-OIDC conversation before receiving a token")
	}
	idp, err := parseIDPInfo(r.Payload)
	if err != nil {
		return err
	}
	tok, err := cache.human(ctx, cred, idp)
	if err != nil {
		return err
	}
	setToken(st, tok)
	if r, err = auth.SASLContinue(ctx, c, externalSource, r, oidcJWTPayload(tok)); err != nil {
		return err
	}
	return oidcExpectDone(r)
}

// oidcJWTPayload is the JwtStepRequest {jwt: tok}.
func oidcJWTPayload(tok string) []byte {
	start, p := bson.AppendDocumentStart(nil)
	p = bson.AppendStringElement(p, "jwt", tok)
	p, _ = bson.AppendDocumentEnd(p, start)
	return p
}

// parseIDPInfo reads the server's {issuer, clientId, requestScopes}.
func parseIDPInfo(payload []byte) (*auth.IDPInfo, error) {
	doc := bson.Raw(payload)
	if err := doc.Validate(); err != nil {
		return nil, fmt.Errorf("server's IdpInfo is not a BSON document: %w", err)
	}
	var info auth.IDPInfo
	var ok bool
	if info.Issuer, ok = doc.Lookup("issuer").StringValue(); !ok || info.Issuer == "" {
		return nil, errors.New("server's IdpInfo has no issuer string")
	}
	// clientId is absent for a machine identity provider (OIDC prose test
	// 1.8 of the human flow): the callback gets "".
	if v := doc.Lookup("clientId"); v.Type != 0 {
		if info.ClientID, ok = v.StringValue(); !ok {
			return nil, errors.New("server's IdpInfo: clientId is not a string")
		}
	}
	if v := doc.Lookup("requestScopes"); v.Type != 0 {
		arr, ok := v.Array()
		if !ok {
			return nil, errors.New("server's IdpInfo: requestScopes is not an array")
		}
		for _, s := range arr.All() {
			str, ok := s.StringValue()
			if !ok {
				return nil, errors.New("server's IdpInfo: requestScopes holds a non-string")
			}
			info.RequestScopes = append(info.RequestScopes, str)
		}
	}
	return &info, nil
}
