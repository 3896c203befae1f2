package wirehost

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/wire"
)

// FuzzClientBytes sends arbitrary bytes as a client would: the server must
// neither panic nor stop serving other connections.
func FuzzClientBytes(f *testing.F) {
	ping, _ := wire.AppendMsg(nil, 1, 0, &wire.Msg{Body: cmd(bson.KV("ping", 1))})
	insert, _ := wire.AppendMsg(nil, 2, 0, &wire.Msg{Body: cmd(bson.KV("insert", "c")),
		Sequences: []wire.Sequence{seq("documents", Doc(bson.KV("_id", 1)))}})
	compressed, _ := wire.Compress(nil, ping, wire.CompressorSnappy, 0)
	query, _ := wire.AppendQuery(nil, 3, &wire.Query{FullCollectionName: "admin.$cmd", NumberToReturn: -1, Query: Doc(bson.KV("isMaster", 1))})
	for _, seed := range [][]byte{ping, insert, compressed, query, ping[:20], {0xff, 0xff, 0xff, 0xff}} {
		f.Add(seed)
	}
	srv := New(f, Options{Hello: Hello{Compressors: []string{"snappy", "zlib", "zstd"}}, Logf: func(string, ...any) {}})
	f.Fuzz(func(t *testing.T, data []byte) {
		nc, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		nc.SetDeadline(time.Now().Add(2 * time.Second))
		nc.Write(data)
		nc.(*net.TCPConn).CloseWrite()
		io.Copy(io.Discard, nc) // until the server closes, or the deadline
		if r := dial(t, srv.Addr()).run(cmd(bson.KV("ping", 1))); num(t, r, "ok") != 1 {
			t.Fatalf("server stopped answering: %s", r)
		}
	})
}
