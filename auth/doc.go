// Package auth authenticates a MongoDB connection: SCRAM-SHA-256 (with
// SASLprep), SCRAM-SHA-1 (with MongoDB's password digest), PLAIN and
// MONGODB-X509, mechanism negotiation, speculative authentication and
// reauthentication, as the MongoDB authentication and handshake
// specifications describe. MONGODB-AWS and MONGODB-OIDC are in packages
// auth/aws and auth/oidc, which register themselves when imported (see
// "Mechanisms in their own packages"). GSSAPI (Kerberos) is refused with
// ErrGSSAPI: it needs cgo or a Kerberos library.
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
//   - sasl.go: Commander, the saslStart/saslContinue loop, reply parsing,
//     SASLStart and SASLContinue for the registered mechanisms.
//   - scram.go: the SCRAM client messages, proof and server signature.
//   - scram_server.go: SCRAMServerKeys, the keys a server stores for a user
//     (for package mongotest's server side of SCRAM).
//   - pbkdf2.go: PBKDF2 (Hi) on crypto/hmac (the module targets Go 1.23).
//   - keycache.go: the bounded cache of derived ClientKey/ServerKey.
//   - plain.go, x509.go: the two single-message mechanisms.
//   - mechanism.go: Mechanism, RegisterMechanism, Attempt: the seam for
//     the mechanisms of auth/aws and auth/oidc.
//   - aws_types.go, oidc_types.go: the types of their Credential fields
//     (AWSCredentials, OIDCCallback, ...), so that code setting them
//     compiles without the packages.
//   - state.go: the per-client mechState, ConnState, Reauthenticate.
//   - aws/, oidc/: MONGODB-AWS and MONGODB-OIDC; cloud/: their HTTP
//     credential sources (see "Mechanisms in their own packages").
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
// # Mechanisms in their own packages
//
// MONGODB-AWS (SigV4, the AWS credential chain) and MONGODB-OIDC (the
// machine and human flows, the token cache) are about 72 KB of a stripped
// binary that a program using SCRAM does not need. They live in packages
// auth/aws and auth/oidc, which call RegisterMechanism from their init
// functions, the way image formats register with package image:
//
//	import _ "github.com/torque-go/torque/auth/aws"  // MONGODB-AWS
//	import _ "github.com/torque-go/torque/auth/oidc" // MONGODB-OIDC
//
// Without the import, Validate and WithDefaults (so client.Connect) refuse
// a credential naming the mechanism with an error that names the import.
// The Credential fields of these mechanisms (AWSCredentialProvider, the
// OIDC callbacks, OIDCAllowedHosts) and the types of their values stay
// here, so code that sets them compiles without the packages. A
// registered mechanism gets a per-client state from WithDefaults (its
// caches), runs its conversation with SASLStart and SASLContinue, and may
// take part in speculative authentication and reauthentication
// (SpeculativeMechanism, ReauthenticatingMechanism).
//
// The credential sources that need HTTP (AWS web identity via STS, ECS,
// EC2 IMDSv2; OIDC azure and gcp) are in package auth/cloud, which
// imports both mechanism packages and registers its sources with them:
// net/http is linked only by a program that imports it. This package
// never imports net/http.
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
//   - AWSCredentials, OIDCCredential and OIDCArgs print and marshal to
//     JSON without their secrets (AWS secret and session token, OIDC
//     access and refresh tokens), and Credential marshals to JSON without
//     its password or properties. ConnState.Token is a secret: do not
//     print a ConnState. Packages auth/aws and auth/oidc say what their
//     conversations check.
//   - PLAIN sends the password as it is: use it only over TLS. TLS itself
//     is the pool's business.
package auth
