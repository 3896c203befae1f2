// Package client is torque's public API: Client, Database, Collection,
// Cursor, their options and errors. It follows Go's habits: a context
// first on every call that may block, errors returned (never panics), one
// options struct per operation passed as an optional trailing value, and
// no I/O in Connect.
//
//	c, err := client.Connect(ctx, "mongodb://localhost:27017")
//	defer c.Disconnect(ctx)
//	people := c.Database("app").Collection("people")
//	_, err = people.InsertOne(ctx, Person{Name: "Ada", Age: 36})
//	cur, err := people.Find(ctx, bson.D{bson.KV("age", bson.D{bson.KV("$gte", 30)})},
//		client.FindOptions{Sort: bson.D{bson.KV("name", 1)}, Limit: 10})
//	for cur.Next(ctx) { var p Person; err = cur.Decode(&p) }
//
// # Options
//
// Options configures a Client: every zero value means the default, so a
// struct literal works as well as ParseURI(uri); Connect merges the fields
// set in its Options over those of its URI. Nothing in a URI is ignored
// silently: an invalid value (readPreference=secondry) is an error naming
// the option and its offset, an option torque cannot honour
// (proxyHost, ...) is refused, and an unknown option is a
// warning in Options.Warnings that Connect logs (an error with
// Options.StrictURI). Each operation takes at most one
// options value of its own type (FindOptions, UpdateOptions, ...), whose
// zero value is the default; passing two is an error.
//
// # Timeouts
//
// timeoutMS (the client-side operation timeout) bounds each operation
// whole: server selection, connection checkout, every retry (retryable
// failures are retried until it runs out, not once) and batch; maxTimeMS
// is derived from the time left. Set it on the client (Options.Timeout),
// a database or collection (CollectionOptions.Timeout), a session's
// transaction commands (SessionOptions.DefaultTimeout), or one operation
// (WithTimeout on its context); 0 lifts the limit below a level that set
// one. A context deadline still applies: the earlier wins. Cursors apply
// it to their whole life or to each Next (WithTimeoutMode), change
// streams to each Next, WithTransaction to the whole call (its callback's
// operations with the session included), GridFS to each method and
// stream whole (timeout.go, cursor_timeout.go). Without a timeoutMS, the
// deprecated socketTimeoutMS (Options.SocketTimeout) bounds each write and
// each reply's read; its expiry is a network timeout (IsNetworkError).
// The client's timeoutMS (else socketTimeoutMS) also bounds each
// handshake and authentication command of the connections MinPoolSize
// opens in the background.
//
// # Retries
//
// Reads and single-statement writes are retried once (retryReads,
// retryWrites; under timeoutMS until it runs out). Every operation — an
// UpdateMany, a RunCommand, a cursor's getMore, a statement of a
// transaction — is also retried when the server sheds load with an error
// labelled SystemOverloadedError and RetryableError: after a random wait
// of up to 100ms, 200ms, 400ms ... (never past the context's deadline),
// at most Options.MaxAdaptiveRetries times (default 2) once such an error
// was met. Code that retries these errors itself may retry for longer
// than it means to. Options.EnableOverloadRetargeting sends the retry to
// another server; Options.AdaptiveRetries adds a retry token bucket.
//
// # Sessions
//
// An explicit session travels in the context: ctx = client.WithSession(ctx,
// sess). Every operation reads it from there; without one, the driver uses
// an implicit session per operation (a cursor keeps its own until it is
// exhausted or closed). Disconnect ends the pooled sessions on the server.
// UseSession starts a session, runs a function with it and ends it. To
// make one client's reads follow another's writes, pass the writer
// session's ClusterTime and OperationTime to the reader session's
// AdvanceClusterTime and AdvanceOperationTime; to read another snapshot
// session's snapshot, start one with SessionOptions.SnapshotTime.
//
// A transaction (Session.StartTransaction, or WithTransaction) runs every
// operation whose context carries its session; on a sharded cluster all
// of them, commit and abort included, go to the mongos of the first one,
// until the transaction ends or fails with a TransientTransactionError.
//
// # Errors
//
// Errors are values to inspect with errors.As and errors.Is: *CommandError
// (an {ok: 0} reply: Code, CodeName, Message, Labels, Raw), *WriteException
// (write errors by document index, and the write-concern error),
// *NetworkError (Sent says whether the request went out),
// *ServerSelectionError (one type whatever ended the wait),
// ErrNoDocuments (FindOne, FindOneAnd*), ErrCursorClosed. The types are
// defined in the public packages mongoerr and topology: go doc
// mongoerr.WriteException shows their fields. The helpers IsDuplicateKey,
// IsTimeout (true for every time limit: the context's deadline, Timeout,
// serverSelectionTimeoutMS, a socket deadline, MaxTimeMSExpired),
// IsNetworkError and HasErrorLabel test for what usually matters. Three
// failures are the operation's alone, never a *NetworkError, never
// retried, and never a reason to clear a pool or doubt a server: the
// caller's own context ending (errors.Is(err, context.Canceled) or
// context.DeadlineExceeded), a reply that arrived whole but cannot be read
// or a malformed document in it (errors.As finds a *bson.DecodeError), and Disconnect
// (ErrClientDisconnected, also for operations in flight). A
// CommitTransaction so cut short also carries
// UnknownTransactionCommitResult: call it again to learn the outcome. A map
// (bson.M) with more than one key where order matters (sort, hint, index
// keys, commands, $sort) is refused before anything is sent. Bad arguments — a nil or non-document filter, a
// replacement with $-operators, an update without them, a document over
// 16 MiB — fail before anything is sent, with an error that begins
// "client:".
//
// # Concurrency and lifetimes
//
// Client, Database and Collection are safe for concurrent use. A Cursor and
// a Session are used by one goroutine at a time. Cursor.Current is a slice
// of the batch the cursor holds and is valid until the next Next, TryNext
// or Close; copy it (or Decode, All, ToList) to keep it.
//
// A reply is checked on arrival, before anything reads it. A cursor's
// batch is checked there at framing speed only (each document's length
// and end); each document's inside is checked where it is read: Decode,
// All, ToList, TypedCursor, FindOne and change streams refuse a malformed
// document with a *bson.DecodeError, and what they hand out to keep
// (FindOne's Raw, ToList, All into []bson.Raw) has passed
// ValidateStructure. Cursor.Current during Next, TryNext or Iter is only
// framed: read it with LookupErr, Elements or Unmarshal, or validate it
// first (Lookup returns the zero value on malformed bytes). Behind a load
// balancer an open cursor holds its own connection (its getMore and
// killCursors must use it) until it is exhausted or closed, so close
// cursors you do not read to the end. SingleResult holds
// its own copy. Documents passed to operations are read during the call
// only.
//
// # Goroutines
//
// The client's goroutines are the topology's (one monitor per server,
// with its RTT pinger when streaming, and the pools' maintenance
// goroutines); Connect starts them and Disconnect stops them and waits.
// A timeout that interrupts a round trip closes that connection (its reply
// would still be due) instead of leaving a goroutine to drain it.
//
// # Files
//
//	doc.go              this overview
//	client.go           Client: Connect, Disconnect, Ping, Database, ListDatabases
//	driver_info.go      AppendDriverInfo: a wrapping library's metadata after Connect
//	options.go          Options, read preference and concern types
//	compressors.go      warnings for compressors known but not registered with wire
//	parse_uri.go        ParseURI: invalid values are errors, unknown options
//	                    warnings, unsupported options refused
//	deployment.go       adapters from the topology and its pools to internal/driver
//	session.go          Session, StartSession, WithSession, SessionFromContext, UseSession,
//	                    NumberSessionsInProgress; its times, state and the
//	                    accessors transactions need
//	database.go         Database: RunCommand, ListCollections,
//	                    ListCollectionSpecifications, Drop
//	run_command_cursor.go  RunCommandCursor: a cursor over any command's reply
//	create_collection.go   CreateCollection and its typed options (time
//	                    series, clustered index, TTL, pre- and post-images,
//	                    encryptedFields), CreateView
//	collection.go       Collection, WithOptions, Drop (with EncryptedFields),
//	                    InsertOne, InsertMany
//	                    (documents encoded once, straight into the message,
//	                    with the partial result beside a write error); the
//	                    one builder of insert, update and delete commands
//	find.go             Find, FindOne and their options
//	update.go           UpdateOne, UpdateByID, UpdateMany, ReplaceOne, DeleteOne,
//	                    DeleteMany
//	find_and_modify.go  FindOneAndUpdate, FindOneAndReplace, FindOneAndDelete
//	aggregate.go        Aggregate, CountDocuments, EstimatedDocumentCount,
//	                    Distinct, DistinctAs
//	cursor.go           Cursor: Next, TryNext, Decode, All, ToList, Iter, Close,
//	                    RemainingBatchLength, SetBatchSize, SetMaxAwaitTime,
//	                    SetComment
//	ordered.go          the one rule where order matters: no map with more
//	                    than one key (sort, hint, index keys, commands, $sort)
//	decode.go           decoding for the user: the client's Decoder options,
//	                    errors that name the method called
//	encoder.go          each handle's Encoder (Options.Encoder, or
//	                    CollectionOptions.Encoder), which encode.go applies
//	                    to every value of the user's
//	encode.go           user values into commands, with the argument checks
//	                    (appendInsertDoc: a document with its _id first);
//	                    the options many commands share
//	errors.go           error types (defined in package mongoerr; selection
//	                    errors are topology.SelectionError), sentinels, helpers,
//	                    ServerError, ErrorCodes
//	from_documents.go   NewCursorFromDocuments, NewSingleResultFromDocument:
//	                    results without a server, for tests
//	monitor.go          CommandMonitor and its events (package event)
//	logging.go          log/slog logging by component (command, topology,
//	                    serverSelection, connection); LogOptionsFromEnv
//	bulk_write.go       BulkWrite and its write models
//	client_bulk_write.go        Client.BulkWrite: models across namespaces,
//	                    options, result (the bulkWrite command of 8.0)
//	client_bulk_write_ops.go    its ops entries and the batches: ops and
//	                    nsInfo sequences within the server's limits
//	client_bulk_write_result.go its results cursor, ClientBulkWriteException
//	indexes.go          Indexes: create, list, drop (by name, by key pattern)
//	search_indexes.go   SearchIndexes: Atlas Search and Vector Search indexes
//	typed.go            typed generic helpers over Collection
//	watch.go            Watch: change streams (the engine is internal/stream)
//	change_stream.go    ChangeStream: Next, TryNext, Decode, Iter, Close,
//	                    SetMaxAwaitTime, SetBatchSize, RemainingBatchLength
//	transaction.go      transactions: StartTransaction, Commit, Abort, WithTransaction
//	timeout.go          timeoutMS (CSOT): the levels that set it, WithTimeout,
//	                    WithTimeoutMode, TimeoutContext
//	cursor_timeout.go   timeoutMS on cursors (timeout modes) and change streams
package client
