// Package wirehost is the one MongoDB host implementation of torque's test
// servers: listener, connections, OP_MSG/OP_QUERY/OP_COMPRESSED framing,
// hello (awaitable and exhaust), roles, replica sets, fail points,
// wire-level faults and the request record. Package mongotest serves its
// command set through a Backend; package internal/mockserver is this
// package under its historical name, with the scripted defaults (a nil
// Backend: a small Store and canned answers). What follows is written for
// the scripted use; the names are mockserver's.
//
// A mockserver host is a scriptable MongoDB server on loopback, for the
// driver's tests. It speaks the wire protocol through package wire and
// plays a standalone, the members of a replica set (primary, secondary,
// arbiter, hidden, removed), a mongos, or a mongos behind a load balancer;
// a test scripts what it answers and which faults it injects, then reads
// back every request it received. Tests read as a conversation: the client
// sends X, the server answers Y.
//
// # What it plays
//
//   - hello / isMaster, OP_MSG or legacy OP_QUERY (answered with OP_REPLY):
//     setName, hosts, passives, arbiters, primary, me, setVersion,
//     electionId, topologyVersion {processId, counter}, isWritablePrimary
//     (ismaster for the legacy names), secondary, arbiterOnly, hidden,
//     tags, lastWrite, logicalSessionTimeoutMinutes, min/maxWireVersion
//     (default 21, MongoDB 7.0), maxBsonObjectSize, maxMessageSizeBytes,
//     maxWriteBatchSize, connectionId (one per connection), compression
//     (the client's list filtered by Hello.Compressors), serviceId for a
//     LoadBalanced host when the hello says loadBalanced: true.
//   - Awaitable hello: a hello with the host's current topologyVersion and
//     maxAwaitTimeMS is held until Update changes the state, the time
//     passes, or the client hangs up or sends again (a reader watches the
//     connection meanwhile, so OpenConnections drops at once); with
//     exhaustAllowed the host streams moreToCome replies, one
//     per change or maxAwaitTimeMS, each answering the previous reply.
//     A Backend that implements HelloFaults may fail any hello, each
//     reply of a stream included (an error, a closed connection, a delay).
//   - Default commands: ping, buildInfo, endSessions, killCursors,
//     getMore (an exhausted cursor), commitTransaction/abortTransaction
//     (ok), drop/create/createIndexes (ok), saslStart (fails: script it),
//     configureFailPoint (the failCommand fail point), and insert, find,
//     update, delete, count over a small in-memory Store (equality filters
//     on top-level fields, $set or replacement updates). Writes to a host
//     that is not writable fail with NotWritablePrimary (10107, with
//     RetryableWriteError when the write had a txnNumber); primary-only
//     reads there with NotPrimaryNoSecondaryOk (13435). A retryable write
//     (lsid + txnNumber) that succeeded is answered again from memory, not
//     re-applied. Anything else: CommandNotFound (59).
//   - Replica-set members and mongos add $clusterTime and operationTime to
//     every reply.
//   - OP_COMPRESSED both ways (snappy, zlib, zstd, noop): a compressed
//     request is answered with the same compressor.
//   - OP_MSG document sequences: Request.Sequences keeps them by
//     identifier and Request.Documents(id) reads the argument whichever way
//     it came. A request with moreToCome (w: 0) is applied and not answered;
//     sent to a host that is not primary, it closes the connection, as the
//     OP_MSG specification says.
//
// # Scripting
//
//	srv := mockserver.New(t, mockserver.Options{})             // closed by t.Cleanup
//	srv.Handle("find", func(req *mockserver.Request) mockserver.Reply {
//		return mockserver.CursorReply(req.DB+".people", 0, doc1, doc2)
//	})
//	srv.Queue("aggregate", reply1, reply2)                     // the next two, then the handler
//	srv.FailCommand(mockserver.FailPoint{Commands: []string{"insert"}, Times: 1,
//		Code: 91, Labels: []string{"RetryableWriteError"}})
//	srv.FailCommand(mockserver.FailPoint{Commands: []string{"insert"}, Times: 1,
//		Action: mockserver.CloseAfterApply})                      // applied, never answered
//
//	... the client under test talks to srv.URI() ...
//
//	inserts, err := srv.WaitFor(ctx, "insert", 2)              // or srv.CommandsNamed("insert")
//	sent := srv.Log().Commands()                               // everything but hellos, in order
//	open := srv.OpenConnections()                              // sockets the client left open
//	txn, _ := inserts[1].Lookup("txnNumber").AsInt64()
//	docs := srv.Store().Docs("test.people")                    // "exists exactly once"
//
// Reply helpers: OK(fields...), Error(code, codeName, msg, labels...),
// CursorReply(ns, id, firstBatch...), NextBatch(ns, id, batch...),
// WriteErrors(n, WriteError...), WriteConcernError(n, code, codeName, msg,
// labels...), Doc(elems...). A Reply may also carry an Action and a Delay.
//
// Faults (FailPoint.Action or Reply.Action): CloseBeforeRead (fail points
// without Commands: the next message's header arrives, nothing more is
// read), CloseAfterRead (recorded, not applied), CloseAfterApply (applied,
// not answered), Hang (no answer until the client or the server closes),
// WriteRaw, ReplyGarbage, ReplyTruncated, ReplyBadBSON,
// ReplyWrongResponseTo. FailPoint.Delay delays any of them, or a normal
// answer; FailPoint.WriteConcernError applies the write and adds a
// writeConcernError; FailPoint.AppName limits it to one application. A
// fail point without Commands matches every command but hello, so that
// monitors do not use it up.
//
// Replica sets:
//
//	rs := mockserver.NewReplicaSet(t, mockserver.ReplicaSetOptions{Members: 3})
//	client := connect(rs.URI())                 // mongodb://a,b,c/?replicaSet=rs0
//	rs.StepDown()                               // no primary; counters bump, held hellos answer
//	rs.Elect(1)                                 // member 1 primary, electionId of term 2
//	rs.Remove(2)                                // reconfig: setVersion 2, member 2 a ghost
//	rs.Member(0).Stop(ctx); rs.Member(0).Restart() // same port, new processId
//	rs.CommandsNamed("insert")                  // across members, in arrival order
//
// Any host's state can also be changed directly with Server.Update;
// Server.Partition cuts a host off without closing anything (its
// connections hang until the client gives up), Server.Heal ends that.
//
// # Who should use it
//
// FerretDB, the project's real test server, has no replica sets, change
// streams, transactions, array filters or compression, and cannot inject
// faults. Use the mock server for: SDAM and streaming monitors (roles,
// topologyVersion, awaitable and exhaust hello, step-down, elections,
// reconfigs, restarts), the pool (connectionId, handshake, compression
// negotiation, network errors at each point of a round trip, clearing on
// state-change errors, load-balanced serviceId), retryable reads and writes
// ("written exactly once" with CloseAfterApply, error labels, write concern
// errors), transactions (script commitTransaction/abortTransaction and
// their labels), change streams (script aggregate and getMore batches and
// resumable errors), arrayFilters and other options (assert on the
// recorded command), unacknowledged writes (moreToCome), and the client's
// handling of malformed replies. Use FerretDB where real query semantics
// matter.
//
// # Concurrency and lifetimes
//
// Every method of Server, ReplicaSet, Log and Store is safe for concurrent
// use. Each connection has its own goroutine (and, while a hello is
// held, a reader that the end of the wait stops and waits for); handlers
// run on it, without any lock held, so a handler may call the server's
// methods. Recorded Requests own their bytes (they are copied out of the
// read buffer) and are never modified. Close (and Stop) closes the listener and every
// connection, wakes held hellos, hangs and delays, and waits for every
// goroutine the host started; TestCloseLeavesNoGoroutine checks it with
// package internal/leakcheck.
//
// Nothing a client sends can make the server panic: a malformed message
// closes that connection (and is reported through Options.Logf).
//
// # Files
//
//	doc.go                this overview
//	backend.go            Backend (mongotest's command set), HelloFaults (its fail points on hello), Peer (Watch: a hang-up during a long reply)
//	server.go             Server, Options, Start/New, Update, Handle, Queue, FailCommand, Stop/Restart/Close
//	compressors.go        imports compress/snappy and compress/zstd (they register with wire)
//	conn.go               one connection: read, decompress, dispatch, act, write
//	request.go            Request: the recorded, merged view of one message
//	record.go             Log: requests in order, CommandsNamed, WaitFor
//	reply.go              Reply and the reply-document helpers
//	hello.go              Role, Hello (a host's state) and the hello document
//	awaitable.go          awaitable and exhaust hello
//	handlers.go           Handler, dispatch order, the default commands, $clusterTime
//	crud.go               insert/find/update/delete/count over the Store
//	store.go              Store, and the memory of answered retryable writes
//	faults.go             Action, FailPoint, malformed replies
//	failpoint_command.go  the configureFailPoint command
//	replicaset.go         ReplicaSet: consistent members, step down, elect, remove
//	partition.go          Partition and Heal: a host that neither answers nor closes
//
// Its own tests use only packages wire, bson and net: rawclient_test.go is
// a client of a hundred lines that frames, compresses and reads messages;
// fuzz_test.go sends arbitrary bytes and checks that the host keeps
// serving; example_test.go is the retried-write conversation, checked.
package wirehost
