package auth

import (
	"context"
	"strconv"
	"time"
)

// The types of MONGODB-AWS's Credential fields. The mechanism itself is in
// package auth/aws (see Mechanism).

// AWSCredentials are an AWS key pair, with the session token and expiry of
// temporary credentials. Printing them (fmt, encoding/json) shows the
// access key id only.
type AWSCredentials struct {
	AccessKeyID     string
	SecretAccessKey string    // secret
	SessionToken    string    // secret; "" for long-term credentials
	Expiration      time.Time // zero: does not expire (and is not cached)
}

// String shows the access key id and expiry, never the secrets.
func (c AWSCredentials) String() string {
	s := "auth.AWSCredentials{AccessKeyID:" + strconv.Quote(c.AccessKeyID) + ", SecretAccessKey:<redacted>"
	if c.SessionToken != "" {
		s += ", SessionToken:<redacted>"
	}
	if !c.Expiration.IsZero() {
		s += ", Expiration:" + c.Expiration.UTC().Format(time.RFC3339)
	}
	return s + "}"
}

// GoString is String (for %#v).
func (c AWSCredentials) GoString() string { return c.String() }

// MarshalJSON writes what String shows.
func (c AWSCredentials) MarshalJSON() ([]byte, error) {
	b := appendJSONString([]byte(`{"AccessKeyID":`), c.AccessKeyID)
	return append(b, `,"SecretAccessKey":"[redacted]"}`...), nil
}

// AWSCredentialProvider returns AWS credentials for MONGODB-AWS. ctx bounds
// the call (the connection's handshake). Credentials with an Expiration
// are cached until five minutes before it; an authentication failure
// clears the cache.
type AWSCredentialProvider func(ctx context.Context) (AWSCredentials, error)
