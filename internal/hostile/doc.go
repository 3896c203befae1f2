// Package hostile holds the driver's permanent hostile-server tests: a
// client driven against servers that lie, hang, send bytes that are not
// what they claim, and against callers that cancel at every moment and
// disconnect while operations run. It has no code of its own outside its
// tests; run it with
//
//	go test -race ./internal/hostile/
//
// # What every test asserts
//
// Each test builds a client with newRig (rig_test.go), which records the
// pools' and the topology's events and checks goroutines with
// internal/leakcheck when the test ends, and then says, for its attack:
//
//   - the error the caller sees: errors.Is(err, context.Canceled) or
//     context.DeadlineExceeded for the caller's own context (never
//     client.IsNetworkError); a *bson.DecodeError (inside a reply error)
//     for a reply that frames correctly but whose content cannot be read;
//     client.IsNetworkError for a stream out of step (lying frame
//     lengths, a connection cut); client.ErrClientDisconnected for an
//     operation that Disconnect ended;
//   - no pool clear and no server marked Unknown where none is due
//     (rig.noClear): the caller's cancellation, a decode error, a hang cut
//     off by the operation's own deadline; and a clear where one is due (a
//     network error on an established connection: rig.cleared);
//   - no goroutine left (leakcheck) and no socket left open after
//     Disconnect (rig.disconnectLeavesNothing);
//   - no panic (a panic anywhere in the client fails the test binary);
//   - memory bounded where the attack is an allocation (runtime.MemStats,
//     with bounds generous enough for a shared machine and the race
//     detector: far below what the attack claims).
//
// # The servers
//
// rawServer (rawserver_test.go) is this package's own: a net.Listener
// that frames requests with package wire and hands each one, with the
// index of its connection, to the test's respond function, which returns
// the bytes to send (nil: a normal answer) and what to do next (carryOn,
// hang, hangUp). Its hello makes a standalone without topologyVersion, so
// the client runs no streaming monitor: connection 0 is the monitor's,
// every later connection a pool's, and a test can break the pool's
// handshakes while the monitor keeps the server known. Helpers build the
// usual answers: reply, msgBytes, helloDoc, okDoc, cursorDoc, header (a
// bare message header of any length). Use internal/mockserver instead
// where its scripted commands, stores and fail points fit (Disconnect
// racing CRUD operations, say).
//
// # Files
//
//	doc.go            this overview and how to extend the suite
//	rig_test.go       rig: the client, its events, the common assertions
//	rawserver_test.go rawServer and the reply builders
//	lying_test.go     lying frame lengths, lying BSON inside a good frame
//	utf8_test.go      strings that are not UTF-8 in replies
//	compress_test.go  compressed amplification; a hello claiming huge limits
//	handshake_test.go hangs at each step of a pool connection's handshake
//	stall_test.go     connections never established: a TLS handshake never
//	                  answered (tlsFront), a dial that never connects
//	                  (stallingDialer), cut by the caller or connectTimeoutMS
//	cancel_test.go    cancellation before checkout, after checkout, after
//	                  send, while reading; random cancellations
//	disconnect_test.go Disconnect racing every kind of operation
//
// # Extending it
//
// Found a new way for a server or a caller to hurt the client? Add a
// case here, next to its kind (a new file if it is a new kind, listed
// above): make the server with newRawServer (or mockserver), the client
// with newRig, call r.ready() before the attack, attack, then assert the
// caller's error, r.noClear() (or r.cleared() > 0 when a clear is due),
// and end with r.disconnectLeavesNothing. Write the case so that it fails
// on the code before the fix (say in a comment which issue it comes
// from). Keep timing out of the assertions: deadlines bound how long an
// attack may take, never how fast the client must be.
//
// Tests here must not call t.Parallel: leakcheck compares goroutines.
package hostile
