package wirehost

import (
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/wire"
)

// rawClient is the smallest client that speaks to the mock server: wire
// framing over a net.Conn, nothing of the driver.
type rawClient struct {
	t          testing.TB
	nc         net.Conn
	compressor *wire.CompressorID // compress requests with it when set
}

// received is one message off the wire, decoded.
type received struct {
	h          wire.Header
	compressed bool
	compressor wire.CompressorID
	flags      wire.MsgFlags
	doc        bson.Raw
}

func dial(t testing.TB, addr string) *rawClient {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { nc.Close() })
	return &rawClient{t: t, nc: nc}
}

// send writes cmd as an OP_MSG with flags and document sequences; it
// returns the request id.
func (c *rawClient) send(flags wire.MsgFlags, cmd bson.Raw, seqs ...wire.Sequence) int32 {
	c.t.Helper()
	id := wire.NextRequestID()
	msg, err := wire.AppendMsg(nil, id, 0, &wire.Msg{Flags: flags, Body: cmd, Sequences: seqs})
	if err != nil {
		c.t.Fatalf("framing %s: %v", cmd, err)
	}
	if c.compressor != nil {
		if msg, err = wire.Compress(nil, msg, *c.compressor, wire.ZlibDefaultLevel); err != nil {
			c.t.Fatalf("compressing: %v", err)
		}
	}
	c.write(msg)
	return id
}

func (c *rawClient) write(b []byte) {
	c.t.Helper()
	c.nc.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.nc.Write(b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// recv reads one reply (OP_MSG or OP_REPLY, maybe compressed), failing the
// test on any error.
func (c *rawClient) recv() received {
	c.t.Helper()
	r, err := c.tryRecv()
	if err != nil {
		c.t.Fatalf("reading reply: %v", err)
	}
	return r
}

// tryRecv reads one reply within ten seconds (the test's guard against a
// hang, not a timing assertion).
func (c *rawClient) tryRecv() (received, error) {
	c.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	h, msg, err := wire.ReadMessage(c.nc, nil, 0)
	if err != nil {
		return received{}, err
	}
	r := received{h: h}
	if h.OpCode == wire.OpCompressed {
		_, cm, err := wire.ParseCompressed(msg)
		if err != nil {
			return r, err
		}
		r.compressed, r.compressor = true, cm.Compressor
		if msg, err = wire.Decompress(nil, msg, 0); err != nil {
			return r, err
		}
		r.h.OpCode = cm.OriginalOpCode
	}
	switch r.h.OpCode {
	case wire.OpReply:
		rep, err := wire.ParseReply(msg)
		if err != nil {
			return r, err
		}
		doc, _, _ := rep.Documents.Next()
		r.doc = doc
	case wire.OpMsg:
		m, err := wire.ParseMsg(msg)
		if err != nil {
			return r, err
		}
		r.flags, r.doc = m.Flags, m.Body
	default:
		return r, errors.New("unexpected opcode " + r.h.OpCode.String())
	}
	return r, nil
}

// run sends cmd and returns the reply document, checking responseTo.
func (c *rawClient) run(cmd bson.Raw, seqs ...wire.Sequence) bson.Raw {
	c.t.Helper()
	id := c.send(0, cmd, seqs...)
	r := c.recv()
	if err := wire.CheckResponseTo(r.h, id); err != nil {
		c.t.Fatal(err)
	}
	if err := r.doc.Validate(); err != nil {
		c.t.Fatalf("reply to %s: %v", cmd, err)
	}
	return r.doc
}

// expectClosed fails unless the server closes the connection without
// answering.
func (c *rawClient) expectClosed() {
	c.t.Helper()
	r, err := c.tryRecv()
	if err == nil {
		c.t.Fatalf("want the connection closed, got a reply %s", r.doc)
	}
	if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, net.ErrClosed) && !isReset(err) {
		c.t.Fatalf("want EOF, got %v", err)
	}
}

func isReset(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && !op.Timeout()
}

// cmd builds a command document with $db "test" unless it has one.
func cmd(elems ...bson.E) bson.Raw {
	if !hasKey(elems, "$db") {
		elems = append(elems, bson.KV("$db", "test"))
	}
	return Doc(elems...)
}

func seq(id string, docs ...bson.Raw) wire.Sequence {
	var b []byte
	for _, d := range docs {
		b = append(b, d...)
	}
	return wire.Sequence{Identifier: id, Docs: wire.Documents(b)}
}

// num reads a numeric field of a reply, failing when it is absent.
func num(t testing.TB, doc bson.Raw, path ...string) int64 {
	t.Helper()
	v, ok := doc.Lookup(path...).AsInt64()
	if !ok {
		if f, okf := doc.Lookup(path...).AsFloat64(); okf {
			return int64(f)
		}
		t.Fatalf("%v: no number in %s", path, doc)
	}
	return v
}

func str(t testing.TB, doc bson.Raw, path ...string) string {
	t.Helper()
	s, ok := doc.Lookup(path...).StringValue()
	if !ok {
		t.Fatalf("%v: no string in %s", path, doc)
	}
	return s
}

func boolean(doc bson.Raw, path ...string) bool {
	b, _ := doc.Lookup(path...).Boolean()
	return b
}
