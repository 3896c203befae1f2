package pool

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// timerClock is a clock whose timers fire only when the test says so: it
// records each timer's duration, and fire fires them all.
type timerClock struct {
	mu     sync.Mutex
	timers []chan time.Time
	durs   []time.Duration
	made   chan struct{} // receives once per NewTimer
}

func newTimerClock() *timerClock { return &timerClock{made: make(chan struct{}, 16)} }

func (c *timerClock) Now() time.Time { return time.Now() }

func (c *timerClock) NewTimer(d time.Duration) (<-chan time.Time, func() bool) {
	ch := make(chan time.Time, 1)
	c.mu.Lock()
	c.timers, c.durs = append(c.timers, ch), append(c.durs, d)
	c.mu.Unlock()
	c.made <- struct{}{}
	return ch, func() bool { return true }
}

func (c *timerClock) fire() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ch := range c.timers {
		select {
		case ch <- time.Now():
		default:
		}
	}
}

// TestWaitQueueTimeoutWithContextDeadline checks that waitQueueTimeoutMS
// bounds a checkout whose context has a (later) deadline too: the wait
// ends at the earlier of the two. Before, a deadline on ctx made the pool
// ignore waitQueueTimeoutMS, and the load-balancers wait-queue cases
// waited out the runner's 30 s per-test context. A context from
// WithoutWaitQueueTimeout (an operation under timeoutMS) is bounded by its
// own deadline only. The pool's timer is a fake that the test fires: no
// timing is asserted.
func TestWaitQueueTimeoutWithContextDeadline(t *testing.T) {
	fake := func(ctx context.Context, addr string) (*Conn, error) {
		return NewConn(&fakeNetConn{}, Description{Address: addr}), nil
	}
	clk := newTimerClock()
	cfg := Config{MaxPoolSize: 1, Connect: fake, WaitQueueTimeout: 50 * time.Millisecond}
	cfg.clock = clk
	p := New("127.0.0.1:27017", cfg)
	defer p.Close(context.Background())
	p.Ready()
	held, err := p.Checkout(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer p.CheckIn(held)

	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		_, err := p.Checkout(ctx)
		errc <- err
	}()
	select {
	case <-clk.made:
	case err := <-errc:
		t.Fatalf("checkout ended before waiting: %v", err)
	case <-time.After(stuckBound):
		t.Fatal("a checkout whose context has a deadline started no waitQueueTimeoutMS timer")
	}
	clk.mu.Lock()
	d := clk.durs[0]
	clk.mu.Unlock()
	if d != 50*time.Millisecond {
		t.Errorf("wait-queue timer of %v, want waitQueueTimeoutMS (50ms)", d)
	}
	clk.fire()
	select {
	case err := <-errc:
		if !errors.Is(err, ErrWaitQueueTimeout) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("checkout after waitQueueTimeoutMS: %v, want ErrWaitQueueTimeout", err)
		}
	case <-time.After(stuckBound):
		t.Fatal("the checkout did not end when waitQueueTimeoutMS passed")
	}

	// Under timeoutMS: no wait-queue timer; the context ends the wait.
	cctx, ccancel := context.WithCancel(WithoutWaitQueueTimeout(context.Background()))
	go func() {
		_, err := p.Checkout(cctx)
		errc <- err
	}()
	for p.Stats().Waiting == 0 {
		time.Sleep(time.Millisecond)
	}
	ccancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("checkout that ignores waitQueueTimeoutMS: %v, want its context's cancellation", err)
	}
	select {
	case <-clk.made:
		t.Error("a checkout under WithoutWaitQueueTimeout started a waitQueueTimeoutMS timer")
	default:
	}
}

// stuckBound only stops a broken test; nothing is timed against it.
const stuckBound = 15 * time.Second
