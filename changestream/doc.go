// Package changestream holds what a change stream gives its user: the
// options of Watch (Options), the common shape of an event (Event,
// Namespace, UpdateDescription), ErrMissingResumeToken and the
// ResumableChangeStreamError label; this overview states the rules of
// resume-token tracking and automatic resume (the change streams
// specification's). Streams are opened with the client's Watch helpers
// (Collection.Watch, Database.Watch, Client.Watch), which return a
// *client.ChangeStream; the engine behind it (the $changeStream
// aggregation, its tailable cursor, resume) is internal/stream, which
// runs its commands through internal/driver's executor.
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
//   - options.go: Options, ErrMissingResumeToken, LabelResumable.
//   - event.go: Event, the common shape of a change event.
//
// # Concurrency and buffers
//
// A stream is not safe for concurrent use. It starts no goroutine. Behind
// a load balancer its cursor keeps the connection that opened it (its
// getMore and killCursors must use it) until the cursor ends. Each
// batch stays in the pooled buffer its reply was read into: Current is a
// slice of it, valid until the next Next, TryNext or Close. ResumeToken
// is a slice of the stream's own token buffer, valid until the same
// calls; clone it to keep it.
package changestream
