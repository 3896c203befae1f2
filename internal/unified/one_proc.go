package unified

import (
	"runtime"
	"slices"
)

// onOneProc runs f, one file's tests, with GOMAXPROCS 1 when the suite
// lists the file in OneProc, and restores GOMAXPROCS afterwards.
//
// Why: in a case such as CSOT's retryability-legacy-timeouts, the
// client's socket deadline (socketTimeoutMS 100) must fire before
// mongotest, in the same process, answers a command it blocks for 125
// ms. The Go runtime keeps timers per P. When the OS deschedules the
// thread holding the P whose heap has the client's deadline (a loaded
// machine: 2 cores, load 15), the other P goes on: it fires the server's
// later timer, the reply arrives, and the client's read, woken by the
// data before its own deadline timer has run, succeeds at 137 ms. With
// one P there is one timer heap, run in deadline order: the client's
// deadline always fires first, whatever the stall. The spec's numbers
// are unchanged; nothing is retried.
//
// The runner runs tests one at a time (no t.Parallel), so nothing else
// of this package runs meanwhile.
func (s *Suite) onOneProc(file string, f func()) {
	if !slices.Contains(s.OneProc, file) {
		f()
		return
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	f()
}
