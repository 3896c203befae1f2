package hostile

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/mockserver"
)

// Disconnect racing every kind of operation, one of them blocked on a
// server that stopped answering: every operation returns, with success
// or ErrClientDisconnected (never a network error, never a panic), and no
// goroutine and no socket remain (issue 13, item 5).
func TestDisconnectRacingOperations(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"aggregate"}, Action: mockserver.Hang})
	r := newRig(t, srv.URI(), client.Options{MaxPoolSize: 8})
	r.ready()
	coll := r.c.Database("test").Collection("c")
	ops := map[string]func(ctx context.Context, i int) error{
		"ping": func(ctx context.Context, _ int) error { return r.c.Ping(ctx) },
		"insert": func(ctx context.Context, i int) error {
			_, err := coll.InsertOne(ctx, bson.D{bson.KV("i", i)})
			return err
		},
		"findOne": func(ctx context.Context, i int) error {
			if err := coll.FindOne(ctx, bson.D{}).Err(); !errors.Is(err, client.ErrNoDocuments) {
				return err
			}
			return nil
		},
		"find": func(ctx context.Context, _ int) error {
			cur, err := coll.Find(ctx, bson.D{})
			if err != nil {
				return err
			}
			for cur.Next(ctx) {
			}
			err = cur.Err()
			_ = cur.Close(ctx)
			return err
		},
		"runCommand": func(ctx context.Context, _ int) error {
			return r.c.Database("admin").RunCommand(ctx, bson.D{bson.KV("ping", 1)}).Err()
		},
		"update": func(ctx context.Context, i int) error {
			_, err := coll.UpdateOne(ctx, bson.D{bson.KV("i", i)}, bson.D{bson.KV("$set", bson.D{bson.KV("j", 1)})})
			return err
		},
		"countDocuments (hangs)": func(ctx context.Context, _ int) error { _, err := coll.CountDocuments(ctx, bson.D{}); return err },
	}
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	stop := make(chan struct{})
	for name, op := range ops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				err := op(context.Background(), i)
				switch {
				case errors.Is(err, client.ErrClientDisconnected):
					return
				case err != nil:
					errs <- fmt.Errorf("%s: %w", name, err)
					return
				}
				select {
				case <-stop:
					if err := op(context.Background(), i); !errors.Is(err, client.ErrClientDisconnected) {
						errs <- fmt.Errorf("%s after Disconnect: %v, want ErrClientDisconnected", name, err)
					}
					return
				default:
				}
			}
		}()
	}
	if _, err := srv.WaitFor(ctxT(t), "aggregate", 1); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // let every loop run a little
	r.disconnectLeavesNothing(srv.OpenConnections)
	close(stop)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("operations still blocked 20s after Disconnect")
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
