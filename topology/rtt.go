package topology

import (
	"slices"
	"time"
)

// rttAlpha is the weight of a new sample in the moving average.
const rttAlpha = 0.2

// RTTAverage is the exponentially weighted moving average of a server's
// check round-trip times (alpha 0.2), as server selection uses it. The
// zero value has no samples. It is not safe for concurrent use: the
// server's monitor owns it.
type RTTAverage struct {
	avg time.Duration
	set bool
}

// Add records a sample and returns the new average; the first sample is
// the average.
func (a *RTTAverage) Add(sample time.Duration) time.Duration {
	if !a.set {
		a.avg, a.set = sample, true
		return a.avg
	}
	a.avg = time.Duration(rttAlpha*float64(sample) + (1-rttAlpha)*float64(a.avg) + 0.5)
	return a.avg
}

// Value returns the average and whether there is one.
func (a *RTTAverage) Value() (time.Duration, bool) { return a.avg, a.set }

// Reset forgets every sample: a server that became Unknown has no RTT.
func (a *RTTAverage) Reset() { *a = RTTAverage{} }

// rttWindowSize is how many recent samples RTTWindow keeps.
const rttWindowSize = 10

// RTTWindow keeps a server's last 10 round-trip samples for the minimum
// RTT (Server Monitoring spec) and the 90th percentile (to budget a
// timeout). Not safe for concurrent use.
type RTTWindow struct {
	samples [rttWindowSize]time.Duration
	n, next int
}

// Add records a sample, dropping the oldest of a full window.
func (w *RTTWindow) Add(sample time.Duration) {
	w.samples[w.next] = sample
	w.next = (w.next + 1) % rttWindowSize
	if w.n < rttWindowSize {
		w.n++
	}
}

// Min returns the smallest recent sample, or 0 until there are two.
func (w *RTTWindow) Min() time.Duration {
	if w.n < 2 {
		return 0
	}
	return slices.Min(w.samples[:w.n])
}

// P90 returns the 90th percentile of the recent samples (nearest rank), or
// 0 until there are two.
func (w *RTTWindow) P90() time.Duration {
	if w.n < 2 {
		return 0
	}
	s := w.samples
	sorted := s[:w.n]
	slices.Sort(sorted)
	rank := (9*w.n + 9) / 10 // ceil(0.9 n)
	return sorted[rank-1]
}

// Reset forgets every sample.
func (w *RTTWindow) Reset() { *w = RTTWindow{} }
