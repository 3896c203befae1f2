package gridfs

import (
	"errors"
	"fmt"
)

var (
	// ErrFileNotFound is the error (possibly wrapped, with the id or name
	// that was asked for) when no files document matches.
	ErrFileNotFound = errors.New("gridfs: file not found")
	// ErrStreamClosed is the error of a stream used after Close or Abort.
	ErrStreamClosed = errors.New("gridfs: stream is closed")

	// The kinds of ChunkError, for errors.Is.
	ErrChunkMissing   = errors.New("gridfs: chunk is missing")
	ErrChunkWrongSize = errors.New("gridfs: chunk is the wrong size")
	ErrExtraChunk     = errors.New("gridfs: unexpected extra chunk")
)

// ChunkError reports a stored file whose chunks do not match its files
// document: a chunk missing, of the wrong size, or one too many. It
// unwraps to ErrChunkMissing, ErrChunkWrongSize or ErrExtraChunk.
type ChunkError struct {
	FileID any   // the file's _id
	N      int64 // the chunk number that was expected (or found, for an extra chunk)
	Kind   error // ErrChunkMissing, ErrChunkWrongSize or ErrExtraChunk
	// Got and Want are the data sizes, for ErrChunkWrongSize.
	Got, Want int
}

func (e *ChunkError) Error() string {
	if e.Kind == ErrChunkWrongSize {
		return fmt.Sprintf("%v: file %v, chunk %d has %d bytes, want %d", e.Kind, e.FileID, e.N, e.Got, e.Want)
	}
	return fmt.Sprintf("%v: file %v, chunk %d", e.Kind, e.FileID, e.N)
}

func (e *ChunkError) Unwrap() error { return e.Kind }
