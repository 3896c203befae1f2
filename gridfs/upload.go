package gridfs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/torque-go/torque/bson"
)

// UploadOptions are the options of one upload.
type UploadOptions struct {
	// ChunkSize overrides the bucket's chunk size for this file.
	ChunkSize int32
	// Metadata is the files document's "metadata" field (any value that
	// marshals to a document); nil leaves the field out.
	Metadata any
}

// batchBytes is about how much file data one insert command carries (a
// variable for the tests).
var batchBytes = 4 << 20

// UploadStream writes one file: an io.WriteCloser. Write buffers the data
// and inserts the chunks, a batch at a time, as they fill; Close inserts
// the last chunk and then the files document, which makes the file
// visible. Abort instead deletes the chunks written so far. A stream is
// used by one goroutine at a time; its I/O runs under the context it was
// opened with.
type UploadStream struct {
	b         *Bucket
	ctx       context.Context
	cancel    context.CancelFunc // ends the stream's timeoutMS (timeout.go)
	id        bson.RawValue
	goID      any
	filename  string
	chunkSize int
	metadata  bson.Raw

	buf    []byte // data not yet inserted: whole chunks, then a partial one
	batch  int    // flush when buf holds this much (whole chunks); buf grows up to it
	docs   []byte // the chunk documents of one insert, reused
	n      int64  // the number of the next chunk to insert
	length int64
	done   bool  // closed or aborted
	err    error // the first write error: the stream is unusable after it
}

// OpenUploadStream starts a file named filename with a new ObjectID as
// its id (see ID).
func (b *Bucket) OpenUploadStream(ctx context.Context, filename string, opts ...UploadOptions) (*UploadStream, error) {
	return b.OpenUploadStreamWithID(ctx, bson.NewObjectID(), filename, opts...)
}

// OpenUploadStreamWithID starts a file with the id given (any BSON value
// but an array; unique in the bucket).
func (b *Bucket) OpenUploadStreamWithID(ctx context.Context, id any, filename string, opts ...UploadOptions) (*UploadStream, error) {
	ctx, cancel := b.bound(ctx)
	u, err := b.openUpload(ctx, id, filename, opts)
	if err != nil {
		cancel()
		return nil, err
	}
	u.cancel = cancel
	return u, nil
}

func (b *Bucket) openUpload(ctx context.Context, id any, filename string, opts []UploadOptions) (*UploadStream, error) {
	var o UploadOptions
	switch len(opts) {
	case 0:
	case 1:
		o = opts[0]
	default:
		return nil, errors.New("gridfs: pass at most one UploadOptions")
	}
	idv, err := b.fileID(id)
	if err != nil {
		return nil, err
	}
	if o.ChunkSize < 0 {
		return nil, fmt.Errorf("gridfs: UploadOptions.ChunkSize is %d, want a positive size", o.ChunkSize)
	}
	size := int(b.chunkSize)
	if o.ChunkSize > 0 {
		size = int(o.ChunkSize)
	}
	u := &UploadStream{b: b, ctx: ctx, id: idv, goID: id, filename: filename, chunkSize: size}
	if o.Metadata != nil {
		if u.metadata, err = b.files.Encoder().Marshal(o.Metadata); err != nil {
			return nil, fmt.Errorf("gridfs: UploadOptions.Metadata: %w", err)
		}
	}
	u.batch = max(1, batchBytes/size) * size
	return u, nil
}

// ID returns the file's id.
func (u *UploadStream) ID() any { return u.goID }

// Write adds p to the file, inserting chunks when a batch fills.
func (u *UploadStream) Write(p []byte) (int, error) {
	if u.done {
		return 0, ErrStreamClosed
	}
	if u.err != nil {
		return 0, u.err
	}
	written := 0
	for len(p) > 0 {
		k := min(len(p), u.batch-len(u.buf))
		u.buf = append(u.buf, p[:k]...)
		p, written = p[k:], written+k
		if len(u.buf) == u.batch {
			if err := u.flush(); err != nil {
				return written, err
			}
		}
	}
	return written, nil
}

// ReadFrom reads r to its end into the file (io.Copy uses it), filling the
// stream's buffer directly.
func (u *UploadStream) ReadFrom(r io.Reader) (int64, error) {
	var total int64
	for !u.done && u.err == nil {
		if len(u.buf) == cap(u.buf) { // grow by doubling, from 64 KiB up to a batch
			u.buf = slices.Grow(u.buf, min(u.batch-len(u.buf), max(len(u.buf), 64<<10)))
		}
		k, err := r.Read(u.buf[len(u.buf):min(cap(u.buf), u.batch)])
		u.buf = u.buf[:len(u.buf)+k]
		total += int64(k)
		if len(u.buf) == u.batch {
			if ferr := u.flush(); ferr != nil {
				return total, ferr
			}
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
	if u.done {
		return total, ErrStreamClosed
	}
	return total, u.err
}

// flush inserts the buffered data as chunks, in one InsertMany. The
// buffer holds whole chunks, except at Close, where the last may be short.
func (u *UploadStream) flush() error {
	if len(u.buf) == 0 {
		return nil
	}
	if err := u.b.ensureIndexes(u.ctx); err != nil {
		u.err = err
		return err
	}
	count := (len(u.buf) + u.chunkSize - 1) / u.chunkSize
	if u.n+int64(count) > 1<<31-1 {
		u.err = fmt.Errorf("gridfs: file %v needs more than 2^31-1 chunks: use a larger ChunkSize", u.goID)
		return u.err
	}
	bounds := make([]int, count+1) // chunk i is u.docs[bounds[i]:bounds[i+1]]
	u.docs = u.docs[:0]
	for i := range count {
		off := i * u.chunkSize
		u.docs = u.appendChunk(u.docs, u.n+int64(i), u.buf[off:min(off+u.chunkSize, len(u.buf))])
		bounds[i+1] = len(u.docs)
	}
	docs := make([]any, count)
	for i := range docs {
		docs[i] = bson.Raw(u.docs[bounds[i]:bounds[i+1]])
	}
	if _, err := u.b.chunks.InsertMany(u.ctx, docs); err != nil {
		u.err = err
		return err
	}
	u.n += int64(count)
	u.length += int64(len(u.buf))
	u.buf = u.buf[:0]
	return nil
}

// appendChunk appends the chunk document {_id, files_id, n, data}.
func (u *UploadStream) appendChunk(dst []byte, n int64, data []byte) []byte {
	start, dst := bson.AppendDocumentStart(dst)
	dst = bson.AppendObjectIDElement(dst, "_id", bson.NewObjectID())
	dst = append(bson.AppendHeader(dst, u.id.Type, "files_id"), u.id.Value...)
	dst = bson.AppendInt32Element(dst, "n", int32(n))
	dst = bson.AppendBinaryElement(dst, "data", bson.BinaryGeneric, data)
	dst, _ = bson.AppendDocumentEnd(dst, start)
	return dst
}

// Close inserts the data still buffered and then the files document.
// Writes after Close fail; a second Close returns ErrStreamClosed.
func (u *UploadStream) Close() error {
	if u.done {
		return ErrStreamClosed
	}
	if u.err != nil {
		return u.err
	}
	if err := u.flush(); err != nil {
		return err
	}
	if err := u.b.ensureIndexes(u.ctx); err != nil {
		return err
	}
	u.done = true
	_, err := u.b.files.InsertOne(u.ctx, u.filesDoc())
	u.cancel()
	return err
}

func (u *UploadStream) filesDoc() bson.Raw {
	start, dst := bson.AppendDocumentStart(nil)
	dst = append(bson.AppendHeader(dst, u.id.Type, "_id"), u.id.Value...)
	dst = bson.AppendInt64Element(dst, "length", u.length)
	dst = bson.AppendInt32Element(dst, "chunkSize", int32(u.chunkSize))
	dst = bson.AppendDateTimeElement(dst, "uploadDate", time.Now().UnixMilli())
	dst = bson.AppendStringElement(dst, "filename", u.filename)
	if u.metadata != nil {
		dst = bson.AppendDocumentElement(dst, "metadata", u.metadata)
	}
	dst, _ = bson.AppendDocumentEnd(dst, start)
	return dst
}

// Abort ends the upload without a files document and deletes the chunks
// already inserted. Writes and Close after Abort fail.
func (u *UploadStream) Abort() error {
	if u.done {
		return ErrStreamClosed
	}
	u.done = true
	u.buf = nil
	_, err := u.b.chunks.DeleteMany(u.ctx, eqFilter("files_id", u.id))
	u.cancel()
	return err
}

// UploadFromStream stores everything read from r (to io.EOF) as a file
// named filename with a new ObjectID, and returns that id. It does not
// close r. When r fails, the chunks already stored are deleted and r's
// error is returned.
func (b *Bucket) UploadFromStream(ctx context.Context, filename string, r io.Reader, opts ...UploadOptions) (bson.ObjectID, error) {
	id := bson.NewObjectID()
	return id, b.UploadFromStreamWithID(ctx, id, filename, r, opts...)
}

// UploadFromStreamWithID is UploadFromStream with the id given.
func (b *Bucket) UploadFromStreamWithID(ctx context.Context, id any, filename string, r io.Reader, opts ...UploadOptions) error {
	u, err := b.OpenUploadStreamWithID(ctx, id, filename, opts...)
	if err != nil {
		return err
	}
	if _, err := u.ReadFrom(r); err != nil {
		if u.err == nil { // the reader failed, not the server
			_ = u.Abort()
		}
		return err
	}
	return u.Close()
}
