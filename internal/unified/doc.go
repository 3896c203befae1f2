// Package unified runs the MongoDB specifications' unified-format tests
// (source/unified-test-format/unified-test-format.md) against the real
// test server of testenv.URI (FerretDB), through torque's public client
// API. It is test support only: Run is called from a suite's _test.go
// (TestCRUD runs crud/tests/unified).
//
// # What the runner supports
//
// Scoped to what the CRUD suite needs:
//   - schemaVersion 1.0 to 1.21 (newer or other major versions fail);
//   - runOnRequirements, per file and per test: minServerVersion and
//     maxServerVersion against buildInfo, topologies (from hello: single,
//     replicaset, sharded), serverless (the server never is), auth (true
//     when the URI carries credentials); any other requirement
//     (serverParameters, csfle, ...) counts as unmet;
//   - createEntities: client (observeEvents, ignoreCommandMonitoringEvents,
//     uriOptions added to the URI's query; useMultipleMongoses is moot on
//     one server), database and collection with readConcern, writeConcern
//     and readPreference options;
//   - initialData (drop, create with createOptions or when empty, insert,
//     all with w: majority through an internal client) and outcome (the
//     collection read in _id order must match exactly: same types, any key
//     order);
//   - collection operations insertOne, insertMany, find, findOne,
//     aggregate, countDocuments, estimatedDocumentCount, distinct,
//     updateOne, updateMany, replaceOne, deleteOne, deleteMany,
//     findOneAndUpdate/Replace/Delete, bulkWrite, createIndex; database
//     operations aggregate, createCollection (viewOn), dropCollection;
//   - expectResult with the matching rules (extra keys only in root-level
//     documents, find/aggregate results' documents being root-level;
//     flexible numbers; arrays of equal length) and the operators $$exists,
//     $$type, $$unsetOrMatches, $$matchesEntity, $$lte, $$matchAsDocument,
//     $$matchAsRoot; saveResultAsEntity; ignoreResultAndError;
//   - expectError: isError, isClientError (not a *CommandError or
//     *WriteException), errorContains, errorCode, errorCodeName,
//     errorLabelsContain/Omit, errorResponse, writeErrors,
//     writeConcernErrors, expectResult (a bulk write's partial result);
//   - expectEvents of command events (started, succeeded, failed) with
//     command/reply (root-level), commandName, databaseName and
//     ignoreExtraEvents. Events come from the client's CommandMonitor;
//     redacted (sensitive) commands are not recorded.
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
// Sessions and transactions ($$sessionLsid fails), the testRunner object
// (failPoint, assertions on sessions, threads), change streams, cursors
// as entities, client operations (clientBulkWrite, listDatabases), log
// and CMAP/SDAM events, storeEventsAsEntities, the deprecated count
// helper, modifyCollection, and entity options the CRUD suite does not
// use. An argument the runner does not read is an error, never ignored.
//
// # Skip policy
//
// A suite has one spectest.Skips list (crudSkips) whose entries each name
// the root cause: what FerretDB lacks, what torque's API lacks, or a bug
// (torque's bugs are reported, never hidden). runOnRequirements and
// skipReason are applied before it, so the list holds only cases the
// server version and topology would allow. Every case that can pass must
// pass: when FerretDB or torque gains a feature, remove its entries.
//
// # Files
//
//	runner.go        Run: files, tests, initialData, operations, outcome
//	requirements.go  server version and topology; runOnRequirements
//	entities.go      the entity map; client, database, collection entities
//	args.go          reading operation arguments, refusing unknown ones
//	operations.go    collection and database reads, inserts, createIndex
//	writes.go        updates, deletes, findAndModify, bulkWrite
//	match.go         the matching rules and special operators
//	expect_error.go  expectError
//	events.go        expectEvents
//	crud_test.go     TestCRUD and its skip list
//
// # Concurrency
//
// A test runs on one goroutine; the client entities' monitors record
// events under a mutex. Every client a test opens is disconnected when the
// test ends, the internal client when Run's test ends.
package unified
