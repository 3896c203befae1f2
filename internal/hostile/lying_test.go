package hostile

import (
	"context"
	"encoding/binary"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

// Lying lengths. A message whose framing lies leaves the stream out of
// step: a network error, and SDAM clears the pool (that clear is due). A
// message that frames correctly but whose BSON inside lies is a good
// message with bad content: the operation's error, no clear, and the
// connection is reused.

// findWith answers every find with what lie makes of the request.
func findWith(lie func(req request) ([]byte, after)) func(int, request) ([]byte, after) {
	return func(n int, req request) ([]byte, after) {
		if req.Name == "find" {
			return lie(req)
		}
		return nil, carryOn
	}
}

// header is a message header of the given length answering req, and
// nothing else.
func header(req request, length int32) []byte {
	h := make([]byte, 16)
	binary.LittleEndian.PutUint32(h, uint32(length))
	binary.LittleEndian.PutUint32(h[4:], 1)
	binary.LittleEndian.PutUint32(h[8:], uint32(req.ID))
	binary.LittleEndian.PutUint32(h[12:], 2013) // OP_MSG
	return h
}

func TestLyingFrameLengths(t *testing.T) {
	for _, tc := range []struct {
		name string
		lie  func(req request) ([]byte, after)
	}{
		{"length beyond the maximum", func(req request) ([]byte, after) { return header(req, 1<<31-1), carryOn }},
		{"length shorter than a header", func(req request) ([]byte, after) { return header(req, 7), carryOn }},
		{"negative length", func(req request) ([]byte, after) { return header(req, -5), carryOn }},
		{"more promised than sent, then closed", func(req request) ([]byte, after) {
			return append(header(req, 1<<20), make([]byte, 100)...), hangUp
		}},
		{"section length beyond the message", func(req request) ([]byte, after) {
			m := msgBytes(req.ID, cursorDoc())
			binary.LittleEndian.PutUint32(m[21:], 1<<20) // the body document's length
			return m, carryOn
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newRawServer(t, findWith(tc.lie))
			r := newRig(t, srv.uri(), client.Options{})
			r.ready()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			err := r.c.Database("test").Collection("c").FindOne(ctx, bson.D{}).Err()
			runtime.ReadMemStats(&after)
			if !client.IsNetworkError(err) || errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("FindOne = %v, want a network error before the deadline", err)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
				t.Errorf("a lying length made the client allocate %d bytes", grew)
			}
			if r.cleared() == 0 {
				t.Error("a stream out of step did not clear the pool")
			}
			r.disconnectLeavesNothing(srv.openConns)
		})
	}
}

// A length that promises more than arrives, on a server that then hangs:
// the operation's own deadline ends it, the buffer grew only with what
// arrived, and nothing is cleared.
func TestLyingLengthThenSilence(t *testing.T) {
	srv := newRawServer(t, findWith(func(req request) ([]byte, after) {
		return append(header(req, 40_000_000), make([]byte, 100)...), hang
	}))
	r := newRig(t, srv.uri(), client.Options{})
	r.ready()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err := r.c.Database("test").Collection("c").FindOne(ctx, bson.D{}).Err()
	runtime.ReadMemStats(&after)
	if !errors.Is(err, context.DeadlineExceeded) || client.IsNetworkError(err) {
		t.Fatalf("FindOne = %v, want its own deadline, not a network error", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 8<<20 {
		t.Errorf("100 bytes that promised 40 MB made the client allocate %d bytes", grew)
	}
	r.noClear()
	r.disconnectLeavesNothing(srv.openConns)
}

// BSON that lies inside a correctly framed reply is the operation's
// error; the connection stays in use.
func TestLyingBSONInsideAGoodFrame(t *testing.T) {
	bad := cursorDoc(bson.Raw{0x0e, 0, 0, 0, 2, 's', 0, 0x7f, 0, 0, 0, 'x', 0, 0}) // a string length beyond its document
	srv := newRawServer(t, findWith(func(req request) ([]byte, after) { return msgBytes(req.ID, bad), carryOn }))
	r := newRig(t, srv.uri(), client.Options{})
	r.ready()
	for range 3 {
		err := r.c.Database("test").Collection("c").FindOne(ctxT(t), bson.D{}).Err()
		var de *bson.DecodeError
		if !errors.As(err, &de) || client.IsNetworkError(err) {
			t.Fatalf("FindOne = %v, want a *bson.DecodeError, not a network error", err)
		}
		if err := r.c.Ping(ctxT(t)); err != nil {
			t.Fatalf("ping after it: %v", err)
		}
	}
	if n := srv.count("find"); n != 3 {
		t.Errorf("%d finds sent, want 3 (no retry)", n)
	}
	r.noClear()
	r.mu.Lock()
	closed := len(r.closed)
	r.mu.Unlock()
	if closed != 0 {
		t.Errorf("%d connections closed, want none: the stream was in step", closed)
	}
}
