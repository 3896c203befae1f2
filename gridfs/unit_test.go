package gridfs_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/gridfs"
)

func mustMarshal(t *testing.T, v any) bson.Raw {
	t.Helper()
	b, err := bson.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSameKeysComparesNumbersByValue(t *testing.T) {
	want := gridfs.FilesIndex
	for _, tc := range []struct {
		keys bson.D
		same bool
	}{
		{bson.D{bson.KV("filename", int32(1)), bson.KV("uploadDate", int32(1))}, true},
		{bson.D{bson.KV("filename", int64(1)), bson.KV("uploadDate", 1.0)}, true},
		{bson.D{bson.KV("filename", 1.0), bson.KV("uploadDate", int32(1))}, true},
		{bson.D{bson.KV("filename", 1.0), bson.KV("uploadDate", 1.0)}, true},
		{bson.D{bson.KV("filename", int32(-1)), bson.KV("uploadDate", int32(1))}, false},
		{bson.D{bson.KV("uploadDate", int32(1)), bson.KV("filename", int32(1))}, false},
		{bson.D{bson.KV("filename", int32(1))}, false},
		{bson.D{bson.KV("filename", "text"), bson.KV("uploadDate", int32(1))}, false},
	} {
		if got := gridfs.SameKeys(mustMarshal(t, tc.keys), want); got != tc.same {
			t.Errorf("SameKeys(%v) = %v, want %v", tc.keys, got, tc.same)
		}
	}
}

func TestFileUnmarshalNumericTypes(t *testing.T) {
	id := bson.NewObjectID()
	for _, tc := range []struct {
		name    string
		doc     bson.D
		length  int64
		chunk   int32
		wantErr string
	}{
		{"int64/int32", bson.D{bson.KV("_id", id), bson.KV("length", int64(10)), bson.KV("chunkSize", int32(4))}, 10, 4, ""},
		{"int32/double", bson.D{bson.KV("_id", id), bson.KV("length", int32(10)), bson.KV("chunkSize", 4.0)}, 10, 4, ""},
		{"double/int64", bson.D{bson.KV("_id", id), bson.KV("length", 10.0), bson.KV("chunkSize", int64(4))}, 10, 4, ""},
		{"empty without chunkSize", bson.D{bson.KV("_id", id), bson.KV("length", int32(0))}, 0, 0, ""},
		{"fractional length", bson.D{bson.KV("_id", id), bson.KV("length", 1.5), bson.KV("chunkSize", int32(4))}, 0, 0, "length"},
		{"negative length", bson.D{bson.KV("_id", id), bson.KV("length", int64(-1)), bson.KV("chunkSize", int32(4))}, 0, 0, "length"},
		{"zero chunkSize", bson.D{bson.KV("_id", id), bson.KV("length", int64(3)), bson.KV("chunkSize", int32(0))}, 0, 0, "chunkSize"},
		{"string chunkSize", bson.D{bson.KV("_id", id), bson.KV("length", int64(3)), bson.KV("chunkSize", "4")}, 0, 0, "chunkSize"},
		{"no _id", bson.D{bson.KV("length", int64(3)), bson.KV("chunkSize", int32(4))}, 0, 0, "_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f gridfs.File
			err := bson.Unmarshal(mustMarshal(t, tc.doc), &f)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one about %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.Length != tc.length || f.ChunkSize != tc.chunk || f.ID != id {
				t.Errorf("got length %d chunkSize %d id %v, want %d %d %v", f.Length, f.ChunkSize, f.ID, tc.length, tc.chunk, id)
			}
		})
	}
}

func TestChunkErrorIs(t *testing.T) {
	err := error(&gridfs.ChunkError{FileID: "a", N: 3, Kind: gridfs.ErrChunkWrongSize, Got: 2, Want: 4})
	if !errors.Is(err, gridfs.ErrChunkWrongSize) || errors.Is(err, gridfs.ErrChunkMissing) {
		t.Errorf("errors.Is wrong for %v", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "chunk 3 has 2 bytes, want 4") {
		t.Errorf("message %q lacks the sizes", msg)
	}
}

func TestNewBucketOptions(t *testing.T) {
	if _, err := gridfs.NewBucket(nil); err == nil {
		t.Error("NewBucket(nil) succeeded")
	}
	c, err := client.Connect(context.Background(), "mongodb://127.0.0.1:1") // no I/O until used
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	db := c.Database("d")
	if _, err := gridfs.NewBucket(db, gridfs.BucketOptions{ChunkSize: -1}); err == nil {
		t.Error("a negative ChunkSize was accepted")
	}
	if _, err := gridfs.NewBucket(db, gridfs.BucketOptions{}, gridfs.BucketOptions{}); err == nil {
		t.Error("two BucketOptions were accepted")
	}
	b, err := gridfs.NewBucket(db)
	if err != nil {
		t.Fatal(err)
	}
	if b.Name() != "fs" || b.FilesCollection().Name() != "fs.files" || b.ChunksCollection().Name() != "fs.chunks" {
		t.Errorf("defaults: %s, %s, %s", b.Name(), b.FilesCollection().Name(), b.ChunksCollection().Name())
	}
	if _, err := b.OpenUploadStream(context.Background(), "f", gridfs.UploadOptions{ChunkSize: -5}); err == nil {
		t.Error("a negative UploadOptions.ChunkSize was accepted")
	}
	if _, err := b.OpenUploadStreamWithID(context.Background(), nil, "f"); err == nil {
		t.Error("a nil id was accepted")
	}
}
