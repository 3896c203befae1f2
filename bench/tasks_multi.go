package bench

import (
	"context"
	"fmt"
	"testing"

	"github.com/torque-go/torque/bson"
)

// multiTasks: find all the tweets into a list, insertMany 10,000 small
// documents, insertMany 10 large ones. One op is the whole command (with
// its getMores or batches); MB/s counts every document.
func (e *Env) multiTasks(ctx context.Context) []Task {
	d := e.data
	return []Task{
		e.task("multi/find-many", "multi", int64(NumTweets*d.SourceSize["tweet.json"]), func(drv Driver) func(*testing.B) error {
			return func(b *testing.B) error {
				for b.Loop() {
					n, err := drv.FindAll(ctx)
					if err != nil {
						return err
					}
					if n != NumTweets {
						return fmt.Errorf("found %d documents, want %d", n, NumTweets)
					}
				}
				return nil
			}
		}),
		e.insertManyTask(ctx, "multi/insert-many-small", d.Small, 10_000, d.SourceSize["small_doc.json"]),
		e.insertManyTask(ctx, "multi/insert-many-large", d.Large, 10, d.SourceSize["large_doc.json"]),
	}
}

func (e *Env) insertManyTask(ctx context.Context, name string, raw bson.Raw, n, size int) Task {
	return e.task(name, "multi", int64(n*size), func(drv Driver) func(*testing.B) error {
		return func(b *testing.B) error {
			docs, err := drv.Docs(raw, n)
			if err != nil {
				return err
			}
			if err := drv.Reset(ctx); err != nil {
				return err
			}
			for b.Loop() {
				if err := drv.InsertMany(ctx, docs); err != nil {
					return err
				}
			}
			return nil
		}
	})
}
