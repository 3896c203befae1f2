// Package topology is the driver's model of the deployment: server and
// topology descriptions, the Server Discovery and Monitoring (SDAM) rules
// that update them, and server selection. Everything here is pure: no
// goroutines, no I/O, no clocks read. Monitors (which run hello over their
// own connections) and the topology owner (which holds the current
// description under a lock, publishes events and wakes waiting
// selections) build on these functions; the spec runners call them
// directly.
//
// The flow of one check:
//
//	h, err := ParseHello(reply)                             // bytes -> Hello
//	sd := NewServerDescription(addr, &h, avgRTT, minRTT, now) // Hello -> ServerDescription
//	next := Apply(td, sd)                                   // SDAM rules
//	events := Diff(id, td, next, addr)                      // what to publish
//
// An application error goes through HandleError instead, which returns the
// new description and the actions due (mark Unknown, clear the pool,
// request or cancel a check). Select picks a server for an operation.
//
// Files:
//   - kind.go: ServerType and TopologyType.
//   - address.go: Address, the normalized "host:port".
//   - hello.go: Hello, the fields of a hello reply; hello_parse.go: ParseHello.
//   - topology_version.go: TopologyVersion and its ordering.
//   - server_description.go: ServerDescription, built from a Hello; Equal.
//   - topology_description.go: TopologyDescription, Config and New.
//   - compat.go: wire-version compatibility and the session timeout.
//   - fsm.go: Apply, the SDAM update rules (updateRSFromPrimary and friends).
//   - errors_sdam.go: HandleError and the state-change error codes.
//   - readpref.go: read preference modes, tag sets and validation.
//   - selection.go: Suitable, LatencyWindow, Pick and Select.
//   - staleness.go: the max-staleness estimate and filter.
//   - rtt.go: RTTAverage (moving average) and RTTWindow (min, 90th percentile).
//   - events.go: SDAM events, Listener, Diff, Demoted and the CheckSink seam.
//
// Concurrency: ServerDescription and TopologyDescription are values that
// no function here modifies after building them; share them freely, and
// do not modify their slices and maps yourself. RTTAverage and RTTWindow
// belong to one monitor and are not safe for concurrent use.
//
// Buffers: ParseHello copies what it keeps, so the reply buffer may be
// reused as soon as it returns. ServerHeartbeatSucceeded.Reply is valid
// only during the listener call.
package topology
