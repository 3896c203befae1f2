// Package unified runs the MongoDB specifications' unified-format tests
// (source/unified-test-format/unified-test-format.md) through torque's
// public client API and package gridfs, against every backend: FerretDB
// at testenv.URI, and any other server listed in backends. It is test
// support only: Run is called from a suite's _test.go, one test function
// per suite.
//
// # Backends
//
// A Backend is a name, the topologies it can deploy (single, replicaset,
// sharded, load-balanced) in the order the runner prefers them, how to
// deploy each (its URI; for sharded and load-balanced also the URI of
// several mongoses), and whether its servers have fail points. Each suite
// runs every file once per backend, as subtests <Test>/<backend>/<file>/<case>,
// and has one skip list per backend. A test runs on the first topology of
// its backend whose server meets the file's and the test's
// runOnRequirements; a deployment is started the first time a test needs
// it and kept for the rest of the suite. A backend may also deploy each
// topology with authentication on (AuthTopologies, DeployAuth: mongotest
// does, with SCRAM and one user, the runner's own): a test whose
// runOnRequirements ask for auth: true runs on the first such twin that
// meets them, and its internal client and client entities connect with
// the runner's credentials in the URI.
//
// # Suites (FerretDB v1.24.0: 7.0.42, standalone)
//
// Counts are leaf tests on the ferretdb backend: passed / skipped by
// runOnRequirements (whole files in brackets) / skipped because they
// configure a fail point / skipped by the backend's list. None fails
// (re-counted at 17:38 UTC on 2026-12-05).
//
//	TestCRUD                 crud/tests/unified          124 / 74 [23 files] / 6 / 127
//	TestCollectionManagement collection-management/tests   3 / 1 / 0 / 7
//	TestCommandMonitoring    command-logging-and-monitoring/tests/monitoring
//	                                                      28 / 2 [2 files] / 0 / 3
//	TestGridFS               gridfs/tests                 39 / 0 / 0 / 0
//	TestIndexManagement      index-management/tests        1 / 1 [6 files] / 0 / 0
//	TestReadWriteConcern     read-write-concern/tests/operation 8 / 0 / 0 / 3
//	TestRetryableReads       retryable-reads/tests/unified 13 / [7 files] / 222 / 1
//	TestRetryableWrites      retryable-writes/tests/unified 0 / [35 files]
//	TestRunCommand           run-command/tests/unified    12 / 6 / 1 / 2
//	TestVersionedAPI         versioned-api/tests          31 / 1 [4 files] / 0 / 3
//	TestCommandLogging       command-logging-and-monitoring/tests/logging
//	                                                      20 / 5 / 5 / 0
//	TestCMAPLogging          connection-monitoring-and-pooling/tests/logging 4 / 1 / 0 / 2
//	TestSessions             sessions/tests                1 / [5 files] / 0 / 3
//	TestTransactions         transactions/tests/unified    0 / [44 files]
//	TestTransactionsConvenientAPI transactions-convenient-api/tests/unified 0 / [10 files]
//	TestChangeStreams        change-streams/tests/unified  0 / 2 [8 files] / 0 / 1
//	TestCausalConsistency    causal-consistency/tests      0 / [2 files]
//	TestLoadBalancers        load-balancers/tests          2 / [7 files]
//	TestServerSelectionLogging server-selection/tests/logging 2 / 2 [3 files] / 2 / 0
//	TestCSOT                 client-side-operations-timeout/tests 19 / 1 [13 files] / 33 / 0
//
// # Suites on mongotest (a replica set of three members; single where allowed)
//
// Files that ask for a sharded cluster run on that replica set behind two
// mongoses (mongotest.ReplicaSetOptions.Mongos), and those that ask for a
// load balancer on two mongoses behind load balancers
// (ReplicaSetOptions.LoadBalanced, LoadBalancedServices: 2): one in front
// of both, for clients with useMultipleMongoses true or unset, one in
// front of the first.
//
// Counts are leaf tests on the mongotest backend: passed / skipped by
// runOnRequirements or the spec's own skipReason (whole files in
// brackets) / skipped by its list; none fails (re-counted at 19:50 UTC on
// 2026-12-05 with go test -json, per leaf). Tests that ask for auth: true
// run on the authenticated twin of their topology (SCRAM-SHA-256, the
// runner's own user). Every mongotest deployment starts with the server
// parameter acceptApiVersion2, as the mongod of the drivers' versioned-API
// tests does (mongotestParameters); enableTestCommands is mongotest's
// default.
//
//	TestRetryableWrites     113 / 2 / 0 (handshakeError's 18 included)
//	TestRetryableReads      285 / 0 / 17 (the list: the count and
//	                         mapReduce helpers torque does not have, as the
//	                         official driver v2: 285/285 of the applicable
//	                         cases, 285/302 = 94.4% of all)
//	TestTransactions        211 / 2 / 1 (the 2: skipReason DRIVERS-2032,
//	                         the handshake files; the list: count)
//	TestTransactionsConvenientAPI 27 / 0 / 0
//	TestChangeStreams        57 / 14 [1 file] / 0
//	TestSessions             25 / [1 file] / 0
//	TestCausalConsistency    18 / 0 / 0
//	TestLoadBalancers        39 / 1 / 0 (the spec's own skipReason; the
//	                         auth case on an authenticated twin)
//	TestSDAMUnified          52 / 2 / 0 (interruptInUse-pool-clear held
//	                         on the server with $where; the five auth-*.json
//	                         files pass)
//	TestCommandLogging       28 / 2 / 0
//	TestCMAPLogging           5 / 0 / 2 (the legacy waitQueueSize and
//	                         waitQueueMultiple options torque does not have)
//	TestServerSelectionLogging 11 / 0 / 0 (server-selection/tests/logging)
//	TestVersionedAPI         41 / 0 / 0 (the serverParameters files
//	                         included)
//	TestCSOT                462 / 0 / 19 (client-side-operations-timeout: 16
//	                         the count helper, 2 the spec's own bug
//	                         DRIVERS-2965, 1 the spec's contradiction with
//	                         its Background Connection Pooling section;
//	                         timing-based: blockTimeMS against timeoutMS
//	                         or socketTimeoutMS)
//
// The standalone suites run on mongotest's single server (8.0) first: a
// test (or file) whose runOnRequirements a standalone does not meet runs
// on the next of mongotest's topologies that meets them (a replica set,
// then a sharded cluster, then a load balancer; see choose), and one that
// none meets is skipped with the first topology's reason. Counted the
// same way (runOnRequirements and fail-point skips together, none fails):
//
//	TestCRUD                 298 / 75 [7 files] / 3 (the list: the deprecated count helper)
//	TestCollectionManagement  10 /  1 /  0
//	TestCommandMonitoring     33 /  2 /  0
//	TestGridFS                39 /  0 /  0
//	TestIndexManagement       18 /  1 /  0 (search indexes on the replica set)
//	TestReadWriteConcern      10 /  0 /  1
//	TestRunCommand            21 /  0 /  0
//
// Not run here: read-write-concern's connection-string and document tests (not in the
// unified format); auth/tests/unified (its one file, mongodb-oidc-no-retry,
// needs MONGODB-OIDC and an identity provider; its authMechanism
// requirement is unmet on both backends). The replica-set suites
// (transactions, retryable writes, change streams...) need a backend with
// replica sets and fail points: FerretDB has neither.
//
// # What the runner supports
//
//   - schemaVersion 1.0 to 1.26 (newer or other major versions fail);
//   - runOnRequirements, per file and per test: minServerVersion and
//     maxServerVersion against buildInfo, topologies (from hello: single,
//     replicaset, sharded), serverless (the server never is), auth (true
//     on an authenticated deployment, whose URI carries credentials:
//     mongotest's twins), serverParameters (against the deployment's
//     {getParameter: "*"}, numbers by value; a parameter the server does
//     not report, or a server that refuses getParameter, is unmet),
//     authMechanism (against its authenticationMechanisms parameter),
//     csfle (torque has none: true is unmet, false met); any other
//     requirement counts as unmet;
//   - fail points: on a backend with FailPoints, failPoint runs
//     configureFailPoint through the client entity (primary read
//     preference) and targetedFailPoint on the mongos the session is
//     pinned to, through a client connected to it alone; both are
//     recorded and turned off when the test ends, on the server they were
//     set on (behind a load balancer: on each mongos it fronts, directly,
//     when the deployment names them, else through the client entity). On other
//     backends (FerretDB) a test that sets one is skipped, saying so;
//   - createEntities: client (observeEvents, ignoreCommandMonitoringEvents,
//     observeSensitiveCommands, uriOptions added to the URI's query;
//     useMultipleMongoses: true gives a sharded cluster's every mongos,
//     false or unset one; behind a load balancer false gives the one in
//     front of a single mongos), database and collection
//     with readConcern, writeConcern and readPreference options, session
//     (causalConsistency, snapshot, snapshotTime), bucket (gridfs.Bucket: bucketName,
//     chunkSizeBytes). A client's serverApi is client.Options.ServerAPI;
//   - initialData (drop, create with createOptions or when empty, insert,
//     all with w: majority through the deployment's internal client) and outcome (the
//     collection read in _id order must match exactly: same types, any key
//     order);
//   - collection operations insertOne, insertMany, find (with min, max,
//     returnKey, showRecordId), findOne, aggregate, countDocuments,
//     estimatedDocumentCount, distinct, updateOne, updateMany, replaceOne,
//     deleteOne, deleteMany, findOneAndUpdate/Replace/Delete, bulkWrite,
//     createIndex, listIndexes, listIndexNames, dropIndex, dropIndexes;
//     createSearchIndex, createSearchIndexes, listSearchIndexes,
//     updateSearchIndex, dropSearchIndex;
//     database operations aggregate, createCollection (the typed
//     CreateCollectionOptions fields where they fit, every other argument
//     a create field as given; saveResultAsEntity keeps the collection),
//     dropCollection, runCommand, runCursorCommand, createCommandCursor,
//     modifyCollection (collMod through RunCommand), listCollections,
//     listCollectionNames, listCollectionObjects; client operations
//     listDatabases, listDatabaseNames, listDatabaseObjects; bucket
//     operations find, upload ($$hexBytes source), download, downloadByName,
//     delete, deleteByName, rename, renameByName, drop; session
//     operations endSession, startTransaction (with its options),
//     commitTransaction, abortTransaction, withTransaction (the callback's
//     operations run with their own assertions, and their errors go back
//     to WithTransaction), getSnapshotTime; change streams
//     (createChangeStream on a client, database or collection), find
//     cursors (createFindCursor) and command cursors (createCommandCursor)
//     as entities, with iterateUntilDocumentOrError,
//     iterateOnce and close; collection rename (renameCollection on admin,
//     torque has no helper) and database dropDatabase; testRunner
//     operations createEntities, failPoint, targetedFailPoint,
//     assertSessionPinned/Unpinned, assertSessionDirty/NotDirty,
//     assertSessionTransactionState, assertNumberConnectionsCheckedOut,
//     assertCollectionExists/NotExists, assertIndexExists/NotExists,
//     assertSameLsidOnLastTwoCommands, assertDifferentLsidOnLastTwoCommands,
//     waitForEvent and assertEventCount (any observed event; up to 20 s),
//     recordTopologyDescription, assertTopologyType, waitForPrimaryChange,
//     wait, runOnThread and waitForThread on thread entities (a goroutine
//     each, stopped when the test ends); the client operation close
//     (Disconnect; the entity's events stay readable).
//     A "session" argument runs any operation under client.WithSession;
//   - expectResult with the matching rules (extra keys only in root-level
//     documents, find/aggregate results' documents being root-level;
//     flexible numbers; arrays of equal length) and the operators $$exists,
//     $$type, $$unsetOrMatches, $$matchesEntity, $$lte, $$matchAsDocument,
//     $$matchAsRoot, $$matchesHexBytes, $$sessionLsid; saveResultAsEntity;
//     ignoreResultAndError;
//   - expectError: isError, isClientError (not a *CommandError or
//     *WriteException), errorContains, errorCode, errorCodeName,
//     errorLabelsContain/Omit, errorResponse, writeErrors,
//     writeConcernErrors, expectResult (a bulk write's partial result);
//   - expectEvents of command events (started, succeeded, failed) with
//     command/reply (root-level), commandName, databaseName,
//     hasServerConnectionId, hasServiceId (the event's ServiceID, set
//     behind a load balancer), and of CMAP events (eventType cmap:
//     pool and connection events, with reason, hasServiceId and
//     interruptInUseConnections), and of SDAM events (eventType sdam:
//     serverDescriptionChangedEvent and topologyDescriptionChangedEvent
//     with previousDescription/newDescription {type}, the heartbeat
//     events with awaited, topologyOpeningEvent, topologyClosedEvent),
//     with ignoreExtraEvents. Command events come from the client's
//     CommandMonitor, CMAP events from its PoolMonitor, SDAM events from
//     its SDAMListener; configureFailPoint is never recorded; redacted
//     (sensitive) commands and their replies are recorded only with
//     observeSensitiveCommands.
//
// The results of writes with w: 0 are left unset, as the format allows.
// rawData, an 8.2 option drivers must not send to older servers, is
// accepted and not sent (torque has no such option) on servers before 8.2.
// Before each test the runner drops the collections of collection entities
// that initialData does not set up, so that no test sees what an earlier
// file left behind.
//
// # What it does not support
//
// storeEventsAsEntities, the deprecated count and mapReduce helpers, a
// cursor's timeoutMode, and entity options the suites above do not use.
// An argument
// the runner does not read is an error, never ignored.
//
// # Skip policy
//
// A suite has one spectest.Skips list per backend (crudFerretDB, ...)
// whose entries each name the root cause: what the server lacks, what
// torque's API lacks, or a bug (torque's bugs are reported, never
// hidden). skipReason, runOnRequirements and the fail-point check are
// applied before it, so the list holds only cases the server would allow. Every case that can
// pass must pass: when FerretDB or torque gains a feature, remove its
// entries.
//
// # Files
//
//	backend.go       Backend, Deployment, the backends; choosing a deployment
//	runner.go        Run, Suite: files, tests, initialData, operations, outcome
//	one_proc.go      Suite.OneProc: timing-sensitive files run with GOMAXPROCS 1
//	requirements.go  server version, topology and parameters; runOnRequirements
//	entities.go      the entity map; database, collection entities
//	client_entity.go client entities (uriOptions, serverApi), their command
//	                 and CMAP events
//	logs.go          observeLogMessages (a slog handler per client) and
//	                 expectLogMessages
//	sessions.go      session entities, transactions, withTransaction,
//	                 $$sessionLsid, lsid and session-state assertions
//	cursors.go       change streams and find cursors as entities
//	failpoint.go     failPoint, targetedFailPoint, turning them off
//	service_pin.go   behind a load balancer, the mongos a session's pinned
//	                 connection reaches (targetedFailPoint)
//	sdam.go          SDAM events of client entities, waitForEvent,
//	                 assertEventCount, recordTopologyDescription,
//	                 assertTopologyType, waitForPrimaryChange, close
//	threads.go       thread entities, runOnThread, waitForThread
//	bucket.go        bucket entities (package gridfs), $$matchesHexBytes
//	args.go          reading operation arguments, refusing unknown ones
//	operations.go    dispatch; collection reads, inserts, createIndex
//	writes.go        updates, deletes, findAndModify, bulkWrite
//	client_bulkwrite.go clientBulkWrite (Client.BulkWrite), its result and
//	                 its error's writeErrors / writeConcernErrors view
//	admin_ops.go     runCommand, listings, indexes, createCollection
//	create_options.go createCollection's arguments as typed options
//	command_cursor.go runCursorCommand, createCommandCursor
//	search_indexes.go the search index operations
//	modify_collection.go modifyCollection (collMod)
//	testrunner.go    testRunner operations
//	csot.go          timeoutMS and timeoutMode arguments, entity timeouts,
//	                 awaitMinPoolSizeMS, isTimeoutError, cursorType, wait
//	match.go         the matching rules and special operators
//	expect_error.go  expectError
//	events.go        expectEvents
//	*_test.go        one test function and its skip lists per suite;
//	                 runner_test.go checks the runner itself against
//	                 internal/mockserver's replica set
//	                 (testdata/runner-replicaset.json);
//	                 targeted_failpoint_test.go targetedFailPoint on
//	                 mongotest's load balancer (runner-loadbalanced.json)
//
// # Concurrency
//
// A test runs on one goroutine; the client entities' monitors record
// events under a mutex. Every client a test opens is disconnected when the
// test ends, the internal client when Run's test ends.
package unified
