// Package stream is the engine of change streams behind client's Watch
// helpers and *client.ChangeStream: the $changeStream aggregation (Open),
// its tailable cursor (getMore, killCursors, batches in pooled buffers),
// resume-token caching, and the automatic resume of the change streams
// specification, as package changestream's overview states the rules. It
// runs every command through internal/driver's executor (Executor, an
// interface so that the tests can fake it).
//
// # Files
//
//   - command.go: Target, the aggregate command and its $changeStream
//     stage, the options' wire versions.
//   - stream.go: Stream, Open, Next/TryNext/Decode/Iter, token caching,
//     Close.
//   - cursor.go: the server-side cursor: batches (and what is left of one),
//     getMore, killCursors.
//   - resume.go: which errors are resumable, the resume option, resume.
//
// # Concurrency and buffers
//
// A Stream is not safe for concurrent use. It starts no goroutine. Behind
// a load balancer its cursor keeps the connection that opened it (its
// getMore and killCursors must use it) until the cursor ends; after a
// network error on it, until the resume (or Close) gives it back to the
// pool, which closes it, with no killCursors. Each
// batch stays in the pooled buffer its reply was read into: Current is a
// slice of it, valid until the next Next, TryNext or Close. A batch is only
// framed on arrival (driver.Operation.LazyBatch); each event is checked
// whole (ValidateStructure) before Next hands it out and takes its resume
// token, so a malformed event ends the stream and never becomes its
// resume point. ResumeToken
// is a slice of the stream's own token buffer, valid until the same
// calls; clone it to keep it.
package stream
