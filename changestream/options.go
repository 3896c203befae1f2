package changestream

import (
	"errors"
	"time"

	"github.com/torque-go/torque/bson"
)

// Options are the options of a change stream (the watch helpers'
// ChangeStreamOptions). The zero value sends none of them: the server's
// defaults.
type Options struct {
	// FullDocument: "updateLookup", "whenAvailable", "required" or
	// "default"; FullDocumentBeforeChange: "whenAvailable", "required"
	// or "off". Unknown values go to the server as given.
	FullDocument             string
	FullDocumentBeforeChange string

	// ResumeAfter, StartAfter and StartAtOperationTime say where the
	// stream starts: after a resume token (an event's _id or a stream's
	// ResumeToken), after a token even past an invalidate event, or at a
	// cluster time. They are mutually exclusive; the server rejects two.
	ResumeAfter          bson.Raw
	StartAfter           bson.Raw
	StartAtOperationTime *bson.Timestamp

	// BatchSize is the cursor's batch size (0: the server's default).
	BatchSize int32
	// MaxAwaitTime is how long each getMore waits for new events before
	// it returns an empty batch (0: the server's default, one second).
	MaxAwaitTime time.Duration
	// Collation is a document (a struct with bson tags, bson.D, ...).
	Collation any
	// ShowExpandedEvents asks for DDL events (createIndexes, create,
	// modify ...) as well, MongoDB 6.0+.
	ShowExpandedEvents bool
	// Comment is attached to the aggregate, and to getMore on 4.4+.
	Comment any
}

// ErrMissingResumeToken is the error of an event without an _id (a
// pipeline stage removed it): the stream cannot resume after it, so it
// stops. The message is the one the specification asks for.
var ErrMissingResumeToken = errors.New("changestream: Cannot provide resume functionality when the resume token is missing")

// LabelResumable is the label a 4.4+ server puts on the errors after which
// a change stream may resume.
const LabelResumable = "ResumableChangeStreamError"
