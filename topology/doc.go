// Package topology is the driver's model of the deployment: server and
// topology descriptions, the Server Discovery and Monitoring (SDAM) rules
// that update them, server selection, and the running Topology that keeps
// them fresh.
//
// It has two halves. The pure half (descriptions, Apply, ApplyAppError,
// Select, ...) has no goroutines, no I/O and reads no clock; the spec
// runners call it directly. The running half builds on it: a Topology
// (Open) owns the current description, one Server per known server (its
// pool.Pool and its monitor), and every goroutine; monitors run hello on
// connections of their own and feed the outcomes to the pure functions.
//
// The flow of one check:
//
//	h, err := ParseHello(reply)                             // bytes -> Hello
//	sd := NewServerDescription(addr, &h, avgRTT, minRTT, now) // Hello -> ServerDescription
//	next := Apply(td, sd)                                   // SDAM rules
//	events := Diff(id, td, next, addr)                      // what to publish
//
// An application error goes through ApplyAppError instead, which returns the
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
//   - readpref.go: read preference modes, tag sets and validation.
//   - selection.go: Suitable, LatencyWindow, Pick and Select.
//   - staleness.go: the max-staleness estimate and filter.
//   - rtt.go: RTTAverage (moving average) and RTTWindow (min, 90th percentile).
//   - events.go: SDAM events, Listener, Diff, Demoted and the CheckSink seam.
//   - seedlist.go: ApplySeedList and PollsSRV, an SRV rescan's host list.
//
// The running half:
//
//	topo, err := topology.Open(opts)               // opts from FromConnString / FromSRV, or a literal
//	defer topo.Close(ctx)
//	s, err := topo.SelectServer(ctx, topology.Criteria{Write: true})
//	defer s.Release()
//	c, err := s.Checkout(ctx)                      // a *pool.Conn
//	... round trip on c; on error: s.HandleError(topology.ToAppError(c, err)) ...
//	s.CheckIn(c)
//
// internal/driver codes against the Deployment and SelectedServer
// interfaces (deployment.go), which *Topology and *Server implement. An
// operation's error goes back through SelectedServer.HandleError as an
// AppError: ToAppError(conn, err) fills in what the connection knows and
// classifies a *pool.ConnError (network error or timeout, during or after
// the handshake); for a server's error reply set Kind CommandError and
// Code, Message and TopologyVersion (from the reply or its
// writeConcernError), and Overloaded for the SystemOverloadedError label.
// Checkout handles errors of the handshake itself.
//
// Files of the running half:
//   - options.go: Options, MonitoringMode, FromConnString, FromSRV.
//   - options_pool.go: PoolConfig, the pool settings of a connection string.
//   - faas.go: DetectFaaS (serverMonitoringMode=auto polls on FaaS).
//   - topology.go: Topology: Open, Update (check outcomes), Close; the
//     snapshot readers use and the servers' lifecycle.
//   - server.go: Server: pool, monitor, RTT, in-flight count; Checkout,
//     CheckIn, Release (HandleError is in app_error.go).
//   - app_error.go: the whole application-error path: AppError, ToAppError
//     (an operation's error as an AppError), Server.HandleError (applied
//     under the lock), ApplyAppError (the pure rule) and the state-change
//     error codes.
//   - select_server.go: SelectServer (the selection loop) and
//     SelectionError.
//   - deployment.go: the Deployment and SelectedServer interfaces.
//   - monitor.go: the monitor goroutine: check, wait, immediate checks,
//     cancellation.
//   - monitor_check.go: one check: handshake, polling hello, streaming
//     (awaitable hello with exhaustAllowed, moreToCome replies).
//   - hello_command.go: the monitors' hello commands.
//   - rtt_monitor.go: the RTT monitor of a streaming server, and the RTT
//     statistics a monitor shares with it.
//   - srv_polling.go: the SRV poller's wiring.
//
// Goroutines: Open starts one monitor goroutine per server (not behind a
// load balancer); a monitor starts one RTT goroutine once its server
// streams (MongoDB 4.4+, unless MonitorPoll or FaaS); each pool has its
// own background goroutine; a mongodb+srv topology has the SRV poller. A
// server that leaves the topology has its monitor stopped and its pool
// closed on a goroutine of the topology (connections still checked out of
// it close when they come back). Close stops all of them and waits,
// bounded by its context, and shuts down the pools of servers that left
// earlier too, so that no socket stays open; the tests check that none
// is left.
//
// Monitors follow the Server Monitoring spec: dedicated connections that
// do the handshake but never authenticate; the streaming protocol with
// maxAwaitTimeMS = heartbeatFrequencyMS and a socket timeout of
// connectTimeoutMS + heartbeatFrequencyMS; polling every
// heartbeatFrequencyMS otherwise; requested checks no sooner than
// MinHeartbeatFrequency after the last; an immediate retry after a network
// error on a known server; on a failed check the pool is cleared (with
// interruptInUseConnections after a timeout). Pools are made ready under
// the topology's lock, before readers see the description that makes the
// server selectable; they are cleared under it too, right after the
// Unknown description is installed (a checkout woken by the clear then
// reselects from the new description, never from the old one).
//
// Concurrency: ServerDescription and TopologyDescription are values that
// no function here modifies after building them; share them freely, and
// do not modify their slices and maps yourself. RTTAverage and RTTWindow
// belong to one monitor and are not safe for concurrent use. Topology and
// Server are safe for concurrent use: changes are serialized by one lock
// that is never held for I/O, and readers (SelectServer, Description)
// take no lock at all. The Listener is called in order, outside that
// lock; it must not call back into the Topology's HandleError or Close
// (Description and SelectServer are fine). The pool's event monitor
// (pool.Config.Monitor) may be called under the lock when the topology
// readies or clears a pool: it must not call the Topology either.
//
// Tests: sdam_spec_test.go runs every file of the SDAM suite
// (server-discovery-and-monitoring/tests) on Apply and ApplyAppError,
// skipping only unified/*, which needs a live deployment and the unified
// runner. selection_spec_test.go runs server-selection/tests (Suitable,
// LatencyWindow, Select; rtt/ on RTTAverage; in_window/ with seeded
// randomness), skipping logging/* (unified format, live deployment); it
// also runs max-staleness/tests whenever that directory exists: the
// shared corpus does not carry it, so its absence is a skip, even in CI.
// The running half is tested against internal/mockserver, and against
// FerretDB when testenv finds one.
//
// Buffers: ParseHello copies what it keeps, so the reply buffer may be
// reused as soon as it returns. ServerHeartbeatSucceeded.Reply is valid
// only during the listener call.
package topology
