package pool

import "time"

// clock is the pool's source of time for idle times and the wait queue's
// timeout: the wall clock, or in the CMAP spec runner a virtual clock that
// advances only when every goroutine of the test is blocked, which makes
// the timing-dependent spec cases deterministic on a loaded machine.
type clock interface {
	Now() time.Time
	// NewTimer returns a channel that receives once d has passed, and a
	// stop function (time.Timer.Stop) that the caller always calls.
	NewTimer(d time.Duration) (c <-chan time.Time, stop func() bool)
}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) NewTimer(d time.Duration) (<-chan time.Time, func() bool) {
	t := time.NewTimer(d)
	return t.C, t.Stop
}
