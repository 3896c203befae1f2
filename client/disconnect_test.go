package client_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/leakcheck"
	"github.com/torque-go/torque/internal/mockserver"
)

// Disconnect closes every connection, checked-out ones included: an
// operation blocked on a server that stopped answering returns
// ErrClientDisconnected, and no goroutine and no socket remain (issue 13,
// item 5).
func TestDisconnectEndsOperationsInFlight(t *testing.T) {
	leakcheck.Check(t)
	srv := mockserver.New(t, mockserver.Options{})
	c, err := client.Connect(context.Background(), srv.URI())
	if err != nil {
		t.Fatal(err)
	}
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"find"}, Action: mockserver.Hang})
	errc := make(chan error, 1)
	go func() {
		// No deadline: only Disconnect can end it.
		errc <- c.Database("test").Collection("c").FindOne(context.Background(), bson.D{}).Err()
	}()
	if _, err := srv.WaitFor(ctxT(t), "find", 1); err != nil {
		t.Fatal(err)
	}
	dctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Disconnect(dctx); err != nil {
		t.Fatalf("Disconnect: %v", err)
	}
	select {
	case err := <-errc:
		if !errors.Is(err, client.ErrClientDisconnected) {
			t.Errorf("the operation in flight got %v, want ErrClientDisconnected", err)
		}
		if client.IsNetworkError(err) {
			t.Errorf("Disconnect's error is a network error: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the operation in flight is still blocked after Disconnect returned")
	}
	deadline := time.Now().Add(10 * time.Second)
	for srv.OpenConnections() != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := srv.OpenConnections(); n != 0 {
		t.Errorf("%d sockets still open after Disconnect", n)
	}
}

// silentDNS never answers; it returns when its context ends.
type silentDNS struct{}

func (silentDNS) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	<-ctx.Done()
	return "", nil, ctx.Err()
}

func (silentDNS) LookupTXT(ctx context.Context, name string) ([]string, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// The first mongodb+srv look-up holds no lock on one operation's context:
// each caller is bounded by its own context, and Disconnect does not wait
// for DNS (issue 13, item 4).
func TestSRVLookupBoundedByEachCaller(t *testing.T) {
	leakcheck.Check(t)
	c, err := client.Connect(context.Background(), "mongodb+srv://cluster.example.com/?tls=false", client.Options{Resolver: silentDNS{}})
	if err != nil {
		t.Fatal(err)
	}
	// One caller without a deadline waits for the look-up ...
	background := make(chan error, 1)
	go func() { background <- c.Ping(context.Background()) }()
	// ... which must not hold up another with a short one.
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = c.Ping(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Ping with a 200ms deadline: %v, want its deadline", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Ping with a 200ms deadline returned after %v", d)
	}
	dctx, dcancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer dcancel()
	start = time.Now()
	if err := c.Disconnect(dctx); err != nil {
		t.Errorf("Disconnect: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Disconnect with a 300ms deadline returned after %v", d)
	}
	select {
	case err := <-background:
		if !errors.Is(err, client.ErrClientDisconnected) {
			t.Errorf("the waiting Ping got %v, want ErrClientDisconnected", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a Ping without a deadline still waits on DNS after Disconnect")
	}
}
