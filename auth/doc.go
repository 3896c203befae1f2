// Package auth authenticates a MongoDB connection: SCRAM-SHA-256 (with
// SASLprep), SCRAM-SHA-1 (with MongoDB's password digest), PLAIN,
// MONGODB-X509, MONGODB-AWS and MONGODB-OIDC, mechanism negotiation,
// speculative authentication and reauthentication, as the MongoDB
// authentication and handshake specifications describe. GSSAPI (Kerberos)
// is refused with ErrGSSAPI: it needs cgo or a Kerberos library.
//
// It sits above bson (and wire) and below pool: it never touches a socket.
// Each conversation runs over a Commander, the one-method interface the
// pool implements on its connection:
//
//	type Commander interface {
//		Command(ctx context.Context, db string, cmd []byte) (bson.Raw, error)
//	}
//
// cmd is a complete command document including "$db" (db repeats it).
//
// # Use from the pool
//
//	cred, err := auth.Credential{...}.WithDefaults(uriDatabase) // once per client: it holds the client's caches
//	st := &auth.ConnState{Host: addr}                           // per connection
//	spec, err := auth.Speculate(cred, st)                       // per connection; nil: nothing to embed
//	// hello: add saslSupportedMechs: auth.SASLSupportedMechs(cred) when not "",
//	//        and speculativeAuthenticate: spec.Document() when spec != nil
//	err = spec.Finish(ctx, conn, helloReply, st)         // when spec != nil
//	err = auth.Authenticate(ctx, conn, cred, helloReply, st) // otherwise
//	err = auth.Reauthenticate(ctx, conn, cred, st)       // after the server's error 391
//
// Finish continues the conversation the server answered in the hello's
// speculativeAuthenticate, or runs a full one when it did not (negotiating
// SCRAM-SHA-256 or SCRAM-SHA-1 from saslSupportedMechs). Every error of
// Authenticate, Finish, Speculate and WithDefaults is an *AuthError naming
// mechanism, source and user; errors from the Commander are wrapped in it,
// so errors.As finds the pool's own error types underneath.
//
// # Files
//
//   - credential.go: Credential, mechanism names, validation, authSource
//     defaults, redacted printing.
//   - authenticate.go: Authenticate, the dispatch by mechanism.
//   - negotiate.go: SASLSupportedMechs, ChooseMechanism.
//   - speculative.go: Speculate, Speculative.Document, Speculative.Finish.
//   - sasl.go: Commander, the saslStart/saslContinue loop, reply parsing.
//   - scram.go: the SCRAM client messages, proof and server signature.
//   - scram_server.go: SCRAMServerKeys, the keys a server stores for a user
//     (for package mongotest's server side of SCRAM).
//   - pbkdf2.go: PBKDF2 (Hi) on crypto/hmac (the module targets Go 1.23).
//   - keycache.go: the bounded cache of derived ClientKey/ServerKey.
//   - plain.go, x509.go: the two single-message mechanisms.
//   - aws.go: MONGODB-AWS: nonces, STS host and region, the signed
//     GetCallerIdentity request; the cache cleared on failure.
//   - aws_sigv4.go: AWS Signature Version 4 (canonical request, string to
//     sign, key derivation); testdata/sigv4-test-suite.txt holds the AWS
//     test-suite vectors it is checked against.
//   - aws_credentials.go: AWSCredentials, AWSCredentialProvider, the chain
//     (code, provider, cache, environment, registered HTTP sources) and
//     the cache refreshed 5 minutes before expiry.
//   - oidc.go: MONGODB-OIDC one-step and two-step conversations, the
//     machine and human flows.
//   - oidc_cache.go: the per-client token cache (one callback at a time),
//     invalidation, callback calls and their time limits.
//   - oidc_types.go: OIDCCallback, OIDCArgs, IDPInfo, OIDCCredential,
//     ALLOWED_HOSTS matching.
//   - oidc_env.go: the built-in environments (test, k8s token files; azure
//     and gcp registered by auth/cloud), OIDC credential validation.
//   - state.go: the per-client mechState, ConnState, Reauthenticate.
//   - cloud/: the HTTP credential sources (see "HTTP and binary size").
//   - saslprep.go: SASLprep (RFC 4013): mapping, NFKC, prohibited
//     characters, bidi rules, unassigned code points.
//   - nfkc.go: NFKC normalisation on the tables below.
//   - saslprep_tables.go, nfkc_tables.go, nfkd_tables.go: generated
//     Unicode 3.2 tables (do not edit): the stringprep tables, the NFKC
//     combining classes and composites, the decompositions; the big ones
//     packed as varint deltas in strings, 35 KB less binary.
//   - saslprep_packed.go: unpacks them on first use (a non-ASCII string).
//   - internal/gen/saslprep_tables.py: the generator (go generate).
//   - errors.go: AuthError, and CommandError (a reply with ok:0 that the
//     Commander handed back without an error of its own).
//
// # HTTP and binary size
//
// This package never imports net/http. The credential sources that need
// HTTP (AWS web identity via STS, ECS, EC2 IMDSv2; OIDC azure and gcp)
// live in package auth/cloud, which registers them from its init function
// (RegisterAWSProvider, RegisterOIDCEnvironment): a program that needs
// them adds `import _ "github.com/torque-go/torque/auth/cloud"`, and the
// others stay megabytes smaller. Without it, those sources fail with an
// error naming the import; AWS keys from the environment or from code,
// and the OIDC test and k8s environments and callbacks, work without it.
//
// # MONGODB-AWS credentials
//
// In order: a key pair set in code (Username = access key id, Password =
// secret, Props AWS_SESSION_TOKEN), Credential.AWSCredentialProvider,
// the client's cached temporary credentials (used until 5 minutes before
// their Expiration), AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
// AWS_SESSION_TOKEN (read at every authentication, never cached), then
// the registered HTTP chain. Any authentication failure clears the cache.
// The connection string cannot carry AWS keys (nor AWS_SESSION_TOKEN):
// the auth spec's newer connection-string cases say so, and connstring
// refuses them.
//
// # MONGODB-OIDC
//
// Machine flow: ENVIRONMENT (test, azure, gcp, k8s) or OIDCMachineCallback,
// one-step conversations. Human flow: OIDCHumanCallback, two-step when no
// token is cached, refresh tokens, ALLOWED_HOSTS (OIDCAllowedHosts,
// DefaultOIDCAllowedHosts) checked against ConnState.Host before any
// callback. The client keeps one access token; a refused cached token is
// invalidated (only if still the cached one), and a new one fetched after
// 100 ms. Speculative authentication sends the cached token, if any.
//
// # SASLprep and NFKC
//
// The standard library has no Unicode normaliser and torque takes no
// golang.org/x/text, so NFKC is implemented here: full decomposition
// (compatibility mappings from a table, Hangul by arithmetic), canonical
// reordering, and canonical composition with the primary composites. The
// tables are those of Unicode 3.2, to which RFC 3454 is pinned; they are
// generated from Python's unicodedata.ucd_3_2_0 and stringprep modules
// (python3's standard library holds exactly that database) and committed,
// so building needs neither Python nor a network. testdata/nfkc.txt,
// written by the same generator, holds Python's NFKC of every code point
// that NFKC changes plus reordering/composition sequences, and the tests
// check nfkc against all of it. Nothing of NFKC is left out. SASLprep
// treats strings as "stored strings": unassigned code points are refused.
// U+200B is in both C.1.2 and B.1; it is mapped to a space (C.1.2 first).
//
// # Concurrency and buffers
//
// Credential is a value; Authenticate may run on many connections at once.
// The SCRAM key cache is shared by all conversations of the process and is
// safe for concurrent use. A Speculative belongs to one connection and one
// goroutine. This package reads a reply only until its next Command call
// and keeps no reference to the commands it sent: the pool may reuse both
// buffers. Speculative.Document's bytes belong to the Speculative.
//
// # Security
//
//   - The password never appears in an error, in String/GoString/Format of
//     a Credential (all fmt verbs print "<redacted>"), or in the cache keys
//     (only a SHA-256 digest of the prepared password is kept there). A
//     Credential stored in an unexported field of another struct is out of
//     fmt's reach: do not print such structs with %v.
//   - Errors describe what was wrong with a server payload, never its
//     contents; an e= server error is echoed only if it is an RFC 5802
//     token (lowercase letters and '-').
//   - SCRAM is mutual: the conversation fails unless the server proves it
//     knows the password (v=), also when the server claims done early.
//     Iteration counts below 4096 are refused; a huge count is bounded by
//     ctx, which PBKDF2 checks every 4096 rounds.
//   - The client nonce is 24 bytes from crypto/rand. Channel binding is
//     never advertised ("n,,"), as MongoDB requires.
//   - AWS secrets, session tokens, OIDC access and refresh tokens are never
//     in errors; AWSCredentials, OIDCCredential and OIDCArgs print and
//     marshal to JSON without them, and Credential marshals to JSON
//     without its password or properties. MONGODB-AWS checks that the
//     server nonce extends the client's 32-byte crypto/rand nonce and
//     that the STS host is a valid name before signing.
//   - The human OIDC callback is never called for a host outside
//     ALLOWED_HOSTS.
//   - PLAIN sends the password as it is: use it only over TLS. TLS itself
//     is the pool's business.
package auth
