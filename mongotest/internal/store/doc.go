// Package store is mongotest's in-memory catalog: databases, collections
// of documents, indexes, the oplog and the cluster clock. It knows nothing
// of commands or the wire; package mongotest turns commands into calls
// here, and package engine (filters, updates, pipelines) into documents.
//
// # Data
//
// A Collection keeps its documents as bson.D values in natural (insertion)
// order, a slice with holes where documents were deleted (compacted when
// the holes are half of it), and an _id index: a map from Key(_id), the
// canonical encoding of a value under MongoDB's equality (1, int64(1) and
// 1.0 are one key), to the position. A find by _id is O(1). Secondary
// indexes map the Key of a document's index key (one per element of an
// array: multikey; nothing for a sparse index without the fields or a
// document outside a partial filter) to the positions that have it; they
// enforce unique (DuplicateKeyError, E11000 with keyPattern and keyValue
// as mongod sends them) and answer equality lookups on their first field
// (Collection.Equal). Stored documents are never modified: an update
// stores a new bson.D in the old one's place, so a reader may keep what
// it read.
//
// # One write path
//
// Every change goes through Store.Write(func(tx *Tx) error): insert,
// replace (every update), delete, create (collections and views), drop,
// dropDatabase, rename, createIndex, dropIndex, setOptions (collMod).
// Writes are serialized by the store's lock. Each Tx method checks first
// and changes second, records an undo step, and appends one oplog Entry.
// If the function returns an error, the undo steps run backwards and the
// store is as before (an all-or-nothing batch, which transactions need);
// else each entry gets the next cluster time (a bson.Timestamp, strictly
// increasing: wall-clock seconds and a counter) and the entries join the
// oplog in order. Store.Oplog(after) returns the entries after a cluster
// time and a channel closed at the next write, for change streams and
// awaitData getMores.
//
// # Snapshots (for transactions and snapshot reads)
//
// Store.Snapshot returns the catalog as of the last write, in O(number of
// collections): it copies the map of collections and marks each one
// frozen. A write to a frozen collection first clones it (its slice, its
// maps; the documents are shared) and puts the clone in the catalog:
// copy-on-write at collection granularity. A Snapshot is read without
// any lock and never changes. Reads of the current state go through
// Store.View, under the read lock.
//
// How issue 12 builds on this: a transaction takes a Snapshot at its
// first operation and reads from it; its writes are buffered as
// operations and replayed in one Store.Write at commit, which fails with
// WriteConflict if a document it wrote has an oplog entry later than the
// snapshot's TS (Store.Oplog(snapshot.TS) tells); the entries of that
// Write are the transaction's oplog entries. Secondaries of a replica set
// can apply Store.Oplog entries to their own Store after a lag.
//
// # Files
//
//	doc.go         this overview
//	store.go       Store, Reader, View, Snapshot, Write, the clock and oplog accessors
//	tx.go          Tx: the write operations, each with its undo and oplog entry; Error
//	collection.go  Collection: documents, _id index, Equal, copy-on-write clone, compaction
//	shard.go       ShardKey: what shardCollection records (one shard, no chunks)
//	capped.go      capped collections: size and max bounds, eviction of the oldest
//	index_mod.go   ModifyIndex (collMod of an index), Duplicates (what blocks unique)
//	index.go       IndexSpec, index keys (multikey, sparse, partial), DuplicateKeyError, PathValues
//	key.go         Key: the canonical equality encoding of a value
//	oplog.go       Entry, UpdateDesc, the cluster clock
//	fork.go        Fork: a private copy of the store (transactions, snapshot reads)
//
// # Concurrency
//
// Store's methods are safe for concurrent use. A Collection obtained in
// View or Write is valid only inside it (it may be changed by the next
// Write); one from a Snapshot forever. Tx belongs to its Write.
package store
