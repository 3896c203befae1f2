// Package gridfs stores files of any size in MongoDB, per the GridFS
// specification: a file is split into chunks (255 KiB by default), each a
// document of the "<bucket>.chunks" collection, and described by one
// document of "<bucket>.files". It is the Go counterpart of Motor's
// AsyncIOMotorGridFSBucket, built on package client.
//
//	bucket, err := gridfs.NewBucket(c.Database("media"))
//	id, err := bucket.UploadFromStream(ctx, "cat.jpg", f,
//		gridfs.UploadOptions{Metadata: bson.D{bson.KV("owner", "ada")}})
//	_, err = bucket.DownloadToStream(ctx, id, w)
//	latest, err := bucket.OpenDownloadStreamByName(ctx, "cat.jpg", -1)
//	cur, err := bucket.Find(ctx, bson.D{bson.KV("metadata.owner", "ada")})
//	for cur.Next(ctx) { var f gridfs.File; err = cur.Decode(&f) }
//
// Uploads stream: an UploadStream (an io.WriteCloser with ID and Abort)
// inserts chunks a batch (about 4 MiB) at a time as they fill, and Close
// inserts the files document, which is what makes the file visible.
// Before its first upload a Bucket checks, once, that the indexes GridFS
// needs exist when the files collection is empty, and creates those
// missing ({filename: 1, uploadDate: 1} and the unique {files_id: 1, n: 1};
// existing ones match whatever their numeric types). An upload that fails
// leaves its chunks behind, as the spec wants; Abort deletes them.
//
// Downloads stream too: a DownloadStream (an io.ReadSeekCloser and an
// io.WriterTo) fetches chunks through a cursor and checks each one's
// number and size against the files document; a missing, short, long or
// extra chunk is a *ChunkError (errors.Is ErrChunkMissing,
// ErrChunkWrongSize, ErrExtraChunk) naming the file and the chunk. A
// zero-length file reads no chunks. Every query that embeds a file id
// uses $eq, so that an id never matches more than itself.
//
// Errors: ErrFileNotFound (wrapped, with the id or name and revision) from
// downloads, Delete, Rename and their by-name forms; Delete still removes
// orphaned chunks of a file whose files document is gone. Server errors
// are those of package client.
//
// # Concurrency and lifetimes
//
// A Bucket is safe for concurrent use. An UploadStream or DownloadStream
// is used by one goroutine at a time, and does its I/O under the context
// it was opened with. A stream's buffers are its own; what Read copies
// into p and what WriteTo writes are the caller's. Close a DownloadStream
// that is not read to the end, to release its cursor.
//
// # Files
//
//	doc.go       this overview
//	bucket.go    Bucket, NewBucket, BucketOptions; Find, Delete, Rename, Drop; $eq filters
//	indexes.go   the index check before the first upload
//	upload.go    UploadStream, OpenUploadStream, UploadFromStream
//	download.go  DownloadStream, OpenDownloadStream, ByName, DownloadToStream; chunk checks
//	file.go      File, the files document
//	errors.go    ErrFileNotFound, ChunkError and its kinds
//	timeout.go   timeoutMS: one bound per method and per stream
package gridfs
