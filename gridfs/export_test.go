package gridfs

import "github.com/torque-go/torque/bson"

// SetBatchBytes makes uploads insert about n bytes per batch, until the
// returned function restores the default. Tests that use it run serially.
func SetBatchBytes(n int) (restore func()) {
	old := batchBytes
	batchBytes = n
	return func() { batchBytes = old }
}

// SameKeys exposes the index key comparison.
func SameKeys(got bson.Raw, want bson.D) bool { return sameKeys(got, want) }

// FilesIndex and ChunksIndex are the key patterns the bucket ensures.
var FilesIndex, ChunksIndex = filesIndex, chunksIndex
