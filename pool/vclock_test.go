package pool

import (
	"context"
	"slices"
	"sync"
	"time"
)

// vclock is the virtual clock of the CMAP spec runner. Time stands still
// while anything can run; the runner advances it, timer by timer, only when
// every goroutine of the test is blocked (cmapRunner.settled), so a spec
// case's "wait 400ms" or "hello blocked for 800ms" orders events the same
// way on an idle laptop and on a loaded CI machine.
type vclock struct {
	mu       sync.Mutex
	base     time.Time
	now      time.Duration
	timers   []*vtimer
	inFlight int // fired timers whose owner has not called stop yet
}

type vtimer struct {
	at       time.Duration
	c        chan time.Time
	ctx      context.Context // a sleep's context: when done, the sleeper is not blocked
	fired    bool
	stopped  bool
	sleeper  bool // a sleep (establishment), not a pool timer
	checkout bool // the sleep of a checkout's own establishment
}

func newVClock() *vclock { return &vclock{base: time.Unix(1_700_000_000, 0)} }

func (v *vclock) Now() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.base.Add(v.now)
}

// NewTimer is the pool's wait-queue timer. A fired timer stays "in
// flight" until the pool calls stop, which it does once it has acted on it.
func (v *vclock) NewTimer(d time.Duration) (<-chan time.Time, func() bool) {
	t := v.add(d, nil, false, false)
	return t.c, func() bool {
		v.mu.Lock()
		defer v.mu.Unlock()
		if t.stopped {
			return false
		}
		t.stopped = true
		if t.fired {
			v.inFlight--
			return false
		}
		v.remove(t)
		return true
	}
}

func (v *vclock) add(d time.Duration, ctx context.Context, sleeper, checkout bool) *vtimer {
	v.mu.Lock()
	defer v.mu.Unlock()
	t := &vtimer{at: v.now + d, c: make(chan time.Time, 1), ctx: ctx, sleeper: sleeper, checkout: checkout}
	v.timers = append(v.timers, t)
	return t
}

func (v *vclock) remove(t *vtimer) {
	if i := slices.Index(v.timers, t); i >= 0 {
		v.timers = slices.Delete(v.timers, i, i+1)
	}
}

// sleep blocks for d of virtual time, or until ctx ends.
func (v *vclock) sleep(ctx context.Context, d time.Duration, checkout bool) error {
	t := v.add(d, ctx, true, checkout)
	select {
	case <-t.c:
		return nil
	case <-ctx.Done():
		v.mu.Lock()
		v.remove(t)
		v.mu.Unlock()
		return ctx.Err()
	}
}

// blocked counts the sleepers blocked now (all, and those of checkouts).
// Fired or cancelled sleepers are running, not blocked.
func (v *vclock) blocked() (all, checkouts int, inFlight int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, t := range v.timers {
		if t.sleeper && t.ctx.Err() == nil {
			all++
			if t.checkout {
				checkouts++
			}
		}
	}
	return all, checkouts, v.inFlight
}

// next returns the time of the earliest timer, if any.
func (v *vclock) next() (time.Duration, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.timers) == 0 {
		return 0, false
	}
	at := v.timers[0].at
	for _, t := range v.timers[1:] {
		at = min(at, t.at)
	}
	return at, true
}

// fireNext advances the clock to the earliest timer and fires it (the
// first registered among those due at the same time).
func (v *vclock) fireNext() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.timers) == 0 {
		return
	}
	first := v.timers[0]
	for _, t := range v.timers[1:] {
		if t.at < first.at {
			first = t
		}
	}
	v.remove(first)
	v.now = max(v.now, first.at)
	first.fired = true
	if !first.sleeper {
		v.inFlight++
	}
	first.c <- v.base.Add(v.now)
}

// advanceTo sets the clock to at without firing anything (the caller fired
// every timer due before).
func (v *vclock) advanceTo(at time.Duration) {
	v.mu.Lock()
	v.now = max(v.now, at)
	v.mu.Unlock()
}

// elapsed returns the virtual time since the clock was made.
func (v *vclock) elapsed() time.Duration {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.now
}

// backgroundHasWorkLocked reports whether the pool's background goroutine,
// woken or not, has something to do now: connections to open for
// MinPoolSize, or stale or dead idle connections to close.
func (p *Pool) backgroundHasWorkLocked() bool {
	if p.cfg.maintainInterval() < 0 || p.state == stateClosed {
		return false
	}
	if p.state == stateReady && p.total < p.cfg.MinPoolSize && p.canCreateLocked() {
		return true
	}
	for _, c := range p.idle {
		if p.staleLocked(c) || c.dead.Load() {
			return true
		}
	}
	return false
}
