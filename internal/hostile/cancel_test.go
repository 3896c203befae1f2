package hostile

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/pool"
)

// Cancellations at each stage of an operation. The caller's own
// cancellation is never the server's failure: the caller gets
// context.Canceled (not a network error), no pool is cleared, no server is
// marked Unknown, nothing is retried, and the next operation works (issue
// 13, item 2a: a cancelled FindOne cleared the pool about once in 4,000).
func TestCancellationAtEachStage(t *testing.T) {
	type stage struct {
		name      string
		wantFinds int  // finds the server saw
		wantClose bool // the connection had to be closed (a reply was due)
		respond   func(cancel context.CancelFunc, req request) ([]byte, after)
		onPool    func(cancel context.CancelFunc, e pool.Event)
	}
	for _, st := range []stage{
		{name: "before checkout"},
		{name: "after checkout", onPool: func(cancel context.CancelFunc, e pool.Event) {
			if e.Type == pool.ConnectionCheckedOut {
				cancel()
			}
		}},
		{name: "after send", wantFinds: 1, wantClose: true, respond: func(cancel context.CancelFunc, req request) ([]byte, after) {
			cancel()
			return nil, hang
		}},
		{name: "while reading", wantFinds: 1, wantClose: true, respond: func(cancel context.CancelFunc, req request) ([]byte, after) {
			r := msgBytes(req.ID, cursorDoc())
			time.AfterFunc(20*time.Millisecond, cancel)
			return r[:len(r)-10], hang
		}},
	} {
		t.Run(st.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			srv := newRawServer(t, findWith(func(req request) ([]byte, after) {
				if st.respond != nil {
					return st.respond(cancel, req)
				}
				return msgBytes(req.ID, cursorDoc()), carryOn
			}))
			r := newRig(t, srv.uri(), client.Options{})
			r.ready()
			r.mu.Lock()
			r.closed = nil
			r.mu.Unlock()
			switch {
			case st.onPool != nil:
				r.hook(func(e pool.Event) { st.onPool(cancel, e) })
			case st.respond == nil:
				cancel()
			}
			err := r.c.Database("test").Collection("c").FindOne(ctx, bson.D{}).Err()
			r.hook(nil)
			if !errors.Is(err, context.Canceled) || client.IsNetworkError(err) {
				t.Fatalf("FindOne = %v, want context.Canceled, not a network error", err)
			}
			if n := srv.count("find"); n != st.wantFinds {
				t.Errorf("the server saw %d finds, want %d", n, st.wantFinds)
			}
			r.mu.Lock()
			closed := len(r.closed)
			r.mu.Unlock()
			if (closed > 0) != st.wantClose {
				t.Errorf("%d connections closed; want a close: %v", closed, st.wantClose)
			}
			r.noClear()
			if err := r.c.Ping(ctxT(t)); err != nil {
				t.Errorf("ping after the cancellation: %v", err)
			}
			r.disconnectLeavesNothing(srv.openConns)
		})
	}
}

// Many operations cancelled at random moments, with unrelated pings
// beside them: no clear, no Unknown, every ping succeeds.
func TestRandomCancellations(t *testing.T) {
	srv := newRawServer(t, findWith(func(req request) ([]byte, after) {
		time.Sleep(time.Duration(rand.IntN(500)) * time.Microsecond)
		return msgBytes(req.ID, cursorDoc(okDoc())), carryOn
	}))
	r := newRig(t, srv.uri(), client.Options{MaxPoolSize: 20})
	r.ready()
	var wg sync.WaitGroup
	for g := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				if (g+i)%5 == 0 {
					if err := r.c.Ping(ctxT(t)); err != nil {
						t.Errorf("an unrelated ping failed: %v", err)
					}
					continue
				}
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(time.Duration(rand.IntN(1500))*time.Microsecond, cancel)
				err := r.c.Database("test").Collection("c").FindOne(ctx, bson.D{}).Err()
				cancel()
				if err != nil && (!errors.Is(err, context.Canceled) || client.IsNetworkError(err)) {
					t.Errorf("FindOne = %v, want success or context.Canceled", err)
				}
			}
		}()
	}
	wg.Wait()
	r.noClear()
	r.disconnectLeavesNothing(srv.openConns)
}
