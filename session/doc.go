// Package session holds the state of MongoDB sessions, with no I/O of its
// own: the pool of server sessions, the cluster time a client gossips,
// client sessions with their causal consistency, snapshot reads and
// transaction state machine, the rules that say which errors are
// retryable and which labels they get, and the retry loop of the
// convenient transaction API. internal/driver does the I/O and calls in.
//
// One operation with a session, as internal/driver runs it:
//
//	sess.StartOperation(session.OpRead)           // before server selection
//	// select a server (sess.Pinned() in a sharded transaction), check out a conn
//	sess.Acquire(timeout)                         // takes a server session now
//	f, err := sess.Prepare(session.Op{Kind: session.OpRead, ReadConcern: rc,
//		WireVersion: wv}, clock.Get())
//	cmd = f.Append(cmd)                           // lsid, txnNumber, readConcern, $clusterTime...
//	// round trip; classify the error (TransactionLabels, NeedsRetryableWriteLabel)
//	ct, err := session.ParseClusterTime(ctField)  // the reply's $clusterTime, read with its other fields
//	clock.Advance(ct)
//	sess.Finish(session.OpRead, reply, err)       // times, tokens, state, pin, dirty
//	sess.End(timeout)                             // implicit sessions, after the operation
//
// A retryable write calls sess.IncrementTxnNumber() once per operation
// and sets Op.RetryableWrite on every attempt. commitTransaction and
// abortTransaction start with BeginCommit and BeginAbort, which say
// whether a round trip is needed at all.
//
// Commands that must not carry a session (unacknowledged writes, the
// handshake, monitoring) call Prepare on a nil *ClientSession, which gives
// only the read concern and $clusterTime. Ending an explicit session with
// a transaction in progress (NeedsAbort) runs abortTransaction first and
// ignores its errors.
//
// # Files
//
//   - errors.go: Error and its kinds (the spec's messages), label and code
//     constants, ClassifiedError (what the rules need of the driver's
//     error type).
//   - concern.go: ReadConcern and WriteConcern.
//   - cluster_time.go: ClusterTime ($clusterTime documents, ordered by
//     timestamp) and Clock, the client's highest cluster time.
//   - server_session_pool.go: ServerSession and Pool (LIFO reuse, expiry a
//     minute before logicalSessionTimeoutMinutes, dirty sessions dropped,
//     endSessions batches on Disconnect).
//   - client_session.go: ClientSession, Options, operation and cluster
//     times, Update (what a reply tells), StartOperation and Finish.
//   - transaction.go: the transaction state machine (StartTransaction,
//     BeginCommit, BeginAbort), TransactionOptions, mongos pinning.
//   - command_fields.go: Op, Prepare and Fields.Append, the fields a
//     command carries for its session.
//   - retryable.go: which errors are retryable (reads, writes), which
//     servers support retryable writes, the labels the driver adds.
//     The retry decision and loop are internal/driver's (retry.go).
//   - with_transaction.go: WithTransaction, the convenient API's retry
//     loop over injected commit and abort functions.
//
// # Concurrency
//
// Pool and Clock are safe for concurrent use. ClusterTime is an immutable
// value. A ClientSession is not safe for concurrent use, by design (as in
// the sessions specification): one operation at a time uses a session, so
// its state needs no lock. A ServerSession belongs to one ClientSession
// between Pool.Get and Pool.Put.
//
// # Buffers
//
// Update, ParseClusterTime and ClusterTimeFromReply copy what they keep
// (cluster times, recovery tokens), so a reply's buffer may be reused as
// soon as they return. The bson.Raw values that Fields holds (lsid,
// $clusterTime, recoveryToken) belong to the session and the clock and
// must not be modified; Append copies them into the command.
package session
