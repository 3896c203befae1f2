// Package srv turns a mongodb+srv connection string into a seed list, as
// the Initial DNS Seedlist Discovery specification says, and keeps that list
// fresh for sharded clusters with a Poller (Polling SRV Records for mongos
// Discovery).
//
// All DNS goes through the Resolver interface, which *net.Resolver
// satisfies; tests pass an in-memory fake. Every look-up takes a context.
// Config carries the Resolver and, optionally, VerifyHost, which replaces
// the default domain check (the spec's srvHostValidator).
//
// Files:
//   - resolver.go: Resolver, TTLResolver, the default.
//   - resolve.go: Config, Resolve: SRV look-up, TXT options, srvMaxHosts,
//     checks.
//   - verify.go: the rule that returned hosts share the SRV name's domain.
//   - txt.go: parsing the TXT record's options.
//   - poller.go: Poller, the goroutine that rescans SRV records.
//   - errors.go: Error.
//
// Tests: spec_test.go runs every initial-dns-seedlist-discovery file
// against an in-memory resolver loaded with the spec's test zone; it
// skips nothing.
//
// Concurrency: Resolve is safe for concurrent use. A Poller owns one
// goroutine, started by NewPoller and ended by Stop; its callbacks run on
// that goroutine, one at a time.
//
// Security: the returned host names must lie under the SRV name's domain, so
// a spoofed or misconfigured DNS answer cannot send credentials (TLS is on by
// default for mongodb+srv) to a host elsewhere; TXT records may set only
// authSource, replicaSet and loadBalanced, never TLS settings.
package srv
