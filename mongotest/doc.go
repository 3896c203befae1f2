// Package mongotest is an in-process MongoDB server for tests: the
// MongoDB wire protocol on loopback, served from an in-memory store, with
// MongoDB's query, update and aggregation languages. Any MongoDB driver
// can connect to it; it starts in milliseconds and needs nothing on the
// machine.
//
//	srv := mongotest.New(t)                     // closed by t.Cleanup
//	c, err := client.Connect(ctx, srv.URI())    // or any driver
//
// Outside tests, Start(Options) and Close. Options is a plain struct:
// Users (turns SCRAM authentication on), TLS or GenerateTLS (then
// CertPool), Addr, Parameters (server parameters, as --setParameter), Logf.
//
// # What it is not
//
// A test double, not a database. Nothing is durable (Close forgets
// everything), nothing is tuned (a find scans the collection unless an
// equality on _id or on the first field of a single-field index narrows
// it), no performance is promised, and the subset below is all it does.
// What lies outside the subset is refused with an error that names it —
// {ok: 0, code: 59, errmsg: "mongotest does not support ..."}, or the
// error mongod itself sends for an unknown command or field (40415) — and
// never answered with something plausible but wrong. It is not
// mongod: it answers as a standalone MongoDB 8.0 (maxWireVersion 25).
// There are no roles (every user may do everything), no
// text/geo/hashed/wildcard indexes, no explain, no $jsonSchema, no
// JavaScript but $where's "sleep(ms) || true" (where.go). Time-series
// collections take inserts only (no rename). A standalone
// server refuses what a standalone mongod refuses: a txnNumber
// (IllegalOperation, 20), $changeStream (40573); a ReplicaSet has them.
//
// # Replica sets
//
//	rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{Members: 3})
//	c, err := client.Connect(ctx, rs.URI())    // mongodb://a,b,c/?replicaSet=rs0
//	rs.StepDown(); rs.Elect(1); rs.Kill(0); rs.Restart(0)
//	rs.Partition(2); rs.Heal(2)   // no answer, no closed connection: clients time out
//	rs.FailCommand(1, mongotest.FailPoint{Commands: []string{"insert"}, ErrorCode: 91, Times: 1})
//
// Each member listens on its own port and answers hello as a member
// (setName, hosts, primary, me, electionId, setVersion, topologyVersion,
// awaitable hello that hears of elections at once); every reply carries
// $clusterTime and operationTime, the cluster time of the oplog. The
// members share one store, so replication is instant unless
// ReplicaSetOptions.Lag says otherwise: then a secondary shows the data of
// Lag ago, and a read with afterClusterTime (a causally consistent
// session) waits until the secondary has caught up. A read on a
// secondary needs a read preference other than primary; a write there is
// NotWritablePrimary with RetryableWriteError. What a member adds to the
// server:
//
//	sessions        the memory of retryable writes: a retry (same lsid and
//	                txnNumber) is answered again without being applied again,
//	                findAndModify and batches included; TransactionTooOld;
//	                IncompleteTransactionHistory for a retry whose write
//	                rolled off the oplog;
//	                endSessions, killAllSessions
//	transactions    startTransaction/autocommit, snapshot isolation (a fork of
//	                the store per transaction: it reads its snapshot and its
//	                own writes), commitTransaction (writes appear at once;
//	                a retried commit answers as the first), abortTransaction,
//	                WriteConflict and NoSuchTransaction with
//	                TransientTransactionError; readConcern snapshot outside
//	                transactions (atClusterTime), linearizable
//	change streams  $changeStream on a collection, a database, the cluster:
//	                insert, update (updateDescription), replace, delete, drop,
//	                rename, dropDatabase, invalidate, and with
//	                showExpandedEvents create, createIndexes, dropIndexes,
//	                modify and updateDescription.disambiguatedPaths;
//	                the events of a transaction's writes carry its lsid
//	                and txnNumber; resumeAfter, startAfter, startAtOperationTime,
//	                postBatchResumeToken, fullDocument (updateLookup,
//	                whenAvailable, required), fullDocumentBeforeChange with
//	                changeStreamPreAndPostImages, awaitData getMore
//	                (maxTimeMS); resume tokens are {_data: hex}, ordered
//	fail points     configureFailPoint failCommand (modes alwaysOn, off,
//	                {times}, {skip}, {activationProbability}; failCommands,
//	                errorCode, errorLabels (else MongoDB's own:
//	                RetryableWriteError, TransientTransactionError),
//	                writeConcernError, closeConnection, blockConnection,
//	                appName, namespace), onPrimaryTransactionalWrite,
//	                failGetMoreAfterCursorCheckout; also from Go
//	                (Server.FailCommand, ReplicaSet.FailCommand). A fail
//	                point that names hello or isMaster fires on monitors'
//	                and handshakes' hellos too, on each reply of an
//	                exhaust stream, as on mongod; a shutdown error (91,
//	                11600) carries no topologyVersion (mongod adds it only
//	                in quiesce mode), a "not primary" one the member's;
//	                one that names saslStart or saslContinue fires during
//	                a client's authentication (Options.Users), as on
//	                mongod (not on the speculative saslStart in hello)
//	replica sets    replSetStepDown (the next member is elected at once),
//	                replSetFreeze (accepted on a secondary)
//
// # Sharded clusters and load balancers
//
//	rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{Mongos: 2, LoadBalanced: true, LoadBalancedServices: 2})
//	c, err := client.Connect(ctx, rs.MongosURI())   // mongodb://m0,m1/
//	lb, err := client.Connect(ctx, rs.LoadBalancerURI()) // ...?loadBalanced=true
//	rs.FailCommandMongos(1, mongotest.FailPoint{...})
//
// ReplicaSetOptions.Mongos puts mongos routers in front of the set, each
// on its own port: hello answers msg: "isdbgrid" without setName, replies
// carry $clusterTime and operationTime, and commands go to the set's
// primary (the cluster's one shard, in process), except authentication,
// which a mongos does itself (saslStart, saslContinue). Each mongos has its own
// fail points and its own table of transactions, as a mongos does: a
// transaction belongs to the mongos that started it, another mongos
// answers its commands NoSuchTransaction, except a commitTransaction
// with the recoveryToken every reply of a transaction carries, which
// recovers the decision (committed: success; else NoSuchTransaction).
// ReplicaSetOptions.LoadBalanced adds mongoses behind a load balancer
// (LoadBalancedServices of them, default 1), each with its own port,
// fail points, transactions and serviceId (in its hello with
// loadBalanced: true). The load balancer is a TCP proxy on its own port
// (LoadBalancerURI) that routes each connection to one mongos, in turn,
// for its whole life; SingleMongosLoadBalancerURI is another in front of
// the first mongos only (the spec tests' SINGLE_MONGOS_LB_URI). When a
// client connection through it closes, its mongos kills the cursors it
// opened and aborts the transaction it began, as a mongos behind a load
// balancer does.
// There is one shard: shardCollection records a collection's shard key
// (ranged keys only; the change event of showExpandedEvents) without
// chunks or moving data, checkMetadataConsistency answers an empty cursor,
// and there is no balancer (mongos_commands.go).
//
// # Supported subset
//
//	Area              Supported
//	----------------  -------------------------------------------------------------
//	wire              OP_MSG (document sequences, moreToCome), OP_COMPRESSED
//	                  (snappy, zlib, zstd; wirehost imports compress/snappy and compress/zstd), legacy OP_QUERY hello
//	handshake         hello/isMaster (awaitable), topologyVersion, connectionId,
//	                  logicalSessionTimeoutMinutes, compression, saslSupportedMechs,
//	                  speculativeAuthenticate
//	auth              SCRAM-SHA-256, SCRAM-SHA-1; createUser, dropUser, logout;
//	                  code 13 Unauthorized before authentication; TLS
//	CRUD              insert, find, getMore, killCursors, update, delete,
//	                  findAndModify, count, distinct, aggregate ($out, $merge),
//	                  bulkWrite (8.0: ops across namespaces, errorsOnly,
//	                  results cursor with cursor.batchSize)
//	find options      filter, projection, sort, skip, limit, batchSize,
//	                  singleBatch, let, hint (checked), allowDiskUse, noCursorTimeout,
//	                  tailable and awaitData on capped collections (the cursor
//	                  stays open at the end; a getMore returns the inserts since,
//	                  an awaitData one waiting up to maxTimeMS, default 1s, then
//	                  answering an empty batch that keeps the cursor id),
//	                  returnKey, showRecordId, min/max (with a hint; see
//	                  find_keys.go for which index a find "uses")
//	update options    multi, upsert (upserted with index), arrayFilters, sort,
//	                  pipelines (one naming a stage MongoDB lacks fails the
//	                  command, 40324, as mongod's lite parse does), hint, c/let;
//	                  ordered and unordered
//	collections       create (capped: size and max bound it, the oldest documents
//	                  go first, without change events; validator enforced
//	                  without $jsonSchema, views viewOn +
//	                  pipeline resolved at read; clustered (clusteredIndex
//	                  {key: {_id: 1}, unique: true, name}, shown by listCollections
//	                  and listIndexes); time series (timeseries {timeField,
//	                  metaField, granularity | bucketMaxSpanSeconds and
//	                  bucketRoundingSeconds}: listCollections type "timeseries", a
//	                  view over system.buckets.<name>, inserts need the timeField
//	                  as a date, _id need not be unique); expireAfterSeconds of
//	                  either kept without a reaper), drop, dropDatabase, listDatabases,
//	                  listCollections (filter, nameOnly), renameCollection, collMod
//	                  (of an index too: hidden, expireAfterSeconds, prepareUnique,
//	                  unique with the violations)
//	indexes           createIndexes (unique, sparse, partialFilterExpression,
//	                  expireAfterSeconds accepted without a reaper, hidden: not
//	                  hintable, prepareUnique),
//	                  listIndexes, dropIndexes (name, key, "*", list)
//	search indexes    createSearchIndexes, updateSearchIndex, dropSearchIndex
//	                  and the $listSearchIndexes, $search, $searchMeta and
//	                  $vectorSearch stages answer SearchNotEnabled (31082), as
//	                  a mongod outside Atlas does
//	admin             ping, buildInfo, serverStatus (minimal), getParameter,
//	                  setParameter (requireApiVersion; Options.Parameters at
//	                  startup: acceptApiVersion2, enableTestCommands),
//	                  connectionStatus, endSessions, killAllSessions, whatsmyuri,
//	                  configureFailPoint (answered by member.Command, failpoint.go),
//	                  $listLocalSessions first in {aggregate: 1} (every lsid a
//	                  command carried until endSessions / killAllSessions)
//	query language    see the engine's table: mongotest/internal/engine/doc.go
//	                  (operators, projections, updates, stages, expressions)
//	collation         on find, aggregate, count, distinct, findAndModify, update
//	                  and delete statements, a collection's default (create), an
//	                  index's (shown; a unique one is refused); locales en, de, fr,
//	                  it, nl, pt, id, ms approximate ICU's root order (see the
//	                  engine's doc); _id stays unique binary under a default collation
//	refused by name   explain, oplogReplay, text/geo/hashed/wildcard indexes,
//	                  updates, deletes and indexes on time-series collections, $merge with a whenMatched pipeline, readConcern
//	                  snapshot/linearizable; txnNumber and transactions get
//	                  IllegalOperation (20), as from a standalone mongod
//	Stable API        every command, hello and isMaster included: apiVersion "1"
//	                  (and "2" with acceptApiVersion2; else APIVersionError 322),
//	                  apiStrict (APIStrictError 323 for a command, an aggregation
//	                  stage at any depth of the pipeline, or an unstable field
//	                  outside the version: find's and aggregate's, capped create,
//	                  text indexes, collMod's index.prepareUnique),
//	                  apiDeprecationErrors (324), requireApiVersion (498870),
//	                  getMores (change streams' too) and a transaction's commands
//	                  with the parameters of the command that began them
//	                  (APIMismatchError 498233); the test commands testVersion2,
//	                  testVersions1And2, testDeprecation,
//	                  testDeprecationInVersion2, testRemoval. Under apiStrict a
//	                  hint of a sparse index finds none (find, aggregate, count,
//	                  findAndModify; not yet update and delete statements)
//	unknown commands  CommandNotFound (59), "no such command"
//
// # How it is built
//
// Three layers. The wire host (package internal/wirehost, shared with
// the driver's scripted test server internal/mockserver) owns the
// listener, the connections and their goroutines, framing, compression,
// the hello handshake, fail points and wire-level faults; it hands every
// other command to this package's Backend. This package decodes the
// command into bson.D, checks its fields (an unknown field is mongod's
// error 40415, a known but unsupported one is refused by name), checks
// authentication, and runs one handler per command. The handlers read
// through the store (internal/store) and evaluate with the engine
// (internal/engine, pure functions); every write goes through
// store.Write, the single path that records an oplog entry at a cluster
// time, and that transactions and change streams will build on. Cursors
// hold the rest of their result, computed when opened.
//
// # Files
//
//	doc.go              this overview
//	server.go           Options, User, Server, Start, New, URI, CertPool, Close
//	backend.go          the wirehost Backend: dispatch, authentication gate, hello fields
//	command.go          command: decoding a request, field checks, option readers
//	errors.go           cmdError and its reply; write errors; type names
//	query.go            compiled filters, index selection, matching
//	read.go             reading collections and views, the engine's Catalog
//	find.go             find
//	cursors.go          cursors, batches, getMore, killCursors
//	tailable.go         tailable and awaitData cursors on capped collections
//	find_keys.go        find's returnKey, showRecordId, min and max
//	where.go            $where: sleep(ms) then true or false, and nothing else of JavaScript
//	insert.go           insert, the storable-document checks
//	update.go           update, and the update path findAndModify shares
//	delete.go           delete, and the remove path findAndModify shares
//	bulkwrite.go        bulkWrite: ops of any namespace on the paths above
//	findandmodify.go    findAndModify
//	aggregate.go        aggregate ($out, $merge), count, distinct
//	validate.go         collection validators
//	collation.go        a command's, a statement's, a collection's and an index's collation
//	collections.go      create, drop, dropDatabase, listDatabases, listCollections,
//	                    renameCollection, collMod
//	clustered.go        clustered collections: the clusteredIndex option, its listIndexes entry
//	timeseries.go       time-series collections: options, the bucket view, inserts
//	collmod_index.go    collMod of an index: hidden, expireAfterSeconds, prepareUnique, unique
//	indexes.go          createIndexes, listIndexes, dropIndexes, hints
//	search_indexes.go   the Atlas Search commands and stages, refused as mongod does
//	admin.go            ping, buildInfo, serverStatus, sessions
//	parameters.go       server parameters: Options.Parameters, getParameter, setParameter
//	stable_api.go       the Stable API: apiVersion, apiStrict, apiDeprecationErrors,
//	                    requireApiVersion, the API parameters of getMores and transactions
//	local_sessions.go   the logical session cache that $listLocalSessions reads
//	auth.go             users and the server side of SCRAM
//	auth_commands.go    saslStart, saslContinue, speculative auth, createUser, dropUser
//	tls.go              the generated certificate
//	standalone.go       a standalone's fail points (Server.FailCommand), its refusals
//	replset.go          ReplicaSet: NewReplicaSet, URI, StepDown, Elect, Kill, Restart,
//	                    Partition, Heal
//	mongos.go           mongos routers and the load-balanced mongoses: routing,
//	                    per-mongos transactions, recoveryToken
//	mongos_commands.go  what only a mongos has: shardCollection, checkMetadataConsistency
//	loadbalancer.go     the load balancer: a TCP proxy, one mongos per connection, in turn
//	loadbalanced_conns.go a load-balanced mongos ends a closed connection's cursors
//	                    and transaction
//	member.go           a member's command set: fail points (on hello too), primary-only writes,
//	                    unsatisfiable write concerns, topologyVersion on errors
//	failpoint.go        FailPoint, configureFailPoint, MongoDB's error labels
//	replset_commands.go replSetStepDown, replSetFreeze
//	session.go          server sessions, the memory of retryable writes
//	local_sessions.go   the logical session cache $listLocalSessions reads
//	txn.go              transactions on a fork of the store, write conflicts
//	snapshot.go         readConcern snapshot and linearizable outside transactions
//	lag.go              lagging secondaries: reads of the past, afterClusterTime waits
//	changestream.go     change stream cursors: getMore, killCursors, batches
//	changestream_open.go  the $changeStream stage and its options
//	changestream_event.go the events of oplog entries, resume tokens
//	changestream_paths.go updateDescription.disambiguatedPaths
//	util.go             the server's clock (timeNow), _id first, document sizes
//
// Tests beside the package check it against a real server too:
// differential_test.go (TestDifferential, with FerretDB at
// TORQUE_TEST_URI) runs one seeded random workload of inserts, updates,
// deletes, finds and aggregations on both and compares every answer
// (-mongotest.seed, -mongotest.ops); the FerretDB bugs it found are named
// in differential_gen_test.go where the workload avoids them.
//
// Where replica sets, sessions and transactions (issue 12) plug in: the
// wire host already plays replica-set members, mongos and load
// balancers (wirehost.ReplicaSet, Server.Update); several hosts can share
// one backend{s}, or each member a Server over a store fed from the
// primary's oplog. command.checkGeneric is where lsid, txnNumber,
// autocommit and readConcern arrive (today refused as a standalone
// does); connState (wirehost.Peer.State) is the per-connection state;
// every write handler calls store.Write once per statement, so a
// transaction can collect the same Tx calls against a Snapshot and replay
// them at commit.
//
// internal/store has its own doc.go: the data structures, the write path,
// snapshots and the oplog, for whoever builds transactions and change
// streams on it.
//
// # Concurrency
//
// Server's methods are safe for concurrent use. Each connection is served
// by its own goroutine; commands of different connections run
// concurrently, reads beside each other, writes one at a time. Close ends
// every goroutine and socket the server started and waits for them.
//
// # Security
//
// A test server: it listens on loopback by default. Passwords are kept
// only as SCRAM keys (never in errors or logs); there are no roles, so any
// authenticated user may do anything.
package mongotest
