package auth

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// OIDCCallback returns an OIDC access token for MONGODB-OIDC. ctx bounds
// the call: the connection's handshake for a machine callback, five
// minutes for a human one. The callback may be called from several
// connections' goroutines, but never twice at once for one client.
type OIDCCallback func(ctx context.Context, args *OIDCArgs) (*OIDCCredential, error)

// OIDCCallbackVersion is OIDCArgs.Version: the version of the callback API.
const OIDCCallbackVersion = 1

// OIDCArgs is what a callback is told. Fields may be added.
type OIDCArgs struct {
	Version  int    // OIDCCallbackVersion
	Username string // the credential's username ("" if none)
	// IDPInfo (human callbacks) names the identity provider the server
	// asked for.
	IDPInfo *IDPInfo
	// RefreshToken (human callbacks) is the refresh token the last call
	// returned, when the driver asks for a new access token with it.
	RefreshToken string
}

// String never shows the refresh token.
func (a OIDCArgs) String() string {
	s := "auth.OIDCArgs{Version:" + strconv.Itoa(a.Version) + ", Username:" + strconv.Quote(a.Username)
	if a.IDPInfo != nil {
		s += ", IDPInfo:" + a.IDPInfo.String()
	}
	if a.RefreshToken != "" {
		s += ", RefreshToken:<redacted>"
	}
	return s + "}"
}

// GoString is String.
func (a OIDCArgs) GoString() string { return a.String() }

// MarshalJSON writes the version and username, never the refresh token.
func (a OIDCArgs) MarshalJSON() ([]byte, error) {
	b := append([]byte(`{"Version":`), strconv.Itoa(a.Version)...)
	b = append(b, `,"Username":`...)
	return append(appendJSONString(b, a.Username), '}'), nil
}

// IDPInfo is the identity provider a server names in the human flow.
type IDPInfo struct {
	Issuer        string
	ClientID      string
	RequestScopes []string
}

func (i *IDPInfo) String() string {
	return "{Issuer:" + strconv.Quote(i.Issuer) + ", ClientID:" + strconv.Quote(i.ClientID) +
		", RequestScopes:" + strconv.Quote(strings.Join(i.RequestScopes, " ")) + "}"
}

// OIDCCredential is what a callback returns. AccessToken is required.
// ExpiresAt is informative (zero: unknown); the driver keeps the token until
// a server refuses it. RefreshToken is for the human flow.
type OIDCCredential struct {
	AccessToken  string // secret
	ExpiresAt    time.Time
	RefreshToken string // secret
}

// String never shows the tokens.
func (c OIDCCredential) String() string {
	s := "auth.OIDCCredential{AccessToken:<redacted>"
	if !c.ExpiresAt.IsZero() {
		s += ", ExpiresAt:" + c.ExpiresAt.UTC().Format(time.RFC3339)
	}
	if c.RefreshToken != "" {
		s += ", RefreshToken:<redacted>"
	}
	return s + "}"
}

// GoString is String.
func (c OIDCCredential) GoString() string { return c.String() }

// MarshalJSON writes what String shows.
func (c OIDCCredential) MarshalJSON() ([]byte, error) {
	return []byte(`{"AccessToken":"[redacted]"}`), nil
}

// DefaultOIDCAllowedHosts is ALLOWED_HOSTS when Credential.OIDCAllowedHosts
// is nil (auth spec).
var DefaultOIDCAllowedHosts = []string{"*.mongodb.net", "*.mongodb-qa.net", "*.mongodb-dev.net", "*.mongodbgov.net",
	"localhost", "127.0.0.1", "::1"}
