package driver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/topology"
)

// A reply that arrives whole but cannot be read is the operation's error:
// not a network error, not SDAM input, not retried, and the connection
// (whose stream is in step) goes back to its pool.
func TestMalformedReplyIsOperationError(t *testing.T) {
	replies := map[string]bson.Raw{
		"unknown element type": {9, 0, 0, 0, 0x55, 'a', 0, 0, 0},
		"no ok field":          {5, 0, 0, 0, 0},
	}
	replies["invalid UTF-8"] = bson.Raw{
		0x1d, 0, 0, 0,
		2, 's', 0, 5, 0, 0, 0, 'c', 'a', 'f', 0xe9, 0,
		1, 'o', 'k', 0, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f,
		0,
	}
	for name, reply := range replies {
		t.Run(name, func(t *testing.T) {
			d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary, topology.RSPrimary)
			var log cmdLog
			var conns []*fakeConn
			for _, s := range d.servers {
				s.onConn = func(c *fakeConn) { conns = append(conns, c) }
			}
			d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) {
				log.add(addr, cmd)
				return reply, true, nil
			})
			op := simpleOp(t, "find", Read, bson.D{bson.KV("find", "c")})
			op.Retryable = true
			x := newExecutor(d)
			x.RetryReads = true
			err := x.Execute(context.Background(), op)
			if name == "invalid UTF-8" && err == nil {
				return // a structural check on arrival passes bytes through (the bson policy)
			}
			var re *ReplyError
			if !errors.As(err, &re) || re.Command != "find" {
				t.Fatalf("err = %v (%T), want a *ReplyError of find", err, err)
			}
			if IsNetworkError(err) {
				t.Errorf("a readable frame with unreadable content is a network error: %v", err)
			}
			if name != "no ok field" {
				var de *bson.DecodeError
				if !errors.As(err, &de) {
					t.Errorf("err = %v, want a *bson.DecodeError inside", err)
				}
			}
			if len(log.cmds) != 1 {
				t.Errorf("sent %d times, want once (no retry)", len(log.cmds))
			}
			if len(d.sdamErrs) != 0 {
				t.Errorf("SDAM heard %v", d.sdamErrs)
			}
			for _, c := range conns {
				if c.closed || !c.released {
					t.Errorf("connection closed=%v released=%v, want released to its pool", c.closed, c.released)
				}
			}
		})
	}
}

// The operation's own context ending is never the server's failure: no
// SDAM input, no network error, no retry, and the connection goes back to
// its pool (which closes it if the stream was cut).
func TestContextEndIsNotNetworkError(t *testing.T) {
	for _, tc := range []struct {
		name string
		sent bool
		err  func(context.Context) error
	}{
		{"cancelled before sending", false, func(ctx context.Context) error {
			return fmt.Errorf("write (nothing sent): %w", ctx.Err())
		}},
		{"cancelled while reading", true, func(ctx context.Context) error {
			return fmt.Errorf("read: %w: %w", ctx.Err(), io.ErrUnexpectedEOF)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary, topology.RSPrimary)
			var conns []*fakeConn
			for _, s := range d.servers {
				s.onConn = func(c *fakeConn) { conns = append(conns, c) }
			}
			ctx, cancel := context.WithCancel(context.Background())
			var calls int
			d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) {
				calls++
				cancel()
				return nil, tc.sent, tc.err(ctx)
			})
			op := simpleOp(t, "find", Read, bson.D{bson.KV("find", "c")})
			op.Retryable = true
			x := newExecutor(d)
			x.RetryReads = true
			err := x.Execute(ctx, op)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			if IsNetworkError(err) {
				t.Errorf("the caller's cancellation is a network error: %v", err)
			}
			if len(d.sdamErrs) != 0 {
				t.Errorf("SDAM heard %v", d.sdamErrs)
			}
			if calls != 1 {
				t.Errorf("%d attempts, want 1", calls)
			}
			for _, c := range conns {
				if c.closed || !c.released {
					t.Errorf("connection closed=%v released=%v, want released (the pool decides)", c.closed, c.released)
				}
			}
		})
	}
}
