package unified

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/clock"
)

// threadEntity is a thread entity: a goroutine that runs the operations
// runOnThread gives it, in order. waitForThread waits until it has run
// them all and reports the first failure. Its owner is the test's entity
// map, whose close stops it and waits for it.
type threadEntity struct {
	ops  chan bson.Raw
	done chan struct{} // closed when the goroutine has returned

	mu      sync.Mutex
	pending int
	err     error
}

// maxQueued bounds the operations a thread may have queued.
const maxQueued = 64

// createThread starts a thread entity whose operations run with ctx.
func (r *run) createThread(ctx context.Context, id string, spec bson.Raw) error {
	a := newArgs(spec)
	a.skip("id")
	if err := a.done(); err != nil {
		return err
	}
	th := &threadEntity{ops: make(chan bson.Raw, maxQueued), done: make(chan struct{})}
	go th.run(ctx, r)
	r.entities.threads[id] = th
	return nil
}

func (th *threadEntity) run(ctx context.Context, r *run) {
	defer close(th.done)
	for op := range th.ops {
		err := r.operation(ctx, op)
		th.mu.Lock()
		if err != nil && th.err == nil {
			name, _ := op.Lookup("name").StringValue()
			th.err = fmt.Errorf("%s: %w", name, err)
		}
		th.pending--
		th.mu.Unlock()
	}
}

// stop ends the thread after the operations it has queued.
func (th *threadEntity) stop() {
	close(th.ops)
	<-th.done
}

// threadOp runs runOnThread and waitForThread.
func (r *run) threadOp(ctx context.Context, name string, a *args) error {
	id := a.str("thread")
	var op bson.Raw
	if name == "runOnThread" {
		op = a.doc("operation")
	}
	if err := a.done(); err != nil {
		return err
	}
	th, ok := r.entities.threads[id]
	if !ok {
		return fmt.Errorf("no thread entity %q", id)
	}
	if name == "runOnThread" {
		th.mu.Lock()
		th.pending++
		th.mu.Unlock()
		select {
		case th.ops <- op:
			return nil
		default:
			return errors.New("runOnThread: more than 64 operations queued")
		}
	}
	deadline := time.Now().Add(waitTimeout)
	for {
		th.mu.Lock()
		pending, err := th.pending, th.err
		th.mu.Unlock()
		switch {
		case pending == 0 && err != nil:
			return fmt.Errorf("thread %q: %w", id, err)
		case pending == 0:
			return nil
		case time.Now().After(deadline):
			return fmt.Errorf("waitForThread %q: %d operations still running after %v", id, pending, waitTimeout)
		}
		if err := clock.Sleep(ctx, 5*time.Millisecond); err != nil {
			return err
		}
	}
}
