package stream

import (
	"context"
	"errors"

	"github.com/torque-go/torque/changestream"
	"github.com/torque-go/torque/internal/driver"
)

// codeCursorNotFound is resumable whatever the server's version: the
// server cannot tell that the cursor it lost was a change stream's.
const codeCursorNotFound = 43

// resumableCodes are the codes of the errors a server older than 4.4
// (wire version 9) reports for a resumable failure: the specification's
// allow list.
var resumableCodes = map[int32]bool{
	6: true, 7: true, 89: true, 91: true, 189: true, 262: true, 9001: true, 10107: true,
	11600: true, 11602: true, 13435: true, 13436: true, 63: true, 150: true, 13388: true,
	234: true, 133: true,
}

// resumable reports whether err, the error of a getMore on a server of the
// given wire version, allows the stream to resume: a network error,
// CursorNotFound, and then the ResumableChangeStreamError label (4.4+) or
// the allow list of codes (older servers). Anything else, and every
// error of an aggregate, is final.
func resumable(err error, wire int32) bool {
	var se *driver.Error
	if errors.As(err, &se) {
		switch {
		case se.Code == codeCursorNotFound:
			return true
		case wire >= minWireResumableLabel:
			return se.HasLabel(changestream.LabelResumable)
		}
		return resumableCodes[se.Code]
	}
	return driver.IsNetworkError(err)
}

// resumePoint applies the resume rules: the cached token as startAfter
// while a stream started with startAfter has returned no event, else as
// resumeAfter; with no token, the saved operation time on 4.0+; else
// nothing (the original command without a start option).
func (s *Stream) resumePoint() resumePoint {
	switch {
	case len(s.token) > 0 && s.opts.StartAfter != nil && !s.returned:
		return resumePoint{key: "startAfter", token: s.token}
	case len(s.token) > 0:
		return resumePoint{key: "resumeAfter", token: s.token}
	case s.hasOpTime && s.cursor.wire >= minWireStartAtOperationTime:
		return resumePoint{key: "startAtOperationTime", ts: s.opTime}
	}
	return resumePoint{}
}

// resume runs the resume process once: kill the old cursor on its server
// (errors ignored), then a new aggregate, in the same session, selected
// with the original read preference, starting at resumePoint.
func (s *Stream) resume(ctx context.Context) error {
	_ = s.killCursor(ctx)
	s.cursor.release()
	s.resumes++
	return s.aggregate(ctx, false)
}
