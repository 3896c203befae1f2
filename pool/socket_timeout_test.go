package pool

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/internal/mockserver"
)

// socketTimeoutPool is a ready pool to srv whose connections have the
// socket timeout d.
func socketTimeoutPool(t *testing.T, srv *mockserver.Server, d time.Duration) *Pool {
	t.Helper()
	p := New(srv.Addr(), Config{SocketTimeout: d})
	t.Cleanup(func() { p.Close(context.Background()) })
	p.Ready()
	return p
}

// A reply that does not come within socketTimeoutMS is a network timeout
// (the server's slowness: not ContextDone), the error names the option,
// and the connection is dead.
func TestSocketTimeoutExpires(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	p := socketTimeoutPool(t, srv, 100*time.Millisecond)
	c, err := p.Checkout(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.CheckIn(c)
	ping(t, testCtx(t), c) // a prompt reply is fine
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"ping"}, Action: mockserver.Hang, Times: 1})
	err = tryPing(testCtx(t), c) // the context has 20s: only the socket timeout ends the wait
	var ce *ConnError
	if !errors.As(err, &ce) || ce.ContextDone || !ce.Network() || !ce.Timeout() || ce.Stage != StageRead {
		t.Fatalf("err = %v, want a network timeout while reading", err)
	}
	if !strings.Contains(err.Error(), "socketTimeoutMS (100ms) expired") {
		t.Errorf("err = %q, want it to name socketTimeoutMS", err)
	}
	if !c.Dead() {
		t.Error("the connection outlived a reply that timed out")
	}
}

// The socket timeout bounds each read and write, not the connection's
// life: round trips that each take less than it succeed however many there
// are, and a slow reply within it is awaited.
func TestSocketTimeoutIsPerRoundTrip(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	p := socketTimeoutPool(t, srv, 2*time.Second)
	c, err := p.Checkout(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.CheckIn(c)
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"ping"}, Delay: 50 * time.Millisecond, Times: 3})
	for range 5 {
		ping(t, testCtx(t), c)
	}
}

// WithoutSocketTimeout (an operation with a timeoutMS) lifts the socket
// timeout: only the context bounds the round trip, and its end is the
// caller's (ContextDone).
func TestWithoutSocketTimeout(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	p := socketTimeoutPool(t, srv, 50*time.Millisecond)
	c, err := p.Checkout(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"ping"}, Delay: 300 * time.Millisecond, Times: 1})
	ping(t, WithoutSocketTimeout(testCtx(t)), c) // 300ms > 50ms: lifted
	p.CheckIn(c)

	c, err = p.Checkout(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.CheckIn(c)
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"ping"}, Action: mockserver.Hang, Times: 1})
	ctx, cancel := context.WithTimeout(WithoutSocketTimeout(context.Background()), 300*time.Millisecond)
	defer cancel()
	err = tryPing(ctx, c)
	var ce *ConnError
	if !errors.As(err, &ce) || !ce.ContextDone || ce.Network() || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the context's deadline (ContextDone)", err)
	}
	if strings.Contains(err.Error(), "socketTimeoutMS") {
		t.Errorf("err = %q names socketTimeoutMS, which was lifted", err)
	}
}

// A context deadline earlier than the socket timeout still wins, and is
// the caller's.
func TestSocketTimeoutContextEarlier(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	p := socketTimeoutPool(t, srv, time.Minute)
	c, err := p.Checkout(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.CheckIn(c)
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"ping"}, Action: mockserver.Hang, Times: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err = tryPing(ctx, c)
	var ce *ConnError
	if !errors.As(err, &ce) || !ce.ContextDone || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the context's deadline (ContextDone)", err)
	}
}

// A write the server does not read within the socket timeout is a
// network timeout too (net.Pipe: a write waits for its reader).
func TestSocketTimeoutOnWrite(t *testing.T) {
	client, server := net.Pipe()
	defer server.Close()
	c := NewConn(client, Description{Address: "pipe"})
	c.socketTimeout = 100 * time.Millisecond
	defer c.closeAndRelease()
	err := tryPing(testCtx(t), c)
	var ce *ConnError
	if !errors.As(err, &ce) || ce.ContextDone || !ce.Network() || !ce.Timeout() || ce.Stage != StageWrite {
		t.Fatalf("err = %v, want a network timeout while writing", err)
	}
	if !strings.Contains(err.Error(), "socketTimeoutMS") {
		t.Errorf("err = %q, want it to name socketTimeoutMS", err)
	}
}

// A cancellation during the wait for the reply is seen at once, not after
// the socket timeout.
func TestSocketTimeoutCancel(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	p := socketTimeoutPool(t, srv, time.Minute)
	c, err := p.Checkout(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.CheckIn(c)
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"ping"}, Action: mockserver.Hang, Times: 1})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() { done <- tryPing(ctx, c) }()
	select {
	case err := <-done:
		var ce *ConnError
		if !errors.As(err, &ce) || !ce.ContextDone || !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want the cancellation (ContextDone)", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the cancellation was not seen: the read waited for the socket timeout")
	}
}

// ConnConfig.CommandTimeout bounds each handshake command: a hello slower
// than it is a network timeout at the hello stage (not the caller's),
// and one within it goes through.
func TestHandshakeCommandTimeout(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"isMaster", "hello"}, Delay: 300 * time.Millisecond, Times: 1})
	_, err := Dial(testCtx(t), srv.Addr(), &ConnConfig{CommandTimeout: 100 * time.Millisecond})
	var ce *ConnError
	if !errors.As(err, &ce) || ce.ContextDone || !ce.Network() || !ce.Timeout() || ce.Stage != StageHello {
		t.Fatalf("Dial = %v, want a network timeout at the hello", err)
	}
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"isMaster", "hello"}, Delay: 50 * time.Millisecond, Times: 1})
	c := dialT(t, srv.Addr(), &ConnConfig{CommandTimeout: 5 * time.Second})
	ping(t, testCtx(t), c) // the command timeout ended with the handshake
}

// A connection a checkout establishes bounds each handshake command by
// the socket timeout, unless the checkout's context lifts it (an
// operation under timeoutMS, which its deadline bounds instead).
func TestCheckoutHandshakeSocketTimeout(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	p := socketTimeoutPool(t, srv, 100*time.Millisecond)
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"isMaster", "hello"}, Delay: 300 * time.Millisecond, Times: 1})
	_, err := p.Checkout(testCtx(t))
	var ce *ConnError
	if !errors.Is(err, ErrConnectionFailed) || !errors.As(err, &ce) || ce.ContextDone || !ce.Timeout() || ce.Stage != StageHello {
		t.Fatalf("Checkout = %v, want a socket timeout at the hello", err)
	}
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"isMaster", "hello"}, Delay: 300 * time.Millisecond, Times: 1})
	c, err := p.Checkout(WithoutSocketTimeout(testCtx(t)))
	if err != nil {
		t.Fatalf("Checkout under timeoutMS: %v", err)
	}
	p.CheckIn(c)
}
