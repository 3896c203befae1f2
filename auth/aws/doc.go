// Package aws is the MONGODB-AWS authentication mechanism (auth spec,
// "MONGODB-AWS"). It registers itself with package auth when imported,
// the way image formats register with package image:
//
//	import _ "github.com/torque-go/torque/auth/aws"
//
// Without this import, a credential with authMechanism=MONGODB-AWS is
// refused by client.Connect with an error that names it; a program that
// authenticates otherwise links none of this code (SigV4, the credential
// chain: part of about 72 KB with auth/oidc). The credential is set as
// usual (a URI's authMechanism, or client.Options.Auth with
// auth.Credential's AWSCredentialProvider, whose type is in package
// auth). Package auth/cloud imports this package and adds the sources
// that need HTTP.
//
// # Credentials
//
// In order: a key pair set in code (Username = access key id, Password =
// secret, Props AWS_SESSION_TOKEN), Credential.AWSCredentialProvider,
// the client's cached temporary credentials (used until 5 minutes before
// their Expiration), AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
// AWS_SESSION_TOKEN (read at every authentication, never cached), then
// the provider registered with RegisterProvider (package auth/cloud's web
// identity, ECS and EC2 chain). Any authentication failure clears the
// cache. The connection string cannot carry AWS keys (nor
// AWS_SESSION_TOKEN): the auth spec's newer connection-string cases say
// so, and connstring refuses them.
//
// # Files
//
//   - mechanism.go: the init that registers the mechanism with auth.
//   - conversation.go: the conversation: nonces, STS host and region, the
//     signed GetCallerIdentity request; the cache cleared on failure.
//   - sigv4.go: AWS Signature Version 4 (canonical request, string to
//     sign, key derivation); testdata/sigv4-test-suite.txt holds the AWS
//     test-suite vectors it is checked against.
//   - credentials.go: the chain (code, provider, cache, environment, the
//     registered HTTP provider), RegisterProvider, the cache refreshed 5
//     minutes before expiry, the credential rules.
//
// # Concurrency
//
// Conversations of many connections run at once; the per-client cache is
// safe for concurrent use and holds no lock while fetching. Register
// providers from init functions.
//
// # Security
//
// AWS secrets and session tokens are never in errors; auth.AWSCredentials
// prints and marshals to JSON without them. The conversation checks that
// the server nonce extends the client's 32-byte crypto/rand nonce and
// that the STS host is a valid name before signing.
package aws
