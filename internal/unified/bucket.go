package unified

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/gridfs"
)

// The GridFS suite's bucket entity and its operations, through package
// gridfs. Byte strings are written {"$$hexBytes": "..."} in arguments and
// matched with {"$$matchesHexBytes": "..."} in results.

func (r *run) createBucket(id string, spec bson.Raw) error {
	a := newArgs(spec)
	a.skip("id")
	name := a.str("database")
	db, ok := r.entities.dbs[name]
	if !ok {
		return fmt.Errorf("no database entity %q", name)
	}
	var o gridfs.BucketOptions
	if bo := newArgs(a.doc("bucketOptions")); bo.src != nil {
		o.Name = bo.str("bucketName")
		o.ChunkSize = int32(bo.int64("chunkSizeBytes"))
		if err := bo.done(); err != nil {
			return err
		}
	}
	if err := a.done(); err != nil {
		return err
	}
	b, err := gridfs.NewBucket(db, o)
	if err != nil {
		return err
	}
	r.entities.buckets[id] = b
	return nil
}

// bucketOp runs one operation on a bucket entity.
func bucketOp(ctx context.Context, b *gridfs.Bucket, name string, a *args) outcome {
	switch name {
	case "find":
		return bucketFind(ctx, b, a)
	case "upload":
		filename := a.str("filename")
		src, err := hexBytes(a.doc("source"))
		o := gridfs.UploadOptions{ChunkSize: int32(a.int64("chunkSizeBytes")), Metadata: a.docOrNil("metadata")}
		if a.has("disableMD5") && !a.boolean("disableMD5") {
			return outcome{err: fmt.Errorf("%w: disableMD5 false (torque never computes the deprecated md5)", errUnsupported)}
		}
		if bad := argErr(a); bad != nil || err != nil {
			return outcome{err: firstErr(err, bad)}
		}
		id, err := b.UploadFromStream(ctx, filename, bytes.NewReader(src), o)
		if err != nil {
			return outcome{err: err}
		}
		return result(id)
	case "download":
		id := a.value("id")
		if bad := argErr(a); bad != nil {
			return *bad
		}
		var buf bytes.Buffer
		_, err := b.DownloadToStream(ctx, id, &buf)
		return bytesResult(buf.Bytes(), err)
	case "downloadByName":
		filename := a.str("filename")
		rev := -1
		if a.has("revision") {
			rev = int(a.int64("revision"))
		}
		if bad := argErr(a); bad != nil {
			return *bad
		}
		var buf bytes.Buffer
		_, err := b.DownloadToStreamByName(ctx, filename, rev, &buf)
		return bytesResult(buf.Bytes(), err)
	case "delete":
		id := a.value("id")
		if bad := argErr(a); bad != nil {
			return *bad
		}
		return outcome{err: b.Delete(ctx, id)}
	case "deleteByName":
		filename := a.str("filename")
		if bad := argErr(a); bad != nil {
			return *bad
		}
		return outcome{err: b.DeleteByName(ctx, filename)}
	case "rename":
		id, newName := a.value("id"), a.str("newFilename")
		if bad := argErr(a); bad != nil {
			return *bad
		}
		return outcome{err: b.Rename(ctx, id, newName)}
	case "renameByName":
		filename, newName := a.str("filename"), a.str("newFilename")
		if bad := argErr(a); bad != nil {
			return *bad
		}
		return outcome{err: b.RenameByName(ctx, filename, newName)}
	case "drop":
		if bad := argErr(a); bad != nil {
			return *bad
		}
		return outcome{err: b.Drop(ctx)}
	}
	return outcome{err: fmt.Errorf("%w: bucket operation %q", errUnsupportedOp, name)}
}

// hexBytes reads {"$$hexBytes": "0a1b"}.
func hexBytes(doc bson.Raw) ([]byte, error) {
	s, ok := doc.Lookup("$$hexBytes").StringValue()
	if !ok {
		return nil, fmt.Errorf("runner: source: want {$$hexBytes: ...}, got %s", doc)
	}
	return hex.DecodeString(s)
}

// bytesResult is a download's result: the bytes as generic binary.
func bytesResult(data []byte, err error) outcome {
	if err != nil {
		return outcome{err: err}
	}
	return result(bson.Binary{Subtype: bson.BinaryGeneric, Data: data})
}

// matchHexBytes implements $$matchesHexBytes.
func matchHexBytes(path string, arg, act bson.RawValue) error {
	s, _ := arg.StringValue()
	want, err := hex.DecodeString(s)
	if err != nil {
		return fmt.Errorf("%s: $$matchesHexBytes %q: %w", at(path), s, err)
	}
	bin, ok := act.Binary()
	if !ok {
		return fmt.Errorf("%s: $$matchesHexBytes needs binary data, got %s", at(path), describe(act))
	}
	if !bytes.Equal(bin.Data, want) {
		return fmt.Errorf("%s: expected bytes %s, got %s", at(path), strings.ToLower(s), hex.EncodeToString(bin.Data))
	}
	return nil
}
