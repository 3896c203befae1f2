package pool

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/mockserver"
	"github.com/torque-go/torque/wire"
)

// scriptConn is a server in memory: each request written makes the
// replies reply returns available at once, as one segment on a socket
// would. It counts the Read and Write calls (system calls on a real
// socket).
type scriptConn struct {
	fakeNetConn
	mu            sync.Mutex
	in            []byte // sent by the "server", not read yet
	chunk         int    // bytes a Read returns at most; 0: all it can
	reads, writes int
	reply         func(reqID int32) [][]byte
	onRead        func() // called by every Read, outside the lock
}

func (s *scriptConn) Read(p []byte) (int, error) {
	if s.onRead != nil {
		s.onRead()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads++
	if len(s.in) == 0 {
		return 0, io.EOF
	}
	if s.chunk > 0 && len(p) > s.chunk {
		p = p[:s.chunk]
	}
	n := copy(p, s.in)
	s.in = s.in[n:]
	return n, nil
}

func (s *scriptConn) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	for _, r := range s.reply(int32(binary.LittleEndian.Uint32(p[4:]))) {
		s.in = append(s.in, r...)
	}
	return len(p), nil
}

func (s *scriptConn) counts() (reads, writes int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reads, s.writes
}

// okReply is an OP_MSG {ok: 1, n: n} answering reqID.
func okReply(t testing.TB, reqID int32, flags wire.MsgFlags, n int32, pad int) []byte {
	body := mockserver.Doc(bson.KV("ok", 1), bson.KV("n", n), bson.KV("pad", strings.Repeat("x", pad)))
	msg, err := wire.AppendMsg(nil, wire.NextRequestID(), reqID, &wire.Msg{Flags: flags, Body: body})
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

// A round trip is one write and, when the reply is there at once, one
// read: the header and the body are not read separately.
func TestRoundTripIsOneReadAndOneWrite(t *testing.T) {
	nc := &scriptConn{}
	nc.reply = func(reqID int32) [][]byte { return [][]byte{okReply(t, reqID, 0, 1, 10)} }
	c := NewConn(nc, Description{Address: "script:1"})
	for i := range 3 {
		ping(t, context.Background(), c)
		if r, w := nc.counts(); r != i+1 || w != i+1 {
			t.Fatalf("after %d round trips: %d reads, %d writes; want %d of each", i+1, r, w, i+1)
		}
	}
	if c.buffered() != 0 {
		t.Fatalf("%d bytes left over", c.buffered())
	}
}

// Replies of an exhaust stream that arrive together are read with one
// read and handed out one by one.
func TestReadAheadKeepsTheNextExhaustReply(t *testing.T) {
	nc := &scriptConn{}
	nc.reply = func(reqID int32) [][]byte {
		return [][]byte{okReply(t, reqID, wire.MoreToCome, 0, 5), okReply(t, reqID, wire.MoreToCome, 1, 7000), okReply(t, reqID, 0, 2, 3)}
	}
	c := NewConn(nc, Description{Address: "script:1"})
	start, msg := wire.StartMsg(nil, wire.NextRequestID(), 0, wire.ExhaustAllowed)
	msg = wire.AppendBody(msg, mockserver.Doc(bson.KV("hello", 1), bson.KV("$db", "admin")))
	msg, _ = wire.FinishMsg(msg, start)
	if err := c.WriteMessage(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		m, err := c.ReadReply(context.Background())
		if err != nil {
			t.Fatalf("reply %d: %v", i, err)
		}
		if n, _ := bson.Raw(m.Body).Lookup("n").Int32(); n != int32(i) {
			t.Fatalf("reply %d has n %d", i, n)
		}
		if more := m.Flags&wire.MoreToCome != 0; more != (i < 2) {
			t.Fatalf("reply %d moreToCome=%v", i, more)
		}
	}
	if r, _ := nc.counts(); r != 1 {
		t.Errorf("%d reads for three replies that arrived together, want 1", r)
	}
}

// Replies larger than the buffer, and replies that trickle in a few bytes
// at a time, are read whole.
func TestReaderLargeAndTrickledReplies(t *testing.T) {
	for _, tc := range []struct {
		name       string
		chunk, pad int
	}{{"large", 0, 300_000}, {"trickled", 3, 100}, {"large-trickled", 4096, 200_000}} {
		t.Run(tc.name, func(t *testing.T) {
			nc := &scriptConn{chunk: tc.chunk}
			nc.reply = func(reqID int32) [][]byte { return [][]byte{okReply(t, reqID, 0, 1, tc.pad)} }
			c := NewConn(nc, Description{Address: "script:1"})
			for range 2 {
				reply, err := c.RoundTrip(context.Background(), appendCommandMsg(nil, "ping", "admin"))
				if err != nil {
					t.Fatal(err)
				}
				if s, _ := bson.Raw(reply.Body).Lookup("pad").StringValue(); len(s) != tc.pad {
					t.Fatalf("pad of %d bytes, want %d", len(s), tc.pad)
				}
			}
		})
	}
}

// A reply cut short is an error that says how far it got, and kills the
// connection.
func TestReaderTruncatedReply(t *testing.T) {
	nc := &scriptConn{}
	nc.reply = func(reqID int32) [][]byte { r := okReply(t, reqID, 0, 1, 10); return [][]byte{r[:len(r)-4]} }
	c := NewConn(nc, Description{Address: "script:1"})
	_, err := c.RoundTrip(context.Background(), appendCommandMsg(nil, "ping", "admin"))
	if !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), "OP_MSG body: got") || !c.Dead() {
		t.Fatalf("want an unexpected EOF in the body on a dead conn, got %v", err)
	}
}

// Bytes read ahead that answer nothing (a server sending more than the
// reply) make the connection unusable: CheckIn closes it.
func TestCheckInWithBytesReadAheadCloses(t *testing.T) {
	var mu sync.Mutex
	var closed []string
	p := New("script:1", Config{
		Connect: func(ctx context.Context, addr string) (*Conn, error) {
			nc := &scriptConn{}
			nc.reply = func(reqID int32) [][]byte {
				return [][]byte{okReply(t, reqID, 0, 1, 10), []byte("junk")}
			}
			return NewConn(nc, Description{Address: addr}), nil
		},
		Monitor: func(e Event) {
			if e.Type == ConnectionClosed {
				mu.Lock()
				closed = append(closed, e.Reason)
				mu.Unlock()
			}
		},
	})
	defer p.Close(context.Background())
	p.Ready()
	c, err := p.Checkout(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ping(t, context.Background(), c)
	if c.buffered() != 4 {
		t.Fatalf("%d bytes buffered, want the 4 junk bytes", c.buffered())
	}
	p.CheckIn(c)
	mu.Lock()
	defer mu.Unlock()
	if len(closed) != 1 || closed[0] != ReasonError {
		t.Fatalf("closed %v, want the connection closed for error", closed)
	}
	if st := p.Stats(); st.Total != 0 {
		t.Errorf("stats %+v", st)
	}
}

// A dead connection's later calls say what killed it, without matching
// the earlier cause (a later call was not cancelled).
func TestDeadConnectionSaysWhy(t *testing.T) {
	nc := &scriptConn{}
	nc.reply = func(reqID int32) [][]byte { return nil } // the peer closes
	c := NewConn(nc, Description{Address: "script:1"})
	if _, err := c.RoundTrip(context.Background(), appendCommandMsg(nil, "ping", "admin")); !errors.Is(err, io.EOF) {
		t.Fatalf("want EOF, got %v", err)
	}
	_, err := c.RoundTrip(context.Background(), appendCommandMsg(nil, "ping", "admin"))
	if err == nil || !strings.Contains(err.Error(), "after an earlier error (read: EOF)") || errors.Is(err, io.EOF) {
		t.Fatalf("second call: %v", err)
	}
}

// A handshake whose context ends just as its last reply arrives fails: the
// connection's socket deadline is in the past, so it must not be handed
// out as established (a checkout would get a dead connection).
func TestHandshakeRacingItsContextFails(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	nc := &scriptConn{}
	nc.reply = func(reqID int32) [][]byte {
		body := mockserver.Doc(bson.KV("ok", 1), bson.KV("helloOk", true), bson.KV("maxWireVersion", 21))
		msg, err := wire.AppendMsg(nil, wire.NextRequestID(), reqID, &wire.Msg{Body: body})
		if err != nil {
			t.Error(err)
		}
		return [][]byte{msg}
	}
	nc.onRead = cancel // the reply is there; the context ends as it is read
	c := NewConn(nc, Description{Address: "script:1"})
	err := c.handshake(ctx, &ConnConfig{HelloOK: true})
	var ce *ConnError
	if !errors.As(err, &ce) || ce.Stage != StageHello || !errors.Is(err, context.Canceled) {
		t.Fatalf("want a cancelled hello, got %v", err)
	}
	if _, err := c.RoundTrip(context.Background(), appendCommandMsg(nil, "ping", "admin")); err == nil ||
		!strings.Contains(err.Error(), "the context ended during an operation") {
		t.Fatalf("later call: %v", err)
	}
}

// SwapReadBuffer hands over the array holding the reply just read (no
// copy), and the connection reads its next reply into the caller's
// array; with bytes read ahead it refuses, and the reply stays put.
func TestSwapReadBuffer(t *testing.T) {
	nc := &scriptConn{}
	ahead := false
	nc.reply = func(reqID int32) [][]byte {
		if ahead {
			return [][]byte{okReply(t, reqID, wire.MoreToCome, 1, 10), okReply(t, reqID, 0, 2, 10)}
		}
		return [][]byte{okReply(t, reqID, 0, 0, 10)}
	}
	c := NewConn(nc, Description{Address: "script:1"})
	ctx := context.Background()
	rt := func() wire.Msg {
		t.Helper()
		m, err := c.RoundTrip(ctx, appendCommandMsg(nil, "ping", "admin"))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	m := rt()
	mine := wire.GetBuffer()
	*mine = append(*mine, "the caller's bytes"...)
	given := (*mine)[:1]
	if !c.SwapReadBuffer(mine) {
		t.Fatal("no swap with nothing read ahead")
	}
	if len(*mine) != 0 || &(*mine)[:1][0] == &given[0] {
		t.Fatal("buf was not given the read buffer's array")
	}
	body := append([]byte(nil), m.Body...)
	if c.SwapReadBuffer(mine) {
		t.Error("a second swap without a read")
	}
	m2 := rt()
	if &m2.Body[0] == &m.Body[0] || string(m.Body) != string(body) {
		t.Error("the next reply was read over the handed-over one")
	}
	if c.rbuf == nil || &(*c.rbuf)[:1][0] != &given[0] {
		t.Error("the connection does not read into the array it was given")
	}
	ahead = true
	start, msg := wire.StartMsg(nil, wire.NextRequestID(), 0, wire.ExhaustAllowed)
	msg = wire.AppendBody(msg, mockserver.Doc(bson.KV("hello", 1), bson.KV("$db", "admin")))
	msg, _ = wire.FinishMsg(msg, start)
	if err := c.WriteMessage(ctx, msg); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReadReply(ctx); err != nil {
		t.Fatal(err)
	}
	if c.SwapReadBuffer(mine) {
		t.Error("swapped with the next reply read ahead")
	}
	m3, err := c.ReadReply(ctx)
	if n, _ := bson.Raw(m3.Body).Lookup("n").Int32(); err != nil || n != 2 {
		t.Errorf("the reply read ahead: n %d, %v", n, err)
	}
	wire.PutBuffer(mine)
}
