package client_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/leakcheck"
	"github.com/torque-go/torque/internal/mockserver"
)

// TestOperationsRacingDisconnect (internal/mockserver, run it with -race):
// goroutines loop on FindOne and InsertOne while Disconnect runs. Each
// operation, whether it passed the client's connected check before
// Disconnect began, while it ran or after, ends with its result or
// ErrClientDisconnected: never a panic, never another error, never a
// hang; afterwards no goroutine and no socket is left.
func TestOperationsRacingDisconnect(t *testing.T) {
	leakcheck.Check(t)
	srv := mockserver.New(t, mockserver.Options{})
	c, err := client.Connect(context.Background(), srv.URI())
	if err != nil {
		t.Fatal(err)
	}
	coll := c.Database("test").Collection("c")
	ctx := ctxT(t)
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 0)}); err != nil {
		t.Fatal(err)
	}
	var ok, disconnected atomic.Int64
	var wg sync.WaitGroup
	errc := make(chan error, 16)
	var started sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		started.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				if i == 1 {
					started.Done()
				}
				var err error
				if g%2 == 0 {
					err = coll.FindOne(ctx, bson.D{bson.KV("_id", 0)}).Err()
				} else {
					_, err = coll.InsertOne(ctx, bson.D{bson.KV("g", g), bson.KV("i", i)})
				}
				switch {
				case err == nil:
					ok.Add(1)
				case errors.Is(err, client.ErrClientDisconnected):
					disconnected.Add(1)
					return
				default:
					errc <- fmt.Errorf("goroutine %d, operation %d: %w", g, i, err)
					return
				}
			}
		}()
	}
	started.Wait() // every goroutine has finished one operation at least
	dctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Disconnect(dctx); err != nil {
		t.Errorf("Disconnect: %v", err)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("operations still running 20s after Disconnect")
	}
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	if disconnected.Load() != 16 {
		t.Errorf("%d goroutines ended with ErrClientDisconnected, want 16", disconnected.Load())
	}
	t.Logf("%d operations succeeded", ok.Load())
	deadline := time.Now().Add(10 * time.Second)
	for srv.OpenConnections() != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := srv.OpenConnections(); n != 0 {
		t.Errorf("%d sockets still open after Disconnect", n)
	}
}
