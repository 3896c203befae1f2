package gridfs

import (
	"context"
	"errors"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

// The indexes GridFS needs: files by name and date (for by-name
// downloads), and chunks by file and number (unique: no chunk twice).
var (
	filesIndex  = bson.D{bson.KV("filename", int32(1)), bson.KV("uploadDate", int32(1))}
	chunksIndex = bson.D{bson.KV("files_id", int32(1)), bson.KV("n", int32(1))}
)

// ensureIndexes runs once per Bucket, before its first upload writes: when
// the files collection is empty, it creates whichever of the two indexes
// does not exist yet. Listing before creating lets a user without the
// createIndex right upload into a bucket prepared for them. A failure is
// returned, and the check runs again on the next upload.
func (b *Bucket) ensureIndexes(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.indexed {
		return nil
	}
	primary := client.ReadPref{Mode: client.Primary}
	files := b.files.WithOptions(client.CollectionOptions{ReadPreference: &primary})
	err := files.FindOne(ctx, bson.D{}, client.FindOneOptions{Projection: bson.D{bson.KV("_id", 1)}}).Err()
	switch {
	case err == nil: // files exist: so do the indexes, or the user removed them
	case errors.Is(err, client.ErrNoDocuments):
		if err := ensureIndex(ctx, files, filesIndex, false); err != nil {
			return err
		}
		if err := ensureIndex(ctx, b.chunks, chunksIndex, true); err != nil {
			return err
		}
	default:
		return err
	}
	b.indexed = true
	return nil
}

// ensureIndex creates the index keys on coll unless an index with the
// same keys exists.
func ensureIndex(ctx context.Context, coll *client.Collection, keys bson.D, unique bool) error {
	specs, err := coll.Indexes().ListSpecifications(ctx)
	if err != nil {
		return err
	}
	for _, s := range specs {
		if sameKeys(s.Keys, keys) {
			return nil
		}
	}
	_, err = coll.Indexes().CreateOne(ctx, client.IndexModel{Keys: keys, Options: client.IndexOptions{Unique: unique}})
	return err
}

// sameKeys reports whether the key pattern got is want, comparing numbers
// by value: the shell writes 1.0 where drivers write 1 or int64(1).
func sameKeys(got bson.Raw, want bson.D) bool {
	els, err := got.Elements()
	if err != nil || len(els) != len(want) {
		return false
	}
	for i, el := range els {
		f, ok := el.Value().AsFloat64()
		if !ok || el.Key() != want[i].Key || f != float64(want[i].Value.(int32)) {
			return false
		}
	}
	return true
}
