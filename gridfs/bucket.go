package gridfs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

// DefaultChunkSize is the chunk size of new files unless set otherwise:
// 255 KiB, so that a chunk document stays under 256 KiB.
const DefaultChunkSize = 255 * 1024

// BucketOptions configure a Bucket; zero values mean the defaults, and nil
// concerns and read preference inherit the Database's.
type BucketOptions struct {
	// Name prefixes the bucket's collections: "<Name>.files" and
	// "<Name>.chunks". Default "fs".
	Name string
	// ChunkSize is the chunk size of new files, in bytes. Default
	// DefaultChunkSize.
	ChunkSize      int32
	WriteConcern   *client.WriteConcern
	ReadConcern    *client.ReadConcern
	ReadPreference *client.ReadPref
	// Timeout is the bucket's timeoutMS (nil: the database's): it bounds
	// each method whole, and each stream from its opening to its Close.
	Timeout *time.Duration
}

// Bucket is a GridFS bucket: files split into chunks, stored in two
// collections of one database. It is safe for concurrent use.
type Bucket struct {
	name      string
	chunkSize int32
	files     *client.Collection
	chunks    *client.Collection

	mu      sync.Mutex // guards indexed
	indexed bool       // the indexes were checked (done once, before the first upload)
}

// NewBucket returns the bucket of db described by opts (at most one).
// No I/O: the collections and indexes are made by the first upload.
func NewBucket(db *client.Database, opts ...BucketOptions) (*Bucket, error) {
	if db == nil {
		return nil, errors.New("gridfs: NewBucket needs a database")
	}
	var o BucketOptions
	switch len(opts) {
	case 0:
	case 1:
		o = opts[0]
	default:
		return nil, errors.New("gridfs: pass at most one BucketOptions")
	}
	if o.Name == "" {
		o.Name = "fs"
	}
	if o.ChunkSize < 0 {
		return nil, fmt.Errorf("gridfs: BucketOptions.ChunkSize is %d, want a positive size", o.ChunkSize)
	}
	if o.ChunkSize == 0 {
		o.ChunkSize = DefaultChunkSize
	}
	co := client.CollectionOptions{ReadPreference: o.ReadPreference, ReadConcern: o.ReadConcern, WriteConcern: o.WriteConcern, Timeout: o.Timeout}
	return &Bucket{
		name:      o.Name,
		chunkSize: o.ChunkSize,
		files:     db.Collection(o.Name+".files", co),
		chunks:    db.Collection(o.Name+".chunks", co),
	}, nil
}

// Name returns the bucket's name.
func (b *Bucket) Name() string { return b.name }

// FilesCollection returns the collection of files documents.
func (b *Bucket) FilesCollection() *client.Collection { return b.files }

// ChunksCollection returns the collection of chunks.
func (b *Bucket) ChunksCollection() *client.Collection { return b.chunks }

// Find returns a cursor over the files documents matching filter; decode
// each into a File. Query the application's metadata with dotted keys:
// bson.D{bson.KV("metadata.owner", "ada")}.
func (b *Bucket) Find(ctx context.Context, filter any, opts ...client.FindOptions) (*client.Cursor, error) {
	return b.files.Find(ctx, filter, opts...)
}

// Delete deletes the file id: its files document first (so that readers
// stop finding it), then its chunks. When there is no such file it still
// deletes any orphaned chunks, and returns ErrFileNotFound.
func (b *Bucket) Delete(ctx context.Context, id any) error {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	idv, err := b.fileID(id)
	if err != nil {
		return err
	}
	res, err := b.files.DeleteOne(ctx, eqFilter("_id", idv))
	if err != nil {
		return err
	}
	if _, err := b.chunks.DeleteMany(ctx, eqFilter("files_id", idv)); err != nil {
		return err
	}
	if res.DeletedCount == 0 {
		return fmt.Errorf("%w: no file with id %v", ErrFileNotFound, idv)
	}
	return nil
}

// DeleteByName deletes every revision of the file filename, or returns
// ErrFileNotFound when there is none.
func (b *Bucket) DeleteByName(ctx context.Context, filename string) error {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	cur, err := b.files.Find(ctx, bson.D{bson.KV("filename", filename)}, client.FindOptions{Projection: bson.D{bson.KV("_id", 1)}})
	if err != nil {
		return err
	}
	var ids bson.A
	for doc, err := range cur.Iter(ctx) {
		if err != nil {
			return err
		}
		id, err := doc.LookupErr("_id")
		if err != nil {
			return fmt.Errorf("gridfs: a files document named %q: %w", filename, err)
		}
		id.Value = bytes.Clone(id.Value) // doc is valid for this iteration only
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return fmt.Errorf("%w: no file named %q", ErrFileNotFound, filename)
	}
	in := bson.D{bson.KV("$in", ids)}
	if _, err := b.files.DeleteMany(ctx, bson.D{bson.KV("_id", in)}); err != nil {
		return err
	}
	_, err = b.chunks.DeleteMany(ctx, bson.D{bson.KV("files_id", in)})
	return err
}

// Rename sets the filename of the file id, or returns ErrFileNotFound.
func (b *Bucket) Rename(ctx context.Context, id any, newName string) error {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	idv, err := b.fileID(id)
	if err != nil {
		return err
	}
	res, err := b.files.UpdateOne(ctx, eqFilter("_id", idv), setName(newName))
	if err != nil {
		return err
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("%w: no file with id %v", ErrFileNotFound, idv)
	}
	return nil
}

// RenameByName renames every revision of filename, or returns
// ErrFileNotFound when there is none.
func (b *Bucket) RenameByName(ctx context.Context, filename, newName string) error {
	res, err := b.files.UpdateMany(ctx, bson.D{bson.KV("filename", filename)}, setName(newName))
	if err != nil {
		return err
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("%w: no file named %q", ErrFileNotFound, filename)
	}
	return nil
}

// Drop drops the files collection, then the chunks collection. The next
// upload makes the indexes again.
func (b *Bucket) Drop(ctx context.Context) error {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	b.mu.Lock()
	b.indexed = false
	b.mu.Unlock()
	if err := b.files.Drop(ctx); err != nil {
		return err
	}
	return b.chunks.Drop(ctx)
}

func setName(name string) bson.D {
	return bson.D{bson.KV("$set", bson.D{bson.KV("filename", name)})}
}

// fileID marshals a user's file id once, into the value the queries
// embed, with the files collection's Encoder (the database's, as
// client.CollectionOptions.Encoder or the client's Options.Encoder set it).
func (b *Bucket) fileID(id any) (bson.RawValue, error) {
	if id == nil {
		return bson.RawValue{}, errors.New("gridfs: the file id must not be nil")
	}
	if v, ok := id.(bson.RawValue); ok {
		return v, nil
	}
	t, data, err := b.files.Encoder().MarshalValue(id)
	if err != nil {
		return bson.RawValue{}, fmt.Errorf("gridfs: file id: %w", err)
	}
	return bson.RawValue{Type: t, Value: data}, nil
}

// eqFilter is {key: id}, as the GridFS spec sends it; {key: {$eq: id}}
// when the id is a regex or a document of operators, which the plain form
// would run as a query (with $eq such an id matches only itself).
func eqFilter(key string, id bson.RawValue) bson.Raw {
	start, dst := bson.AppendDocumentStart(nil)
	dst = appendEq(dst, key, id)
	dst, _ = bson.AppendDocumentEnd(dst, start)
	return dst
}

func appendEq(dst []byte, key string, id bson.RawValue) []byte {
	if !needsEq(id) {
		return append(bson.AppendHeader(dst, id.Type, key), id.Value...)
	}
	start, dst := bson.AppendDocumentElementStart(dst, key)
	dst = append(bson.AppendHeader(dst, id.Type, "$eq"), id.Value...)
	dst, _ = bson.AppendDocumentEnd(dst, start)
	return dst
}

// needsEq reports whether an id would be read as a query in {key: id}: a
// regex, or a document whose first key is an operator.
func needsEq(id bson.RawValue) bool {
	switch id.Type {
	case bson.TypeRegex:
		return true
	case bson.TypeEmbeddedDocument:
		doc, _ := id.Document()
		el, err := doc.Index(0)
		return err == nil && strings.HasPrefix(el.Key(), "$")
	}
	return false
}
