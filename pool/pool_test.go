package pool

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/torque-go/torque/internal/leakcheck"
	"github.com/torque-go/torque/internal/mockserver"
)

// 500 goroutines share a pool of 10 against the mock server: no deadlock,
// never more than 10 connections, every checkout either succeeds or times
// out with a clear error, and Close leaves no connection or goroutine.
func TestPoolStress(t *testing.T) {
	leakcheck.Check(t)
	srv := mockserver.New(t, mockserver.Options{})
	var created, closed, maxOpen, open atomic.Int64
	p := New(srv.Addr(), Config{MaxPoolSize: 10, Monitor: func(e Event) {
		switch e.Type {
		case ConnectionCreated:
			created.Add(1)
			n := open.Add(1)
			for m := maxOpen.Load(); n > m && !maxOpen.CompareAndSwap(m, n); m = maxOpen.Load() {
			}
		case ConnectionClosed:
			closed.Add(1)
			open.Add(-1)
		}
	}})
	p.Ready()

	var ok, timedOut atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 500)
	for i := range 500 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Some impatient callers, so that both outcomes happen.
			d := 10 * time.Second
			if i%5 == 0 {
				d = time.Millisecond
			}
			ctx, cancel := context.WithTimeout(context.Background(), d)
			defer cancel()
			c, err := p.Checkout(ctx)
			if err != nil {
				if !errors.Is(err, ErrWaitQueueTimeout) && !errors.Is(err, ErrConnectionFailed) {
					errs <- err
				} else if errors.Is(err, ErrWaitQueueTimeout) && (!errors.Is(err, context.DeadlineExceeded) ||
					!strings.Contains(err.Error(), "maxPoolSize 10")) {
					errs <- fmt.Errorf("unclear timeout: %w", err)
				}
				timedOut.Add(1)
				return
			}
			defer p.CheckIn(c)
			if err := tryPing(context.Background(), c); err != nil {
				errs <- err
				return
			}
			ok.Add(1)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if ok.Load()+timedOut.Load() != 500 || ok.Load() < 400 {
		t.Errorf("%d succeeded, %d timed out", ok.Load(), timedOut.Load())
	}
	if maxOpen.Load() > 10 {
		t.Errorf("%d connections open at once, maxPoolSize is 10", maxOpen.Load())
	}
	st := p.Stats()
	if st.InUse != 0 || st.Waiting != 0 || st.Pending != 0 || st.Total != st.Idle {
		t.Errorf("after the storm: %+v", st)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if st := p.Stats(); st.Total != 0 || created.Load() != closed.Load() {
		t.Errorf("after Close: %+v, %d created, %d closed", st, created.Load(), closed.Load())
	}
	t.Logf("%d checkouts succeeded, %d timed out, %d connections made", ok.Load(), timedOut.Load(), created.Load())
}

func TestCheckoutErrorsSayWhy(t *testing.T) {
	fake := func(ctx context.Context, addr string) (*Conn, error) {
		return NewConn(&fakeNetConn{}, Description{Address: addr}), nil
	}
	p := New("127.0.0.1:27017", Config{MaxPoolSize: 1, Connect: fake})

	_, err := p.Checkout(context.Background())
	if !errors.Is(err, ErrPoolCleared) || !strings.Contains(err.Error(), "paused") {
		t.Errorf("new pool: %v", err)
	}

	p.Ready()
	held, err := p.Checkout(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Two waiters queue behind the held connection; the third times out
	// behind them.
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// No deadline: they stay queued until Clear fails them.
			if c, err := p.Checkout(context.Background()); err == nil {
				p.CheckIn(c)
			}
		}()
	}
	for p.Stats().Waiting < 2 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err = p.Checkout(ctx)
	want := "waiting for a connection to 127.0.0.1:27017 behind 2 other requests (maxPoolSize 1, 1 in use"
	if !errors.Is(err, ErrWaitQueueTimeout) || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), want) {
		t.Errorf("timeout: %v", err)
	}

	// waitQueueTimeoutMS bounds a checkout whose context has no deadline.
	p2 := New("127.0.0.1:27018", Config{MaxPoolSize: 1, Connect: fake, WaitQueueTimeout: 20 * time.Millisecond})
	p2.Ready()
	h2, _ := p2.Checkout(context.Background())
	_, err = p2.Checkout(context.Background())
	if !errors.Is(err, ErrWaitQueueTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waitQueueTimeout: %v", err)
	}
	p2.CheckIn(h2)
	p2.Close(context.Background())

	cause := errors.New("connection reset by peer")
	p.Clear(ClearOptions{Cause: cause})
	_, err = p.Checkout(context.Background())
	if !errors.Is(err, ErrPoolCleared) || !errors.Is(err, cause) || !strings.Contains(err.Error(), "cleared because an operation failed") {
		t.Errorf("cleared: %v", err)
	}
	p.CheckIn(held)
	wg.Wait()

	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, err = p.Checkout(context.Background())
	if !errors.Is(err, ErrPoolClosed) || err.Error() != "pool: pool for 127.0.0.1:27017 closed" {
		t.Errorf("closed: %v", err)
	}
	if err := p.Close(context.Background()); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestCheckInRefusesStrangers(t *testing.T) {
	fake := func(ctx context.Context, addr string) (*Conn, error) {
		return NewConn(&fakeNetConn{}, Description{Address: addr}), nil
	}
	a, b := New("a:1", Config{Connect: fake}), New("b:1", Config{Connect: fake})
	defer a.Close(context.Background())
	defer b.Close(context.Background())
	a.Ready()
	c, err := a.Checkout(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := b.CheckIn(c); err == nil {
		t.Error("pool b accepted a connection of pool a")
	}
	if err := a.CheckIn(c); err != nil {
		t.Fatal(err)
	}
	if err := a.CheckIn(c); err == nil {
		t.Error("a connection was checked in twice")
	}
}

func TestEstablishFailureEvents(t *testing.T) {
	boom := errors.New("boom")
	var mu sync.Mutex
	var evs []string
	p := New("x:1", Config{
		Connect: func(ctx context.Context, addr string) (*Conn, error) {
			return nil, &ConnError{Addr: addr, Stage: StageTLS, Err: boom}
		},
		Monitor: func(e Event) {
			mu.Lock()
			evs = append(evs, e.Type.String()+"/"+e.Reason)
			mu.Unlock()
		},
	})
	defer p.Close(context.Background())
	p.Ready()
	_, err := p.Checkout(context.Background())
	var ce *ConnError
	if !errors.Is(err, ErrConnectionFailed) || !errors.Is(err, boom) || !errors.As(err, &ce) || ce.ConnID != 1 || ce.Stage != StageTLS {
		t.Fatalf("got %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	got := strings.Join(evs, " ")
	want := "ConnectionPoolCreated/ ConnectionPoolReady/ ConnectionCheckOutStarted/ ConnectionCreated/ ConnectionClosed/error ConnectionCheckOutFailed/connectionError"
	if got != want {
		t.Errorf("events:\n got %s\nwant %s", got, want)
	}
	if st := p.Stats(); st.Total != 0 || st.Pending != 0 {
		t.Errorf("stats after a failure: %+v", st)
	}
}

func TestLoadBalancedClearByService(t *testing.T) {
	lb := mockserver.New(t, mockserver.Options{Hello: mockserver.Hello{Role: mockserver.LoadBalanced}})
	var mu sync.Mutex
	var reasons []string
	p := newReadyPool(t, lb.Addr(), Config{Conn: ConnConfig{LoadBalanced: true}, Monitor: func(e Event) {
		if e.Type == ConnectionClosed {
			mu.Lock()
			reasons = append(reasons, e.Reason)
			mu.Unlock()
		}
	}})
	c, err := p.Checkout(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	sid := c.Description().ServiceID
	if sid == nil {
		t.Fatal("no serviceId")
	}
	p.Clear(ClearOptions{ServiceID: sid})
	// The pool is not paused by a service clear.
	c2, err := p.Checkout(testCtx(t))
	if err != nil {
		t.Fatalf("checkout after a service clear: %v", err)
	}
	p.CheckIn(c)
	p.CheckIn(c2)
	mu.Lock()
	defer mu.Unlock()
	if len(reasons) != 1 || reasons[0] != ReasonStale {
		t.Errorf("closed: %v, want the one stale connection", reasons)
	}
}

func TestBackgroundPrunesIdle(t *testing.T) {
	leakcheck.Check(t)
	srv := mockserver.New(t, mockserver.Options{})
	closed := make(chan string, 4)
	p := newReadyPool(t, srv.Addr(), Config{MaxIdleTime: 20 * time.Millisecond, MaintainInterval: 10 * time.Millisecond,
		Monitor: func(e Event) {
			if e.Type == ConnectionClosed {
				closed <- e.Reason
			}
		}})
	c, err := p.Checkout(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	p.CheckIn(c)
	select {
	case r := <-closed:
		if r != ReasonIdle {
			t.Fatalf("closed for %q", r)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("idle connection never pruned")
	}
	if st := p.Stats(); st.Total != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestMinPoolSizeUsesHelloOnceKnown(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	p := newReadyPool(t, srv.Addr(), Config{MinPoolSize: 3})
	deadline := time.Now().Add(20 * time.Second)
	for p.Stats().Idle < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("minPoolSize not reached: %+v", p.Stats())
		}
		time.Sleep(5 * time.Millisecond)
	}
	var legacy, hello int
	for _, r := range srv.Requests() {
		switch r.Name {
		case "isMaster":
			legacy++
		case "hello":
			hello++
		}
	}
	if legacy < 1 || legacy+hello != 3 {
		t.Errorf("%d isMaster and %d hello for 3 connections", legacy, hello)
	}
}

func TestCloseIsBounded(t *testing.T) {
	leakcheck.Check(t)
	release := make(chan struct{})
	p := New("slow:1", Config{MinPoolSize: 1, Connect: func(ctx context.Context, addr string) (*Conn, error) {
		<-release // ignores ctx: a badly behaved dialer
		return nil, errors.New("released")
	}})
	p.Ready()
	for p.Stats().Pending == 0 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := p.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Close with a stuck dialer: %v", err)
	}
	close(release)
	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestClearInterruptTouchesOnlyInUse(t *testing.T) {
	reasons := make(chan string, 4)
	p := New("x:1", Config{
		Connect: func(ctx context.Context, addr string) (*Conn, error) {
			return NewConn(&fakeNetConn{}, Description{Address: addr}), nil
		},
		Monitor: func(e Event) {
			if e.Type == ConnectionClosed {
				reasons <- e.Reason
			}
		},
	})
	defer p.Close(context.Background())
	p.Ready()
	a, _ := p.Checkout(context.Background())
	b, _ := p.Checkout(context.Background())
	p.CheckIn(b)
	p.Clear(ClearOptions{InterruptInUse: true})
	if !a.interrupted.Load() || b.interrupted.Load() {
		t.Fatalf("in use interrupted=%v, idle interrupted=%v; want only the in-use one", a.interrupted.Load(), b.interrupted.Load())
	}
	if r := <-reasons; r != ReasonStale { // the background goroutine prunes b
		t.Errorf("idle connection closed for %q", r)
	}
	p.CheckIn(a)
	if r := <-reasons; r != ReasonError && r != ReasonStale {
		t.Errorf("interrupted connection closed for %q", r)
	}
}

// A checkout whose context has already ended dials nothing: it fails as a
// timeout (not as a connection error, which would make SDAM clear the
// pool), and the permission to connect goes to the next waiter.
func TestCheckoutWithEndedContextDialsNothing(t *testing.T) {
	var dials atomic.Int64
	p := New("x:1", Config{MaxPoolSize: 1, Connect: func(ctx context.Context, addr string) (*Conn, error) {
		dials.Add(1)
		return NewConn(&fakeNetConn{}, Description{Address: addr}), nil
	}})
	defer p.Close(context.Background())
	p.Ready()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := p.Checkout(ctx)
	if !errors.Is(err, ErrWaitQueueTimeout) || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "cancelled after") {
		t.Fatalf("want a cancelled checkout, got %v", err)
	}
	if n := dials.Load(); n != 0 {
		t.Fatalf("%d dials with an ended context", n)
	}
	if st := p.Stats(); st.Total != 0 || st.Pending != 0 {
		t.Fatalf("the permission was not given back: %+v", st)
	}
	c, err := p.Checkout(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p.CheckIn(c)
}
