package gridfs

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

// DownloadStream reads one stored file: an io.ReadSeekCloser (and an
// io.WriterTo, which io.Copy uses). It checks every chunk it reads: the
// expected number n, the expected size, none missing and, when read to
// the end, none extra; a mismatch is a *ChunkError. A stream is used by one
// goroutine at a time; its I/O runs under the context it was opened with.
// Close it to release its cursor.
type DownloadStream struct {
	b      *Bucket
	ctx    context.Context
	cancel context.CancelFunc // ends the stream's timeoutMS (timeout.go)
	file   File

	cur   *client.Cursor // over the chunks from number next on; nil until needed
	next  int64          // the chunk number cur gives next
	data  []byte         // chunk dataN's data: a slice of cur's batch
	dataN int64          // -1 when data holds no chunk
	pos   int64          // the read offset in the file
	err   error          // a chunk error: the stream stays failed
	done  bool           // closed
}

// OpenDownloadStream opens the file id for reading, or returns an error
// wrapping ErrFileNotFound.
func (b *Bucket) OpenDownloadStream(ctx context.Context, id any) (*DownloadStream, error) {
	ctx, cancel := b.bound(ctx)
	return withCancel(b.openDownload(ctx, id))(cancel)
}

func (b *Bucket) openDownload(ctx context.Context, id any) (*DownloadStream, error) {
	idv, err := b.fileID(id)
	if err != nil {
		return nil, err
	}
	res := b.files.FindOne(ctx, eqFilter("_id", idv))
	if errors.Is(res.Err(), client.ErrNoDocuments) {
		return nil, fmt.Errorf("%w: no file with id %v", ErrFileNotFound, idv)
	}
	return b.newDownload(ctx, res)
}

// OpenDownloadStreamByName opens one revision of the file filename (files
// with the same name are revisions, ordered by uploadDate): 0 is the
// original, 1 the first revision, ...; -1 the latest, -2 the one before.
// No such file, or no such revision, is an error wrapping ErrFileNotFound.
func (b *Bucket) OpenDownloadStreamByName(ctx context.Context, filename string, revision int) (*DownloadStream, error) {
	ctx, cancel := b.bound(ctx)
	return withCancel(b.openDownloadByName(ctx, filename, revision))(cancel)
}

func (b *Bucket) openDownloadByName(ctx context.Context, filename string, revision int) (*DownloadStream, error) {
	byName := bson.D{bson.KV("filename", filename)}
	o := client.FindOneOptions{Sort: bson.D{bson.KV("uploadDate", 1)}, Skip: int64(revision)}
	if revision < 0 {
		o = client.FindOneOptions{Sort: bson.D{bson.KV("uploadDate", -1)}, Skip: int64(-revision - 1)}
	}
	res := b.files.FindOne(ctx, byName, o)
	if !errors.Is(res.Err(), client.ErrNoDocuments) {
		return b.newDownload(ctx, res)
	}
	err := b.files.FindOne(ctx, byName, client.FindOneOptions{Projection: bson.D{bson.KV("_id", 1)}}).Err()
	switch {
	case errors.Is(err, client.ErrNoDocuments):
		return nil, fmt.Errorf("%w: no file named %q", ErrFileNotFound, filename)
	case err != nil:
		return nil, err
	}
	return nil, fmt.Errorf("%w: file %q has no revision %d", ErrFileNotFound, filename, revision)
}

func (b *Bucket) newDownload(ctx context.Context, res client.SingleResult) (*DownloadStream, error) {
	d := &DownloadStream{b: b, ctx: ctx, dataN: -1}
	if err := res.Decode(&d.file); err != nil {
		return nil, err
	}
	return d, nil
}

// DownloadToStream writes the file id to w and returns the bytes written.
// It does not close w.
func (b *Bucket) DownloadToStream(ctx context.Context, id any, w io.Writer) (int64, error) {
	d, err := b.OpenDownloadStream(ctx, id)
	if err != nil {
		return 0, err
	}
	return d.copyAndClose(w)
}

// DownloadToStreamByName writes one revision of filename to w (see
// OpenDownloadStreamByName) and returns the bytes written.
func (b *Bucket) DownloadToStreamByName(ctx context.Context, filename string, revision int, w io.Writer) (int64, error) {
	d, err := b.OpenDownloadStreamByName(ctx, filename, revision)
	if err != nil {
		return 0, err
	}
	return d.copyAndClose(w)
}

func (d *DownloadStream) copyAndClose(w io.Writer) (int64, error) {
	n, err := d.WriteTo(w)
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// File returns the file's description (its files document).
func (d *DownloadStream) File() File { return d.file }

// Read reads the file from the current offset.
func (d *DownloadStream) Read(p []byte) (int, error) {
	rest, err := d.current()
	if err != nil {
		return 0, err
	}
	k := copy(p, rest)
	d.pos += int64(k)
	return k, nil
}

// WriteTo writes the rest of the file to w, straight from the chunks.
func (d *DownloadStream) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for {
		rest, err := d.current()
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
		k, err := w.Write(rest)
		d.pos += int64(k)
		total += int64(k)
		if err != nil {
			return total, err
		}
	}
}

// Seek sets the offset of the next Read (io.Seeker). Seeking loads
// nothing: the next Read fetches the chunk it needs.
func (d *DownloadStream) Seek(offset int64, whence int) (int64, error) {
	if d.done {
		return 0, ErrStreamClosed
	}
	switch whence {
	case io.SeekCurrent:
		offset += d.pos
	case io.SeekEnd:
		offset += d.file.Length
	case io.SeekStart:
	default:
		return d.pos, fmt.Errorf("gridfs: Seek: invalid whence %d", whence)
	}
	if offset < 0 {
		return d.pos, fmt.Errorf("gridfs: Seek to negative offset %d", offset)
	}
	d.pos = offset
	return offset, nil
}

// Close releases the stream's cursor. Reads after Close fail.
func (d *DownloadStream) Close() error {
	if d.done {
		return nil
	}
	d.done = true
	err := d.closeCursor()
	if d.cancel != nil {
		d.cancel()
	}
	return err
}

func (d *DownloadStream) closeCursor() error {
	d.data, d.dataN = nil, -1
	if d.cur == nil {
		return nil
	}
	err := d.cur.Close(d.ctx)
	d.cur = nil
	return err
}

// current returns the unread part of the chunk that holds pos, fetching
// it when needed, or io.EOF at the end of the file.
func (d *DownloadStream) current() ([]byte, error) {
	switch {
	case d.done:
		return nil, ErrStreamClosed
	case d.err != nil:
		return nil, d.err
	case d.pos >= d.file.Length:
		if d.err = d.checkNoExtra(); d.err != nil {
			return nil, d.err
		}
		return nil, io.EOF // not kept: a Seek may move back
	}
	size := int64(d.file.ChunkSize)
	n := d.pos / size
	if d.dataN != n {
		if err := d.load(n); err != nil {
			d.err = err
			return nil, err
		}
	}
	return d.data[d.pos-n*size:], nil
}

// load makes chunk n the current one: the cursor's next chunk when it is
// there, else through a new cursor that starts at n (after a Seek).
func (d *DownloadStream) load(n int64) error {
	if d.cur == nil || d.next != n {
		if err := d.closeCursor(); err != nil {
			return err
		}
		filter, err := d.chunkFilter(n)
		if err != nil {
			return err
		}
		d.cur, err = d.b.chunks.Find(d.ctx, filter, client.FindOptions{Sort: bson.D{bson.KV("n", 1)}})
		if err != nil {
			return err
		}
		d.next = n
	}
	if !d.cur.Next(d.ctx) {
		if err := d.cur.Err(); err != nil {
			return err
		}
		return &ChunkError{FileID: d.file.ID, N: n, Kind: ErrChunkMissing}
	}
	if err := d.cur.Current.ValidateStructure(); err != nil { // framed only on arrival
		return fmt.Errorf("gridfs: file %v: chunk %d is malformed: %w", d.file.ID, n, err)
	}
	got, ok := d.cur.Current.Lookup("n").AsInt64()
	switch {
	case !ok:
		return fmt.Errorf("gridfs: file %v: a chunk's n is %v, want an integer", d.file.ID, d.cur.Current.Lookup("n"))
	case got > n:
		return &ChunkError{FileID: d.file.ID, N: n, Kind: ErrChunkMissing}
	case got < n: // only without the unique index: a chunk number twice
		return &ChunkError{FileID: d.file.ID, N: got, Kind: ErrExtraChunk}
	}
	bin, ok := d.cur.Current.Lookup("data").Binary()
	if !ok {
		return fmt.Errorf("gridfs: file %v: chunk %d's data is not binary", d.file.ID, n)
	}
	if want := d.file.chunkLen(n); len(bin.Data) != want {
		return &ChunkError{FileID: d.file.ID, N: n, Kind: ErrChunkWrongSize, Got: len(bin.Data), Want: want}
	}
	d.data, d.dataN, d.next = bin.Data, n, n+1
	return nil
}

// chunkFilter selects the file's chunks from number n on.
func (d *DownloadStream) chunkFilter(n int64) (bson.Raw, error) {
	start, dst := bson.AppendDocumentStart(nil)
	dst = appendEq(dst, "files_id", d.file.id)
	if n > 0 {
		s, out := bson.AppendDocumentElementStart(dst, "n")
		out = bson.AppendInt64Element(out, "$gte", n)
		dst, _ = bson.AppendDocumentEnd(out, s)
	}
	return bson.AppendDocumentEnd(dst, start)
}

// checkNoExtra, at the end of a file read through to its last chunk,
// makes sure no chunk follows it. (A zero-length file reads no chunks.)
func (d *DownloadStream) checkNoExtra() error {
	if d.cur == nil || d.next != d.file.numChunks() {
		return nil
	}
	extra := d.cur.Next(d.ctx)
	var err error
	if extra {
		got, _ := d.cur.Current.Lookup("n").AsInt64()
		err = &ChunkError{FileID: d.file.ID, N: got, Kind: ErrExtraChunk}
	} else {
		err = d.cur.Err()
	}
	if cerr := d.closeCursor(); err == nil {
		err = cerr
	}
	return err
}
