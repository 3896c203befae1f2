// Package connstring parses MongoDB connection strings (mongodb:// and
// mongodb+srv://) into a ConnString: the one configuration struct the
// layers above (srv, topology, pool, client) read.
//
// It follows the Connection String, URI Options and Authentication
// specifications: hosts (names, IPv4, bracketed IPv6 literals, percent-encoded
// Unix socket paths ending in ".sock"), percent-decoding, user information,
// the default database, and every option of the URI options spec with its
// type. Keys are case-insensitive. Following the specs, an unknown key or an
// invalid value of a known key is ignored and reported in
// ConnString.Warnings; conflicting options, malformed syntax and invalid
// credentials are errors.
//
// A ConnString is a plain struct: its zero values mean "use the default", and
// a struct literal is as good as a parsed one (call Validate on it). Options
// whose zero value is a meaningful setting (maxPoolSize=0 means "no limit",
// tls=false turns TLS off) are pointers, nil when unset.
//
// Files:
//   - connstring.go: the ConnString and Host types, Redacted.
//   - redact.go: String, Format, MarshalJSON and LogValue of ConnString
//     and Credential, secrets replaced by "xxxxx".
//   - parse.go: Parse: scheme, user information, hosts, database.
//   - options.go: the option table (static data) and the setters of the
//     options with rules of their own, value parsers.
//   - option_fields.go: the ConnString field of every other option, found
//     by name, and how its type is parsed and shown.
//   - keyvalue.go: "k:v,k:v" values (authMechanismProperties,
//     readPreferenceTags).
//   - validate.go: rules between options (TLS conflicts, directConnection,
//     loadBalanced, srvMaxHosts, proxies).
//   - credential.go: the effective credential and the auth spec's rules.
//   - errors.go: Error, which names the part of the string at fault.
//
// Security: the password (user information), tlsCertificateKeyFilePassword,
// proxyPassword and authMechanismProperties values are never copied into an
// error, a warning, String or Redacted, nor shown by any fmt verb (%#v
// included), encoding/json or log/slog (redact.go). A port is never quoted
// in an error: with the '@' missing ("mongodb://user:PW/db") it would be
// the password. When the string is so malformed that
// the user information cannot be told apart from the rest (an "@" after the
// host list), errors and warnings quote nothing from the string at all and
// name byte offsets instead.
//
// Tests: spec_test.go runs the connection-string and uri-options suites
// and the auth spec's legacy connection-string.json. It skips two AWS
// cases of the latter that contradict later cases of the same file
// (credentials for MONGODB-AWS may no longer come from the string).
//
// Concurrency: Parse is safe for concurrent use. A ConnString is a value the
// caller owns; it is safe to read from many goroutines once nobody writes it.
package connstring
