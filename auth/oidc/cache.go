package oidc

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/torque-go/torque/auth"
)

// oidcCache is the spec's Client Cache: the latest access token, and for
// the human flow the IdpInfo and refresh token. One provider or callback
// call runs at a time (acquire: a waiter gives up when its ctx ends); no
// lock is held during a SASL exchange. The zero value is ready.
type oidcCache struct {
	semOnce sync.Once
	sem     chan struct{} // holds a token while a callback runs

	mu         sync.Mutex
	access     string
	refreshTok string
	idp        *auth.IDPInfo
}

// acquire waits for the right to call the provider, or for ctx to end.
func (c *oidcCache) acquire(ctx context.Context) error {
	c.semOnce.Do(func() { c.sem = make(chan struct{}, 1) })
	select {
	case c.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for another connection's OIDC callback: %w", ctx.Err())
	}
}

func (c *oidcCache) release() { <-c.sem }

func (c *oidcCache) accessToken() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.access
}

// invalidate forgets tok if it is still the cached token (a token fetched
// meanwhile by another connection stays).
func (c *oidcCache) invalidate(tok string) {
	c.mu.Lock()
	if tok != "" && c.access == tok {
		c.access = ""
	}
	c.mu.Unlock()
}

// token returns the cached access token (cached true), or calls the
// machine callback or environment for a new one and caches it.
func (c *oidcCache) token(ctx context.Context, cred auth.Credential) (tok string, cached bool, err error) {
	if err := c.acquire(ctx); err != nil {
		return "", false, err
	}
	defer c.release()
	if tok := c.accessToken(); tok != "" {
		return tok, true, nil
	}
	cb, err := machineCallback(cred)
	if err != nil {
		return "", false, err
	}
	oc, err := callOIDC(ctx, cb, &auth.OIDCArgs{Version: auth.OIDCCallbackVersion, Username: cred.Username})
	if err != nil {
		return "", false, err
	}
	c.mu.Lock()
	c.access = oc.AccessToken
	c.mu.Unlock()
	return oc.AccessToken, false, nil
}

// refresh calls the human callback with the cached refresh token and
// IdpInfo, if there are both, and caches the new token ("" when there is
// nothing to refresh with).
func (c *oidcCache) refresh(ctx context.Context, cred auth.Credential) (string, error) {
	if err := c.acquire(ctx); err != nil {
		return "", err
	}
	defer c.release()
	c.mu.Lock()
	rt, idp, access := c.refreshTok, c.idp, c.access
	c.mu.Unlock()
	if access != "" {
		return access, nil // another connection refreshed meanwhile
	}
	if rt == "" || idp == nil {
		return "", nil
	}
	oc, err := callHuman(ctx, cred, &auth.OIDCArgs{Version: auth.OIDCCallbackVersion, Username: cred.Username, IDPInfo: idp, RefreshToken: rt})
	if err != nil {
		c.mu.Lock()
		c.refreshTok = "" // a refresh token the IdP refused is not tried again
		c.mu.Unlock()
		return "", err
	}
	c.store(oc, idp)
	return oc.AccessToken, nil
}

// human calls the human callback for a new two-step conversation: with the
// server's IdpInfo and, as the spec requires, no refresh token.
func (c *oidcCache) human(ctx context.Context, cred auth.Credential, idp *auth.IDPInfo) (string, error) {
	if err := c.acquire(ctx); err != nil {
		return "", err
	}
	defer c.release()
	oc, err := callHuman(ctx, cred, &auth.OIDCArgs{Version: auth.OIDCCallbackVersion, Username: cred.Username, IDPInfo: idp})
	if err != nil {
		return "", err
	}
	c.store(oc, idp)
	return oc.AccessToken, nil
}

func (c *oidcCache) store(oc *auth.OIDCCredential, idp *auth.IDPInfo) {
	c.mu.Lock()
	c.access, c.refreshTok, c.idp = oc.AccessToken, oc.RefreshToken, idp
	c.mu.Unlock()
}

// machineCallback is the credential's machine callback or environment.
func machineCallback(cred auth.Credential) (auth.OIDCCallback, error) {
	if cred.OIDCMachineCallback != nil {
		return cred.OIDCMachineCallback, nil
	}
	name, _ := cred.Prop("ENVIRONMENT")
	env, ok := oidcEnvironment(name)
	if !ok {
		return nil, fmt.Errorf("ENVIRONMENT %q is not available (azure and gcp need package auth/cloud)", name)
	}
	res, _ := cred.Prop("TOKEN_RESOURCE")
	return env(res, cred.Username), nil
}

// callHuman runs the human callback for up to five minutes, ended early
// only when ctx is cancelled (not when its deadline passes).
func callHuman(ctx context.Context, cred auth.Credential, args *auth.OIDCArgs) (*auth.OIDCCredential, error) {
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), oidcHumanTimeout)
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		if errors.Is(ctx.Err(), context.Canceled) {
			cancel()
		}
	})
	defer stop()
	return callOIDC(hctx, cred.OIDCHumanCallback, args)
}

// callOIDC calls cb and checks what it returned. The callback's error is
// kept (errors.Is works) but callbacks should not put tokens in errors.
func callOIDC(ctx context.Context, cb auth.OIDCCallback, args *auth.OIDCArgs) (*auth.OIDCCredential, error) {
	oc, err := cb(ctx, args)
	switch {
	case err != nil:
		return nil, fmt.Errorf("OIDC callback: %w", err)
	case oc == nil || oc.AccessToken == "":
		return nil, errors.New("OIDC callback returned no access token")
	case !oc.ExpiresAt.IsZero() && oc.ExpiresAt.Before(time.Now()):
		return nil, errors.New("OIDC callback returned an access token that has already expired")
	}
	return oc, nil
}
