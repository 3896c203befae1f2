// Package changestream implements change streams: the $changeStream
// aggregation, its tailable cursor, resume-token tracking and the
// automatic resume of the change streams specification. Applications
// reach it through the client's Watch helpers (Collection.Watch,
// Database.Watch, Client.Watch), which fill in a Target and call Open;
// this package runs its commands through internal/driver's executor.
//
// A stream caches the token it would resume from: the start token
// (StartAfter, else ResumeAfter), then, for each batch, its
// postBatchResumeToken when the batch is empty or its last event has
// been returned, else the _id of the event returned. ResumeToken gives
// it, also after TryNext calls that found nothing: store it to restart
// a stream later. To see every update of the token, iterate with TryNext:
//
//	for {
//		ok := cs.TryNext(ctx)
//		save(bytes.Clone(cs.ResumeToken())) // the latest, even when no event came
//		if ok {
//			handle(cs.Current)
//			continue
//		}
//		if cs.Err() != nil || cs.ID() == 0 {
//			break // failed, or the server ended the stream (invalidate)
//		}
//	}
//
// Open the stream with ResumeAfter (or StartAfter, after an invalidate)
// set to the saved token to continue after a restart.
//
// After a resumable error of a getMore (a network error, CursorNotFound,
// a ResumableChangeStreamError label from a 4.4+ server, or one of the
// specification's codes from an older one) the stream resumes once: it
// kills the old cursor on its server (errors ignored), selects a server
// with the original read preference, and runs the aggregate again in the
// same session with startAfter (a stream started with StartAfter that has
// returned nothing yet), else resumeAfter with the cached token, else
// startAtOperationTime (the user's, or the first aggregate's
// operationTime), else nothing. Any other error, and any error of an
// aggregate, is returned and closes the stream. An event without _id
// closes it with ErrMissingResumeToken. An error of the caller's context
// leaves the stream open.
//
// # Files
//
//   - options.go: Options, Target, the aggregate command and its
//     $changeStream stage.
//   - stream.go: Stream, Open, Next/TryNext/Decode/Iter, token caching,
//     Close.
//   - cursor.go: the server-side cursor: batches, getMore, killCursors.
//   - resume.go: which errors are resumable, the resume option, resume.
//   - event.go: Event, the common shape of a change event.
//
// # Concurrency and buffers
//
// A Stream is not safe for concurrent use. It starts no goroutine. Behind
// a load balancer its cursor keeps the connection that opened it (its
// getMore and killCursors must use it) until the cursor ends. Each
// batch stays in the pooled buffer its reply was read into: Current is a
// slice of it, valid until the next Next, TryNext or Close. ResumeToken
// is a slice of the stream's own token buffer, valid until the same
// calls; clone it to keep it.
package changestream
