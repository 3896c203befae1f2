package gridfs_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/gridfs"
	"github.com/torque-go/torque/internal/mockserver"
)

// A chunk document that frames but is malformed inside (a cursor's batch
// is only framed on arrival) fails the download with a *bson.DecodeError
// naming the chunk, after the chunks before it were written.
func TestMalformedChunk(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	id := bson.NewObjectID()
	file := mockserver.Doc(bson.KV("_id", id), bson.KV("length", int64(8)), bson.KV("chunkSize", int32(4)),
		bson.KV("filename", "f"))
	chunk := func(n int32, data string) bson.Raw {
		return mockserver.Doc(bson.KV("files_id", id), bson.KV("n", n), bson.KV("data", bson.Binary{Data: []byte(data)}))
	}
	// chunk 1 with an element of unknown type 0x55 at its end
	c1 := chunk(1, "5678")
	bad := append(append([]byte(nil), c1[:len(c1)-1]...), 0x55, 'x', 0, 0)
	binary.LittleEndian.PutUint32(bad, uint32(len(bad)))
	srv.Handle("find", func(req *mockserver.Request) mockserver.Reply {
		if coll, _ := req.Lookup("find").StringValue(); coll == "fs.files" {
			return mockserver.CursorReply("test.fs.files", 0, file)
		}
		return mockserver.CursorReply("test.fs.chunks", 0, chunk(0, "1234"), bad)
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := client.Connect(ctx, srv.URI())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(ctx)
	b, err := gridfs.NewBucket(c.Database("test"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	_, err = b.DownloadToStream(ctx, id, &buf)
	var de *bson.DecodeError
	if !errors.As(err, &de) || client.IsNetworkError(err) {
		t.Fatalf("download: %v (%T), want a *bson.DecodeError", err, err)
	}
	if buf.String() != "1234" {
		t.Errorf("wrote %q before the error, want chunk 0's %q", buf.String(), "1234")
	}
	if !bytes.Contains([]byte(err.Error()), []byte("chunk 1")) {
		t.Errorf("%v: the error does not name chunk 1", err)
	}
}
