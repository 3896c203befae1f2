// Package oidc is the MONGODB-OIDC authentication mechanism (auth spec,
// "MONGODB-OIDC"). It registers itself with package auth when imported,
// the way image formats register with package image:
//
//	import _ "github.com/torque-go/torque/auth/oidc"
//
// Without this import, a credential with authMechanism=MONGODB-OIDC is
// refused by client.Connect with an error that names it; a program that
// authenticates otherwise links none of this code. The callbacks are
// set in auth.Credential (OIDCMachineCallback, OIDCHumanCallback,
// OIDCAllowedHosts), whose types are in package auth, so such code
// compiles without the import. Package auth/cloud imports this package
// and registers the azure and gcp environments.
//
// # Flows
//
// Machine flow: ENVIRONMENT (test, azure, gcp, k8s) or OIDCMachineCallback,
// one-step conversations. Human flow: OIDCHumanCallback, two-step when no
// token is cached, refresh tokens, ALLOWED_HOSTS (OIDCAllowedHosts,
// auth.DefaultOIDCAllowedHosts) checked against the connection's host
// before any callback. The client keeps one access token (the spec's
// Client Cache); the token a connection sent is its auth.ConnState.Token
// (the Connection Cache). A refused cached token is invalidated (only if
// still the cached one), and a new one fetched after 100 ms. Speculative
// authentication sends the cached token, if any; reauthentication (the
// server's 391) invalidates the connection's token first.
//
// # Files
//
//   - mechanism.go: the init that registers the mechanism with auth;
//     speculative authentication and reauthentication.
//   - conversation.go: the one-step and two-step conversations, the
//     machine and human flows, IdpInfo parsing.
//   - cache.go: the per-client token cache (one callback at a time),
//     invalidation, callback calls and their time limits.
//   - environment.go: the built-in environments (test and k8s token
//     files; azure and gcp registered by auth/cloud), RegisterEnvironment,
//     the credential rules.
//   - allowed_hosts.go: ALLOWED_HOSTS matching.
//
// # Concurrency
//
// Conversations of many connections run at once; one callback call runs
// at a time per client, and a connection waiting for it gives up when
// its context ends. Register environments from init functions.
//
// # Security
//
// Access and refresh tokens are never in errors; auth.OIDCCredential and
// auth.OIDCArgs print and marshal to JSON without them. The human
// callback is never called, and a cached token never sent speculatively,
// for a host outside ALLOWED_HOSTS.
package oidc
