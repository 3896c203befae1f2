package gridfs

import (
	"errors"
	"fmt"
	"time"

	"github.com/torque-go/torque/bson"
)

// File describes one stored file: its files collection document. Decode
// the documents of Find's cursor into it (cur.Decode(&f)).
type File struct {
	ID         any       // _id, usually a bson.ObjectID
	Length     int64     // the file's size in bytes
	ChunkSize  int32     // the size of every chunk but the last
	UploadDate time.Time // when the upload finished
	Name       string    // "filename"; "" for legacy files without one
	Metadata   bson.Raw  // the application's "metadata" document, nil when absent
	// Raw is the whole files document, copied (legacy fields such as md5,
	// contentType and aliases are there).
	Raw bson.Raw

	id bson.RawValue // _id as stored, for the queries on the chunks
}

// UnmarshalBSON reads a files collection document. Length and chunkSize
// may be stored as any numeric type (older drivers and the shell differ).
func (f *File) UnmarshalBSON(data []byte) error {
	doc := bson.Raw(append([]byte(nil), data...))
	if err := doc.Validate(); err != nil {
		return fmt.Errorf("gridfs: files document: %w", err)
	}
	*f = File{Raw: doc, id: doc.Lookup("_id")}
	if f.id.IsZero() {
		return errors.New("gridfs: files document has no _id")
	}
	if err := f.id.Unmarshal(&f.ID); err != nil {
		return fmt.Errorf("gridfs: files document _id: %w", err)
	}
	length, ok := doc.Lookup("length").AsInt64()
	if !ok || length < 0 {
		return fmt.Errorf("gridfs: files document %v: length is %v, want a non-negative integer", f.ID, doc.Lookup("length"))
	}
	f.Length = length
	size, ok := doc.Lookup("chunkSize").AsInt64()
	switch {
	case ok && size > 0 && size <= 1<<31-1:
		f.ChunkSize = int32(size)
	case length > 0: // an empty file needs no chunk size
		return fmt.Errorf("gridfs: files document %v: chunkSize is %v, want a positive int32", f.ID, doc.Lookup("chunkSize"))
	}
	if t, ok := doc.Lookup("uploadDate").Time(); ok {
		f.UploadDate = t
	}
	f.Name, _ = doc.Lookup("filename").StringValue()
	f.Metadata, _ = doc.Lookup("metadata").Document()
	return nil
}

// numChunks is how many chunks the file has.
func (f *File) numChunks() int64 {
	if f.Length == 0 {
		return 0
	}
	return (f.Length + int64(f.ChunkSize) - 1) / int64(f.ChunkSize)
}

// chunkLen is the data size chunk n must have.
func (f *File) chunkLen(n int64) int {
	if n == f.numChunks()-1 {
		return int(f.Length - n*int64(f.ChunkSize))
	}
	return int(f.ChunkSize)
}
