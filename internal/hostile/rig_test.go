package hostile

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/leakcheck"
	"github.com/torque-go/torque/pool"
	"github.com/torque-go/torque/topology"
)

// rig is one client under attack, with what its pools and its topology
// reported. Every test of this package asserts through it: no pool clear
// where none is due (clears), no server marked Unknown where nothing says
// it is down (unknowns), no goroutine left (leakcheck, set up by newRig)
// and, after Disconnect, no socket left open (the server's count).
type rig struct {
	t *testing.T
	c *client.Client

	// onPool, when set, sees every pool event (a test cancels a context
	// at a given stage with it).
	onPool func(pool.Event)

	mu       sync.Mutex
	clears   int
	unknowns int
	closed   []string // reasons of ConnectionClosed events
}

// newRig connects a client to uri with opts; the client is disconnected
// when the test ends, and goroutines are checked after that.
func newRig(t *testing.T, uri string, opts client.Options) *rig {
	t.Helper()
	leakcheck.Check(t)
	r := &rig{t: t}
	opts.PoolMonitor = r.poolEvent
	opts.SDAMListener = topology.ListenerFunc(r.sdamEvent)
	if opts.HeartbeatFrequency == 0 {
		opts.HeartbeatFrequency = time.Hour // checks only when asked: no noise
	}
	c, err := client.Connect(context.Background(), uri, opts)
	if err != nil {
		t.Fatal(err)
	}
	r.c = c
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := c.Disconnect(ctx); err != nil {
			t.Errorf("Disconnect: %v", err)
		}
	})
	return r
}

func (r *rig) poolEvent(e pool.Event) {
	r.mu.Lock()
	hook := r.onPool
	r.mu.Unlock()
	if hook != nil {
		hook(e)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch e.Type {
	case pool.PoolCleared:
		r.clears++
	case pool.ConnectionClosed:
		r.closed = append(r.closed, string(e.Reason))
	}
}

func (r *rig) sdamEvent(e topology.Event) {
	if sc, ok := e.(topology.ServerDescriptionChanged); ok &&
		sc.New.Type == topology.ServerUnknown && sc.Previous.Type != topology.ServerUnknown {
		r.mu.Lock()
		r.unknowns++
		r.mu.Unlock()
	}
}

// hook sets onPool.
func (r *rig) hook(f func(pool.Event)) {
	r.mu.Lock()
	r.onPool = f
	r.mu.Unlock()
}

// ready waits until the server is known, with one ping.
func (r *rig) ready() {
	r.t.Helper()
	if err := r.c.Ping(ctxT(r.t)); err != nil {
		r.t.Fatalf("ping before the attack: %v", err)
	}
}

// noClear fails the test if any pool was cleared or any server marked
// Unknown: the attack was the caller's doing or the operation's business.
func (r *rig) noClear() {
	r.t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.clears != 0 || r.unknowns != 0 {
		r.t.Errorf("%d pool clears and %d servers marked Unknown, want none", r.clears, r.unknowns)
	}
}

// cleared reports the pool clears so far.
func (r *rig) cleared() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.clears
}

// disconnectLeavesNothing disconnects now and checks that the server sees
// no socket left open (the goroutines are checked by leakcheck).
func (r *rig) disconnectLeavesNothing(open func() int) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.c.Disconnect(ctx); err != nil {
		r.t.Fatalf("Disconnect: %v", err)
	}
	for deadline := time.Now().Add(10 * time.Second); open() != 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if n := open(); n != 0 {
		r.t.Errorf("%d sockets still open after Disconnect", n)
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}
