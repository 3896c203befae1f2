package gridfs_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/gridfs"
	"github.com/torque-go/torque/internal/testenv"
)

var dbSeq atomic.Int64

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// realDB connects to the test server and returns a fresh database that is
// dropped when the test ends.
func realDB(t *testing.T) *client.Database {
	t.Helper()
	uri := testenv.URI(t)
	c, err := client.Connect(context.Background(), uri)
	if err != nil {
		t.Fatal(err)
	}
	db := c.Database(fmt.Sprintf("torque_gridfs_%d_%d", time.Now().UnixNano()%1e6, dbSeq.Add(1)))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := db.Drop(ctx); err != nil {
			t.Errorf("dropping %s: %v", db.Name(), err)
		}
		if err := c.Disconnect(ctx); err != nil {
			t.Errorf("Disconnect: %v", err)
		}
	})
	return db
}

func newBucket(t *testing.T, opts ...gridfs.BucketOptions) *gridfs.Bucket {
	t.Helper()
	b, err := gridfs.NewBucket(realDB(t), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 7))
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(r.Uint32())
	}
	return p
}

func download(t *testing.T, b *gridfs.Bucket, id any) []byte {
	t.Helper()
	var buf bytes.Buffer
	n, err := b.DownloadToStream(ctxT(t), id, &buf)
	if err != nil {
		t.Fatalf("DownloadToStream(%v): %v", id, err)
	}
	if n != int64(buf.Len()) {
		t.Errorf("DownloadToStream returned %d, wrote %d", n, buf.Len())
	}
	return buf.Bytes()
}

// chunksOf returns the file's chunk documents in n order.
func chunksOf(t *testing.T, b *gridfs.Bucket, id any) []bson.Raw {
	t.Helper()
	ctx := ctxT(t)
	cur, err := b.ChunksCollection().Find(ctx, bson.D{bson.KV("files_id", id)}, client.FindOptions{Sort: bson.D{bson.KV("n", 1)}})
	if err != nil {
		t.Fatal(err)
	}
	var out []bson.Raw
	if err := cur.All(ctx, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func count(t *testing.T, coll *client.Collection, filter any) int64 {
	t.Helper()
	n, err := coll.CountDocuments(ctxT(t), filter)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRoundTrip uploads files around the chunk and batch boundaries and
// checks the stored documents and the bytes read back. (Covers upload.json
// "upload when length is 0/1/3/4/5/8" and download.json "one/two/three
// chunks", with chunk size 1000 instead of 4.)
func TestRoundTrip(t *testing.T) {
	defer gridfs.SetBatchBytes(4000)() // 4 chunks per insert
	const size = 1000
	b := newBucket(t, gridfs.BucketOptions{ChunkSize: size})
	ctx := ctxT(t)
	for _, n := range []int{0, 1, size - 1, size, size + 1, 4 * size, 4*size + 1, 10*size + 500} {
		data := randomBytes(n, uint64(n))
		id, err := b.UploadFromStream(ctx, fmt.Sprintf("f%d", n), bytes.NewReader(data))
		if err != nil {
			t.Fatalf("upload %d bytes: %v", n, err)
		}
		if got := download(t, b, id); !bytes.Equal(got, data) {
			t.Fatalf("%d bytes: downloaded %d bytes that differ", n, len(got))
		}
		var f gridfs.File
		if err := b.FilesCollection().FindOne(ctx, bson.D{bson.KV("_id", id)}).Decode(&f); err != nil {
			t.Fatal(err)
		}
		if f.Length != int64(n) || f.ChunkSize != size || f.Name != fmt.Sprintf("f%d", n) || f.Metadata != nil ||
			time.Since(f.UploadDate) > time.Minute {
			t.Errorf("%d bytes: files document %+v", n, f)
		}
		if typ := f.Raw.Lookup("length").Type; typ != bson.TypeInt64 {
			t.Errorf("length stored as %v, want int64", typ)
		}
		chunks := chunksOf(t, b, id)
		if want := (n + size - 1) / size; len(chunks) != want {
			t.Fatalf("%d bytes: %d chunks, want %d", n, len(chunks), want)
		}
		for i, c := range chunks {
			bin, _ := c.Lookup("data").Binary()
			nv, _ := c.Lookup("n").Int32()
			if int(nv) != i || bin.Subtype != 0 || !bytes.Equal(bin.Data, data[i*size:min((i+1)*size, n)]) {
				t.Errorf("%d bytes: chunk %d has n %d, subtype %d, %d bytes", n, i, nv, bin.Subtype, len(bin.Data))
			}
		}
	}
}

// TestLargeFile streams a few MiB with the default chunk size through odd
// write and read sizes, and seeks.
func TestLargeFile(t *testing.T) {
	b := newBucket(t)
	ctx := ctxT(t)
	data := randomBytes(3<<20+7, 1)
	up, err := b.OpenUploadStream(ctx, "large", gridfs.UploadOptions{Metadata: bson.D{bson.KV("kind", "test")}})
	if err != nil {
		t.Fatal(err)
	}
	for p := data; len(p) > 0; {
		k := min(len(p), 10007)
		if n, err := up.Write(p[:k]); err != nil || n != k {
			t.Fatalf("Write = %d, %v", n, err)
		}
		p = p[k:]
	}
	if err := up.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := up.Write([]byte("x")); !errors.Is(err, gridfs.ErrStreamClosed) {
		t.Errorf("Write after Close: %v, want ErrStreamClosed", err)
	}
	down, err := b.OpenDownloadStream(ctx, up.ID())
	if err != nil {
		t.Fatal(err)
	}
	defer down.Close()
	if f := down.File(); f.ChunkSize != gridfs.DefaultChunkSize || f.Length != int64(len(data)) || f.Metadata.Lookup("kind").String() == "" {
		t.Errorf("File() = %+v", f)
	}
	var got bytes.Buffer
	// struct{io.Reader} hides WriteTo: this reads through Read, 777 bytes at a time.
	if _, err := io.CopyBuffer(&got, struct{ io.Reader }{down}, make([]byte, 777)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), data) {
		t.Fatal("read back different bytes")
	}
	for _, off := range []int64{gridfs.DefaultChunkSize*5 + 3, 10, int64(len(data)) - 5, gridfs.DefaultChunkSize} {
		if pos, err := down.Seek(off, io.SeekStart); err != nil || pos != off {
			t.Fatalf("Seek(%d) = %d, %v", off, pos, err)
		}
		p := make([]byte, 300)
		n, err := io.ReadFull(down, p)
		want := data[off:min(off+300, int64(len(data)))]
		if (err != nil && err != io.ErrUnexpectedEOF) || !bytes.Equal(p[:n], want) {
			t.Fatalf("after Seek(%d): read %d bytes, %v", off, n, err)
		}
	}
	if pos, err := down.Seek(-2, io.SeekEnd); err != nil || pos != int64(len(data))-2 {
		t.Fatalf("Seek(-2, End) = %d, %v", pos, err)
	}
	if rest, err := io.ReadAll(down); err != nil || !bytes.Equal(rest, data[len(data)-2:]) {
		t.Fatalf("ReadAll after SeekEnd = %x, %v", rest, err)
	}
	if _, err := down.Seek(-1, io.SeekStart); err == nil {
		t.Error("Seek to -1 succeeded")
	}
	// The same bytes through UploadFromStream (ReadFrom's growing buffer)
	// and DownloadToStream (WriteTo).
	id, err := b.UploadFromStream(ctx, "large", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(download(t, b, id), data) {
		t.Fatal("UploadFromStream: read back different bytes")
	}
}

func TestIndexes(t *testing.T) {
	b := newBucket(t, gridfs.BucketOptions{Name: "media"})
	ctx := ctxT(t)
	// A files index made by the shell (doubles) must be taken as the one.
	if _, err := b.FilesCollection().Indexes().CreateOne(ctx, client.IndexModel{
		Keys:    bson.D{bson.KV("filename", 1.0), bson.KV("uploadDate", 1.0)},
		Options: client.IndexOptions{Name: "shell_made"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.UploadFromStream(ctx, "a", strings.NewReader("abc")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		coll   *client.Collection
		keys   bson.D
		unique bool
	}{{b.FilesCollection(), gridfs.FilesIndex, false}, {b.ChunksCollection(), gridfs.ChunksIndex, true}} {
		specs, err := c.coll.Indexes().ListSpecifications(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var found []client.IndexSpecification
		for _, s := range specs {
			if gridfs.SameKeys(s.Keys, c.keys) {
				found = append(found, s)
			}
		}
		if len(found) != 1 || found[0].Unique != c.unique {
			t.Errorf("%s: indexes on %v: %+v, want one, unique %v", c.coll.Name(), c.keys, found, c.unique)
		}
	}
	if c := b.ChunksCollection().Name(); c != "media.chunks" {
		t.Errorf("chunks collection %q", c)
	}
}

// TestByName covers downloadByName.json: revisions 0, 1, 2, -1, -2, a
// missing revision and a missing name.
func TestByName(t *testing.T) {
	b := newBucket(t)
	ctx := ctxT(t)
	for i := range 3 {
		if _, err := b.UploadFromStream(ctx, "doc", strings.NewReader(fmt.Sprint("rev", i))); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond) // distinct uploadDates (ms)
	}
	for rev, want := range map[int]string{0: "rev0", 1: "rev1", 2: "rev2", -1: "rev2", -2: "rev1", -3: "rev0"} {
		var buf bytes.Buffer
		if _, err := b.DownloadToStreamByName(ctx, "doc", rev, &buf); err != nil || buf.String() != want {
			t.Errorf("revision %d: %q, %v; want %q", rev, buf.String(), err, want)
		}
	}
	for _, rev := range []int{3, -4} {
		_, err := b.OpenDownloadStreamByName(ctx, "doc", rev)
		if !errors.Is(err, gridfs.ErrFileNotFound) || !strings.Contains(err.Error(), "no revision") {
			t.Errorf("revision %d: %v, want ErrFileNotFound about the revision", rev, err)
		}
	}
	_, err := b.OpenDownloadStreamByName(ctx, "nope", -1)
	if !errors.Is(err, gridfs.ErrFileNotFound) || !strings.Contains(err.Error(), "no file named") {
		t.Errorf("missing name: %v", err)
	}
}

// TestDelete covers delete.json and deleteByName.json.
func TestDelete(t *testing.T) {
	defer gridfs.SetBatchBytes(8)()
	b := newBucket(t, gridfs.BucketOptions{ChunkSize: 4})
	ctx := ctxT(t)
	id, err := b.UploadFromStream(ctx, "eight", bytes.NewReader(randomBytes(8, 2)))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	if n := count(t, b.ChunksCollection(), bson.D{}); n != 0 {
		t.Errorf("%d chunks left", n)
	}
	if _, err := b.OpenDownloadStream(ctx, id); !errors.Is(err, gridfs.ErrFileNotFound) {
		t.Errorf("download after delete: %v", err)
	}
	if err := b.Delete(ctx, id); !errors.Is(err, gridfs.ErrFileNotFound) {
		t.Errorf("second delete: %v", err)
	}
	// Orphaned chunks go even though the files document is missing.
	orphan := bson.NewObjectID()
	if _, err := b.ChunksCollection().InsertOne(ctx, bson.D{bson.KV("files_id", orphan), bson.KV("n", int32(0)),
		bson.KV("data", bson.Binary{Data: []byte("ab")})}); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(ctx, orphan); !errors.Is(err, gridfs.ErrFileNotFound) {
		t.Errorf("delete orphan: %v", err)
	}
	if n := count(t, b.ChunksCollection(), bson.D{}); n != 0 {
		t.Errorf("%d orphaned chunks left", n)
	}
	// By name: every revision, and only those.
	for _, name := range []string{"x", "x", "y"} {
		if _, err := b.UploadFromStream(ctx, name, strings.NewReader("0123456789")); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.DeleteByName(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	if files, chunks := count(t, b.FilesCollection(), bson.D{}), count(t, b.ChunksCollection(), bson.D{}); files != 1 || chunks != 3 {
		t.Errorf("after DeleteByName: %d files, %d chunks; want 1 and 3", files, chunks)
	}
	if err := b.DeleteByName(ctx, "x"); !errors.Is(err, gridfs.ErrFileNotFound) {
		t.Errorf("DeleteByName of a missing name: %v", err)
	}
}

// TestRenameAndFind covers rename.json and renameByName.json, custom ids
// (upload with id) and metadata queries.
func TestRenameAndFind(t *testing.T) {
	b := newBucket(t)
	ctx := ctxT(t)
	odd := bson.D{bson.KV("a", int32(1)), bson.KV("b", "x")} // a document id
	if err := b.UploadFromStreamWithID(ctx, odd, "odd", strings.NewReader("odd"),
		gridfs.UploadOptions{Metadata: bson.D{bson.KV("owner", "ada")}}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []any{"s1", int32(7)} {
		if err := b.UploadFromStreamWithID(ctx, id, "plain", strings.NewReader(fmt.Sprint(id))); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.UploadFromStreamWithID(ctx, "s1", "dup", strings.NewReader("again")); !client.IsDuplicateKey(err) {
		t.Errorf("upload with a taken id: %v, want a duplicate key error", err)
	}
	// Ids are matched with $eq: an id made of operators matches only
	// itself, here nothing, where {_id: {$gt: ""}} would match "s1".
	operators := bson.D{bson.KV("$gt", "")}
	if err := b.Delete(ctx, operators); !errors.Is(err, gridfs.ErrFileNotFound) {
		t.Errorf("Delete(%v): %v, want ErrFileNotFound", operators, err)
	}
	if err := b.Rename(ctx, operators, "x"); !errors.Is(err, gridfs.ErrFileNotFound) {
		t.Errorf("Rename(%v): %v, want ErrFileNotFound", operators, err)
	}
	if n := count(t, b.FilesCollection(), bson.D{}); n != 3 {
		t.Fatalf("%d files, want 3", n)
	}
	if err := b.Rename(ctx, odd, "renamed"); err != nil {
		t.Fatal(err)
	}
	if err := b.Rename(ctx, "nope", "x"); !errors.Is(err, gridfs.ErrFileNotFound) {
		t.Errorf("Rename of a missing id: %v", err)
	}
	if err := b.RenameByName(ctx, "plain", "both"); err != nil {
		t.Fatal(err)
	}
	if err := b.RenameByName(ctx, "plain", "x"); !errors.Is(err, gridfs.ErrFileNotFound) {
		t.Errorf("RenameByName of a missing name: %v", err)
	}
	cur, err := b.Find(ctx, bson.D{bson.KV("metadata.owner", "ada")})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for cur.Next(ctx) {
		var f gridfs.File
		if err := cur.Decode(&f); err != nil {
			t.Fatal(err)
		}
		names = append(names, f.Name)
	}
	if cur.Err() != nil || len(names) != 1 || names[0] != "renamed" {
		t.Errorf("Find by metadata: %v, %v", names, cur.Err())
	}
	if n := count(t, b.FilesCollection(), bson.D{bson.KV("filename", "both")}); n != 2 {
		t.Errorf("%d files renamed by name, want 2", n)
	}
	if got := download(t, b, int32(7)); string(got) != "7" {
		t.Errorf("download by int32 id: %q", got)
	}
}

func TestAbort(t *testing.T) {
	defer gridfs.SetBatchBytes(8)()
	b := newBucket(t, gridfs.BucketOptions{ChunkSize: 4})
	ctx := ctxT(t)
	up, err := b.OpenUploadStream(ctx, "aborted")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := up.Write(randomBytes(21, 3)); err != nil {
		t.Fatal(err)
	}
	if n := count(t, b.ChunksCollection(), bson.D{}); n != 4 {
		t.Fatalf("%d chunks inserted before Abort, want 4 (two batches of two)", n)
	}
	if err := up.Abort(); err != nil {
		t.Fatal(err)
	}
	if files, chunks := count(t, b.FilesCollection(), bson.D{}), count(t, b.ChunksCollection(), bson.D{}); files != 0 || chunks != 0 {
		t.Errorf("after Abort: %d files, %d chunks", files, chunks)
	}
	if _, err := up.Write([]byte("x")); !errors.Is(err, gridfs.ErrStreamClosed) {
		t.Errorf("Write after Abort: %v", err)
	}
	if err := up.Close(); !errors.Is(err, gridfs.ErrStreamClosed) {
		t.Errorf("Close after Abort: %v", err)
	}
	// A failing source aborts UploadFromStream with the source's error.
	boom := errors.New("boom")
	src := io.MultiReader(bytes.NewReader(randomBytes(30, 4)), iotestErr{boom})
	if _, err := b.UploadFromStream(ctx, "failed", src); !errors.Is(err, boom) {
		t.Errorf("UploadFromStream with a failing reader: %v", err)
	}
	if chunks := count(t, b.ChunksCollection(), bson.D{}); chunks != 0 {
		t.Errorf("%d chunks left by a failed upload", chunks)
	}
}

type iotestErr struct{ err error }

func (r iotestErr) Read([]byte) (int, error) { return 0, r.err }

// TestCorruptChunks covers download.json's missing and wrong-size chunk
// cases, the empty chunk of a zero-length file and the legacy file
// without a name.
func TestCorruptChunks(t *testing.T) {
	b := newBucket(t, gridfs.BucketOptions{ChunkSize: 4})
	ctx := ctxT(t)
	data := randomBytes(10, 5) // chunks 0..2: 4, 4, 2 bytes
	setData := func(t *testing.T, id any, n int32, p []byte) {
		t.Helper()
		if _, err := b.ChunksCollection().UpdateOne(ctx, bson.D{bson.KV("files_id", id), bson.KV("n", n)},
			bson.D{bson.KV("$set", bson.D{bson.KV("data", bson.Binary{Data: p})})}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name    string
		corrupt func(t *testing.T, id any)
		kind    error
		n       int64
		wrote   int
	}{
		{"intermediate missing", func(t *testing.T, id any) {
			b.ChunksCollection().DeleteOne(ctx, bson.D{bson.KV("files_id", id), bson.KV("n", 1)})
		}, gridfs.ErrChunkMissing, 1, 4},
		{"final missing", func(t *testing.T, id any) {
			b.ChunksCollection().DeleteOne(ctx, bson.D{bson.KV("files_id", id), bson.KV("n", 2)})
		}, gridfs.ErrChunkMissing, 2, 8},
		{"intermediate wrong size", func(t *testing.T, id any) { setData(t, id, 1, []byte{1, 2, 3}) }, gridfs.ErrChunkWrongSize, 1, 4},
		{"final wrong size", func(t *testing.T, id any) { setData(t, id, 2, []byte{1}) }, gridfs.ErrChunkWrongSize, 2, 8},
		{"extra chunk", func(t *testing.T, id any) {
			if _, err := b.ChunksCollection().InsertOne(ctx, bson.D{bson.KV("files_id", id), bson.KV("n", int32(3)),
				bson.KV("data", bson.Binary{Data: []byte{9}})}); err != nil {
				t.Fatal(err)
			}
		}, gridfs.ErrExtraChunk, 3, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, err := b.UploadFromStream(ctx, tc.name, bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			tc.corrupt(t, id)
			var buf bytes.Buffer
			_, err = b.DownloadToStream(ctx, id, &buf)
			var ce *gridfs.ChunkError
			if !errors.Is(err, tc.kind) || !errors.As(err, &ce) || ce.N != tc.n || ce.FileID != id {
				t.Fatalf("download: %v, want %v at chunk %d", err, tc.kind, tc.n)
			}
			if !bytes.Equal(buf.Bytes(), data[:tc.wrote]) {
				t.Errorf("wrote %d bytes before the error, want %d", buf.Len(), tc.wrote)
			}
		})
	}
	// Written by hand: a zero-length file with one empty chunk (never
	// read), and a legacy file with int32 fields and no filename.
	empty, legacy := bson.NewObjectID(), bson.NewObjectID()
	if _, err := b.FilesCollection().InsertMany(ctx, []any{
		bson.D{bson.KV("_id", empty), bson.KV("length", int32(0)), bson.KV("chunkSize", int32(4)), bson.KV("filename", "e")},
		bson.D{bson.KV("_id", legacy), bson.KV("length", int32(2)), bson.KV("chunkSize", int32(4))},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.ChunksCollection().InsertMany(ctx, []any{
		bson.D{bson.KV("files_id", empty), bson.KV("n", int32(0)), bson.KV("data", bson.Binary{Data: []byte{}})},
		bson.D{bson.KV("files_id", legacy), bson.KV("n", int32(0)), bson.KV("data", bson.Binary{Data: []byte{0x11, 0x22}})},
	}); err != nil {
		t.Fatal(err)
	}
	if got := download(t, b, empty); len(got) != 0 {
		t.Errorf("zero-length file: %x", got)
	}
	if got := download(t, b, legacy); !bytes.Equal(got, []byte{0x11, 0x22}) {
		t.Errorf("legacy file: %x", got)
	}
	if _, err := b.OpenDownloadStream(ctx, bson.NewObjectID()); !errors.Is(err, gridfs.ErrFileNotFound) {
		t.Errorf("missing file: %v", err)
	}
}

func TestDrop(t *testing.T) {
	b := newBucket(t)
	ctx := ctxT(t)
	if _, err := b.UploadFromStream(ctx, "a", strings.NewReader("abc")); err != nil {
		t.Fatal(err)
	}
	if err := b.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	names, err := b.FilesCollection().Database().ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 0 {
		t.Errorf("collections after Drop: %v", names)
	}
	id, err := b.UploadFromStream(ctx, "b", strings.NewReader("def"))
	if err != nil {
		t.Fatal(err)
	}
	if got := download(t, b, id); string(got) != "def" {
		t.Errorf("after Drop and upload: %q", got)
	}
}

// TestConcurrentUploads shares one Bucket between goroutines (run with
// -race): the one-time index check and the streams must not interfere.
func TestConcurrentUploads(t *testing.T) {
	b := newBucket(t, gridfs.BucketOptions{ChunkSize: 1000})
	ctx := ctxT(t)
	var wg sync.WaitGroup
	ids := make([]bson.ObjectID, 6)
	errs := make([]error, len(ids))
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids[i], errs[i] = b.UploadFromStream(ctx, "same", bytes.NewReader(randomBytes(2500+i, uint64(i))))
		}()
	}
	wg.Wait()
	for i, id := range ids {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if got := download(t, b, id); !bytes.Equal(got, randomBytes(2500+i, uint64(i))) {
			t.Errorf("file %d differs", i)
		}
	}
}
