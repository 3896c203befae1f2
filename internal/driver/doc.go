// Package driver is the operation executor: the one place where every
// command of the client runs. An operation (Operation) is a small value
// — a command builder, a reply handler, a kind (read, write, command,
// getMore) and whether the retry rules allow one retry — and Executor
// runs it through a chain of short stages:
//
//	Execute          client-wide timeout when ctx has none; explicit session start
//	run              select -> attempt -> retry rules -> handler, at most
//	                 twice (more under timeoutMS or after overload errors)
//	selectServer     Deployment.SelectServer (read preference or writable),
//	                 avoiding the server a failed first attempt used; in a
//	                 sharded transaction only the mongos the session is
//	                 pinned to (Criteria.Only), which pin sets after the
//	                 transaction's first selection
//	attempt          check a connection out (or use Operation.Conn, a
//	                 load-balanced cursor's); on the first, prepare:
//	prepare          implicit session (when the server has sessions and the
//	                 write is acknowledged), server session, then the retry
//	                 decision and txnNumber (decideRetry, retry.go)
//	roundTrip        encode -> Conn.RoundTrip -> validate -> classify
//	validate         the reply's structure, before anything reads it
//	                 (validateReply, reply.go); for a cursor command
//	                 (Operation.LazyBatch) its batch's documents framed
//	                 only, their insides left to where they are read
//	                 (cursor_reply.go)
//	encode           OP_MSG into a pooled buffer with the bson append API: the
//	                 command's own fields (Built, else Command), $db, session fields (lsid, txnNumber,
//	                 readConcern, $clusterTime: session.Prepare), writeConcern,
//	                 $readPreference where the topology needs it, maxTimeMS,
//	                 then the batch as a kind-1 document sequence, each
//	                 document copied from Batch.Docs or encoded in place by
//	                 Batch.Append, once each: when the first message cannot
//	                 hold them all, the rest are encoded aside before it is
//	                 sent (so a bad document fails the write with nothing
//	                 sent) and copied into the later messages
//	classify         {ok: 0} -> *Error; writeErrors/writeConcernError ->
//	                 *WriteException; transport failures -> *NetworkError;
//	                 SDAM hears of every one (Server.ReportError); cluster and
//	                 operation times are recorded (session.Clock, Finish).
//	                 Two failures are the operation's alone, never network
//	                 errors, never SDAM input, never retried: the operation's
//	                 own context ending (cancelled or past its deadline: the
//	                 context's error comes back, the connection goes back to
//	                 its pool, which closes it if the stream was cut), and a
//	                 reply that arrived whole but cannot be read (*ReplyError
//	                 wrapping the *bson.DecodeError; the connection is fine)
//	runBatches       sends Batch as many commands as the limits require, one
//	                 txnNumber and one retry per batch, write errors merged
//	                 with indexes counted from the operation's first document;
//	                 where each batch ends (maxWriteBatchSize,
//	                 maxMessageSizeBytes) is decided while encoding, by
//	                 appendBatch in encode.go; a Batch with Split and
//	                 Sequences (bulkWrite's ops and nsInfo) fixes each
//	                 batch and its retryability itself, within the
//	                 Limits, before the command is built (split, at
//	                 prepare), and Continue can end an ordered write
//	                 whose errors only the handler sees
//
// Retries follow the retryable-writes and retryable-reads specifications
// (retry.go opens with a table: each rule of the specifications and the
// function that applies it):
// one retry, on a newly selected server (the failed one deprioritized), with
// the same txnNumber; a write is retried only on a server that supports
// retryable writes (sessions, not a standalone); network errors of writes get
// the RetryableWriteError label; when the retry fails with
// NoWritesPerformed the first error is returned. An attempt that got no
// connection sent nothing and is retried when the operation could have
// been (commitTransaction and abortTransaction included); a retried commit
// or abort unpins its session first, as the transactions specification
// says. A failed server is deprioritized behind mongos; a replica set's is
// not, but for an overload error with OverloadRetargeting.
//
// The client backpressure specification adds overload retries
// (overload.go): any command whose error carries the SystemOverloadedError
// and RetryableError labels is retried — in a transaction too — after a
// jittered exponential backoff, and once an attempt met an overload error
// MaxAdaptiveRetries bounds the operation's retries, under timeoutMS too.
//
// # Seams
//
// Deployment, Server and Conn (deployment.go) are the narrow interfaces to
// the topology and the connection pools; the tests run the executor against
// in-memory fakes of them (fake_test.go). Sessions, the cluster clock and the
// retry/label rules come from package session.
//
// # Timeouts
//
// Every stage honours ctx. Under a client-side operation timeout
// (Operation.CSOT and Deadline, resolved by package client from timeoutMS;
// csot.go) the deadline bounds the whole operation, maxTimeMS = the time
// left less the server's minimum RTT (an operation with under a
// millisecond left fails before sending), wTimeoutMS is dropped, and
// retryable failures are retried until the deadline rather than once. When a deadline or cancellation interrupts a
// round trip after the request went out, the reply is still due on that
// connection: the executor closes the connection rather than draining it,
// so no goroutine outlives the operation and no later operation can read a
// stale reply. A timeout before anything was written leaves the connection
// healthy and returns it to its pool.
//
// # Command monitoring and logging
//
// Monitor receives CommandStarted, CommandSucceeded and CommandFailed with
// the request id, the connection's ids, the server address and the duration;
// the started command shows its document sequences as arrays. Commands and
// replies of authenticate, saslStart, saslContinue, getnonce, createUser,
// updateUser, copydb* (names matched in any case, as the server does), and
// of a hello carrying speculativeAuthenticate, are
// empty documents, and their failures carry the code only. Logger (slog, at
// Debug) gets the same as messages with Extended JSON cut to
// MaxDocumentLength. Both are off when nil.
//
// # Files
//
//	doc.go         this overview
//	deployment.go  Deployment, Server, Conn: the seams
//	operation.go   Operation, Kind, Batch, Reply
//	executor.go    Executor, Execute, run (the attempt loop), selection, attempt
//	retry.go       the retry rules, a table of them: prepare, decideRetry,
//	               retryable, labelRetryableWrite
//	handshake_retry.go a connection whose handshake the server refused
//	               with a retryable code (ShutdownInProgress on saslContinue)
//	encode.go      the OP_MSG and its fields, maxTimeMS, and the split of
//	               batches (appendBatch, encodeRest)
//	csot.go        timeoutMS: retries until the deadline, the timeout errors
//	overload.go    client backpressure: overload retries of any command,
//	               maxAdaptiveRetries, backoff with jitter, retargeting
//	tokens.go      TokenBucket: the retry token bucket (adaptive retries)
//	server_api.go  appendServerAPI: the Stable API fields
//	roundtrip.go   the round trip, classification, SDAM feedback, times
//	reauth.go      ReauthenticationRequired (391): reauthenticate the
//	               connection (Reauthenticator) and rerun the attempt once
//	batch.go       runBatches: one command per batch, write errors merged
//	reply.go       reading replies: ok, errors, write errors, $clusterTime
//	cursor_reply.go a cursor reply checked on arrival: the batch framed,
//	               the rest whole (Operation.LazyBatch)
//	errors.go      ReplyError, label helpers, ReplyAppError (a reply's
//	               error as SDAM sees it)
//	public_types.go the error types (package mongoerr), the command events
//	               (package event) and ServerSelectionError
//	               (topology.SelectionError) under the driver's names
//	concern.go     writeConcern and $readPreference encoding and rules
//	monitor.go     command events, redaction, slog
//	selection_log.go the serverSelection log messages, their
//	               topologyDescription (TopologyDescriber)
//	server_api.go  the Stable API fields of every command
//	transaction.go mongos pinning, the connection a load-balanced
//	               transaction holds (pinnedConn), transaction error labels;
//	               Classified for session's rules
//	commit_labels.go a commit the caller's context cut short: labelled
//	               UnknownTransactionCommitResult, still the caller's error
//
// # Concurrency and lifetimes
//
// An Executor is configured once and then safe for concurrent use. A Reply
// and its Doc live in a pooled buffer until the handler returns; a handler
// that keeps the batch (a cursor) calls Reply.Keep and later returns the
// buffer with wire.PutBuffer. Behind a load balancer, an operation with
// PinConn lets its handler keep the connection (Reply.KeepConn) for the
// cursor's getMore and killCursors (Operation.Conn); the executor never
// releases such a connection, but closes it on a network error. A
// transaction behind a load balancer holds the connection of its first
// command in its session (session.Pin.Conn) until the session unpins;
// its cursors share it without owning it. Batch documents are read, never modified or
// kept (but for a copy of the one carried to the next batch, during
// Execute). A message buffer grown for a large batch goes back to the
// pool with the reply, up to the pool's size limit. Events' documents are valid only during the Monitor call.
package driver
