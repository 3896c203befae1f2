// Package auth authenticates a MongoDB connection: SCRAM-SHA-256 (with
// SASLprep), SCRAM-SHA-1 (with MongoDB's password digest), PLAIN and
// MONGODB-X509, mechanism negotiation and speculative authentication, as
// the MongoDB authentication and handshake specifications describe.
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
//	cred, err := auth.Credential{...}.WithDefaults(uriDatabase) // once, at client set-up
//	spec, err := auth.Speculate(cred)                           // per connection; nil for PLAIN
//	// hello: add saslSupportedMechs: auth.SASLSupportedMechs(cred) when not "",
//	//        and speculativeAuthenticate: spec.Document() when spec != nil
//	err = spec.Finish(ctx, conn, helloReply) // when spec != nil
//	err = auth.Authenticate(ctx, conn, cred, helloReply) // otherwise
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
//   - pbkdf2.go: PBKDF2 (Hi) on crypto/hmac (the module targets Go 1.23).
//   - keycache.go: the bounded cache of derived ClientKey/ServerKey.
//   - plain.go, x509.go: the two single-message mechanisms.
//   - saslprep.go: SASLprep (RFC 4013): mapping, NFKC, prohibited
//     characters, bidi rules, unassigned code points.
//   - nfkc.go: NFKC normalisation on the tables below.
//   - saslprep_tables.go: generated Unicode 3.2 tables (do not edit).
//   - internal/gen/saslprep_tables.py: the generator (go generate).
//   - errors.go: AuthError, and CommandError (a reply with ok:0 that the
//     Commander handed back without an error of its own).
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
//   - PLAIN sends the password as it is: use it only over TLS. TLS itself
//     is the pool's business.
package auth
