package bench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// Goroutines are the concurrency levels of the parallel tasks.
var Goroutines = []int{1, 8, 64}

// parallelTasks: find one by _id and insert one small document from 1, 8
// and 64 goroutines sharing one client. One op is one command; ops/s is the
// total over all goroutines, so perfect scaling keeps ns/op falling until
// the cores are busy.
func (e *Env) parallelTasks(ctx context.Context) []Task {
	var tasks []Task
	for _, g := range Goroutines {
		tasks = append(tasks, e.task(fmt.Sprintf("parallel/find-one/%d", g), "parallel", 0, func(drv Driver) func(*testing.B) error {
			return func(b *testing.B) error {
				return inParallel(b, g, func(i int) error { return drv.FindOne(ctx, e.ids[i%len(e.ids)]) })
			}
		}))
	}
	for _, g := range Goroutines {
		tasks = append(tasks, e.task(fmt.Sprintf("parallel/insert-one/%d", g), "parallel", 0, func(drv Driver) func(*testing.B) error {
			return func(b *testing.B) error {
				doc, err := drv.Doc(e.data.Small)
				if err != nil {
					return err
				}
				if err := drv.Reset(ctx); err != nil {
					return err
				}
				b.ResetTimer()
				return inParallel(b, g, func(int) error { return drv.InsertOne(ctx, doc) })
			}
		}))
	}
	return tasks
}

// inParallel runs op b.N times in all, from g goroutines, and returns the
// first error.
func inParallel(b *testing.B, g int, op func(i int) error) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for range g {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				if err := op(int(i)); err != nil {
					once.Do(func() { first = err })
					next.Store(int64(b.N)) // stop the others
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}
