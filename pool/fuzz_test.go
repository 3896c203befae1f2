package pool

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/mockserver"
	"github.com/torque-go/torque/wire"
)

// replayConn answers every read from a fixed script of bytes and swallows
// writes: a server that says whatever the fuzzer wants.
type replayConn struct {
	fakeNetConn
	r *bytes.Reader
}

func (c *replayConn) Read(b []byte) (int, error)  { return c.r.Read(b) }
func (c *replayConn) Write(b []byte) (int, error) { return len(b), nil }

// FuzzReadReply feeds arbitrary bytes to a connection waiting for a reply:
// an error or a reply, never a panic, and a failed connection is dead.
func FuzzReadReply(f *testing.F) {
	ok, _ := wire.AppendMsg(nil, 7, 1, &wire.Msg{Body: mockserver.Doc(bson.KV("ok", 1))})
	f.Add(ok)
	z, _ := wire.Compress(nil, ok, wire.CompressorZstd, 0)
	f.Add(z)
	s, _ := wire.Compress(nil, ok, wire.CompressorSnappy, 0)
	f.Add(s)
	f.Add(ok[:20])
	f.Fuzz(func(t *testing.T, data []byte) {
		c := NewConn(&replayConn{r: bytes.NewReader(data)}, Description{Address: "fuzz:1", MaxMessageSizeBytes: 1 << 20})
		c.awaiting = true
		m, err := c.ReadReply(context.Background())
		if err != nil && !c.Dead() {
			t.Fatalf("error %v left the connection alive", err)
		}
		if err == nil && m.Body == nil {
			t.Fatal("no error and no body")
		}
	})
}

// FuzzHelloReply checks the handshake's reading of hello replies, both the
// legacy OP_REPLY and the document itself.
func FuzzHelloReply(f *testing.F) {
	doc := mockserver.Doc(bson.KV("ok", 1), bson.KV("maxWireVersion", 21), bson.KV("helloOk", true),
		bson.KV("compression", bson.A{"zstd"}), bson.KV("connectionId", int64(5)))
	reply, _ := wire.AppendReply(nil, 9, 3, &wire.Reply{NumberReturned: 1, Documents: wire.Documents(doc)})
	f.Add(reply)
	f.Add([]byte(doc))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg := &ConnConfig{Compressors: []string{"zstd"}, LoadBalanced: len(data)%2 == 0}
		if h, err := wire.ParseHeader(data); err == nil {
			if r, err := legacyReply(h, data, 3); err == nil {
				_, _ = parseHello(r, cfg)
			}
		}
		if bson.Raw(data).Validate() == nil {
			d, err := parseHello(data, cfg)
			if err == nil && (d.MaxWireVersion < 6 || (cfg.LoadBalanced && d.ServiceID == nil)) {
				t.Fatalf("accepted %+v", d)
			}
		}
	})
}

func TestReplayedStreamsDoNotHang(t *testing.T) {
	// A header that promises more than arrives: an error, not a hang.
	msg, _ := wire.AppendMsg(nil, 7, 1, &wire.Msg{Body: mockserver.Doc(bson.KV("ok", 1))})
	c := NewConn(&replayConn{r: bytes.NewReader(msg[:len(msg)-3])}, Description{Address: "x:1"})
	c.awaiting = true
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := c.ReadReply(ctx); err == nil || !c.Dead() {
		t.Fatalf("truncated reply: %v", err)
	}
}
