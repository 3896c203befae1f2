package pool

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/torque-go/torque/internal/mockserver"
	"github.com/torque-go/torque/wire"
)

// The caller's own context ending is marked ContextDone (not a network
// error: SDAM ignores it); connectTimeoutMS expiring is the server's
// slowness, a network timeout.
func TestContextDoneIsTheCallersOnly(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"isMaster", "hello"}, Action: mockserver.Hang})

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err := Dial(ctx, srv.Addr(), &ConnConfig{ConnectTimeout: -1})
	var ce *ConnError
	if !errors.As(err, &ce) || !ce.ContextDone || ce.Network() || !errors.Is(err, context.Canceled) {
		t.Fatalf("handshake cut by the caller's cancel: %v (ContextDone %v), want ContextDone and not Network", err, ce != nil && ce.ContextDone)
	}

	_, err = Dial(testCtx(t), srv.Addr(), &ConnConfig{ConnectTimeout: 100 * time.Millisecond})
	if !errors.As(err, &ce) || ce.ContextDone || !ce.Network() || !ce.Timeout() {
		t.Fatalf("connectTimeoutMS expiry: %v, want a network timeout, not ContextDone", err)
	}
}

// A checkout whose context ends while its connection is being established
// fails with a ContextDone error: the pool is not paused, and the next
// checkout works.
func TestCheckoutCutByItsContext(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	var events []Event
	p := New(srv.Addr(), Config{Conn: ConnConfig{ConnectTimeout: -1}, Monitor: func(e Event) { events = append(events, e) }})
	t.Cleanup(func() { p.Close(context.Background()) })
	p.Ready()
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"isMaster", "hello"}, Action: mockserver.Hang, Times: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := p.Checkout(ctx)
	var ce *ConnError
	if !errors.Is(err, ErrConnectionFailed) || !errors.As(err, &ce) || !ce.ContextDone || ce.Network() {
		t.Fatalf("checkout = %v, want a connection failure marked ContextDone", err)
	}
	c, err := p.Checkout(testCtx(t))
	if err != nil {
		t.Fatalf("the next checkout: %v", err)
	}
	ping(t, testCtx(t), c)
	p.CheckIn(c)
	for _, e := range events {
		if e.Type == PoolCleared {
			t.Errorf("the pool was cleared: %+v", e)
		}
	}
}

// A hello that claims limits beyond MongoDB's own is not believed.
func TestHelloLimitsAreBounded(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{Hello: mockserver.Hello{
		MaxMessageSizeBytes: 1<<31 - 1, MaxBSONObjectSize: 1<<31 - 1}})
	c := dialT(t, srv.Addr(), nil)
	d := c.Description()
	if d.MaxMessageSizeBytes != 48_000_000 || d.MaxBSONObjectSize != 16<<20 {
		t.Errorf("limits %d / %d, want 48000000 / %d", d.MaxMessageSizeBytes, d.MaxBSONObjectSize, 16<<20)
	}
}

// A tiny compressed reply that claims a huge uncompressed size is refused
// before anything is allocated for it.
func TestCompressedClaimDoesNotAllocate(t *testing.T) {
	for _, comp := range []wire.CompressorID{wire.CompressorNoop, wire.CompressorSnappy, wire.CompressorZlib, wire.CompressorZstd} {
		t.Run(comp.String(), func(t *testing.T) {
			bomb, err := wire.AppendCompressed(nil, 1, 0, &wire.Compressed{
				OriginalOpCode: wire.OpMsg, UncompressedSize: 47_000_000, Compressor: comp, Data: []byte("0123456789"),
			})
			if err != nil {
				t.Fatal(err)
			}
			srv := mockserver.New(t, mockserver.Options{})
			c := dialT(t, srv.Addr(), nil)
			srv.FailCommand(mockserver.FailPoint{Commands: []string{"ping"}, Action: mockserver.WriteRaw, Raw: bomb})
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			err = tryPing(testCtx(t), c)
			runtime.ReadMemStats(&after)
			var ce *ConnError
			if !errors.As(err, &ce) || ce.Stage != StageRead {
				t.Fatalf("ping = %v, want a read error", err)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 8<<20 {
				t.Errorf("a %d-byte reply made the connection allocate %d bytes", len(bomb), grew)
			}
		})
	}
}

// Shutdown closes checked-out connections too: an operation blocked on
// one fails at once with an error that matches ErrPoolClosed. (Close
// lets it finish: a server that left the topology.)
func TestShutdownEndsCheckedOutConnections(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	p := New(srv.Addr(), Config{})
	p.Ready()
	c, err := p.Checkout(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"ping"}, Action: mockserver.Hang})
	errc := make(chan error, 1)
	go func() { errc <- tryPing(context.Background(), c) }()
	if _, err := srv.WaitFor(testCtx(t), "ping", 1); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errc:
		t.Fatalf("Close ended an operation in flight: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	if err := p.Shutdown(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errc:
		if !errors.Is(err, ErrPoolClosed) {
			t.Errorf("the blocked ping got %v, want ErrPoolClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the blocked ping outlived Close")
	}
	p.CheckIn(c)
	if !c.Dead() {
		t.Error("the connection survived Close")
	}
}
