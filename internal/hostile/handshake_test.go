package hostile

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/torque-go/torque/auth"
	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

// Hangs at each step of a pool connection's handshake, cut off by the
// operation's own deadline: that connection is closed and nothing else
// happens: no pool clear, no server marked Unknown (issue 13, item 2b).
// Connection 0 is the monitor's and is never stuck. (A dial or a TLS
// handshake that never completes: stall_test.go.)
func TestHandshakeHangs(t *testing.T) {
	for _, tc := range []struct {
		name string
		auth bool
		step func(req request) ([]byte, after, bool) // the stuck answer, and whether req is the step
	}{
		{"hello unanswered", false, func(req request) ([]byte, after, bool) { return nil, hang, req.isHello() }},
		{"half a hello", false, func(req request) ([]byte, after, bool) {
			r := reply(req, nil)
			return r[:len(r)/2], hang, req.isHello()
		}},
		{"saslStart unanswered", true, func(req request) ([]byte, after, bool) { return nil, hang, req.Name == "saslStart" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stuck atomic.Bool
			stuck.Store(true)
			srv := newRawServer(t, func(n int, req request) ([]byte, after) {
				if out, then, ok := tc.step(req); ok && n > 0 && stuck.Load() {
					return out, then
				}
				return nil, carryOn
			})
			var opts client.Options
			if tc.auth {
				opts.Auth = &client.Credential{Mechanism: auth.MechanismSCRAMSHA256, Source: "admin",
					Username: "u", Password: "p", PasswordSet: true}
			}
			r := newRig(t, srv.uri(), opts)
			for range 3 {
				ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
				err := r.c.Database("test").Collection("c").FindOne(ctx, bson.D{}).Err()
				cancel()
				if !errors.Is(err, context.DeadlineExceeded) || client.IsNetworkError(err) {
					t.Fatalf("FindOne = %v, want its own deadline, not a network error", err)
				}
			}
			r.noClear()
			if tc.auth {
				return // a raw server cannot finish SCRAM
			}
			stuck.Store(false)
			if err := r.c.Ping(ctxT(t)); err != nil {
				t.Errorf("ping once the server answers again: %v", err)
			}
			r.disconnectLeavesNothing(srv.openConns)
		})
	}
}
