package clock

import (
	"context"
	"time"
)

// Sleep waits for d, or until ctx ends, and returns ctx's error if it
// ended first. A ctx that has ended already wins even when d <= 0, so
// that a loop of waits always notices its cancellation; d <= 0 on a live
// ctx returns nil at once.
func Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil || d <= 0 {
		return err
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
