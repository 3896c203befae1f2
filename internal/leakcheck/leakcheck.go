// Package leakcheck fails a test that leaves goroutines behind.
//
// Call Check at the start of a test, before starting anything:
//
//	func TestClose(t *testing.T) {
//		leakcheck.Check(t)
//		srv := mockserver.New(t, mockserver.Options{})
//		...
//	}
//
// Check snapshots the goroutines that exist and registers a cleanup that
// runs after every cleanup registered later (t.Cleanup is last in, first
// out), so servers and clients closed in cleanups are closed by then. The
// cleanup waits up to five seconds for goroutines started since the
// snapshot to end, then reports the stacks of those still running.
//
// It compares goroutine ids, so goroutines of tests running in parallel
// look like leaks: do not use it in tests that call t.Parallel, or whose
// package runs other tests in parallel with them.
//
// Files: leakcheck.go (this whole package). Safe for concurrent use.
package leakcheck

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// Settle is how long the cleanup waits for goroutines to end.
const Settle = 5 * time.Second

// Check fails t if goroutines started after this call are still running
// once t's cleanups have run.
func Check(t testing.TB) {
	t.Helper()
	before := Snapshot()
	t.Cleanup(func() {
		deadline := time.Now().Add(Settle)
		for {
			leaked := Leaked(before)
			if len(leaked) == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Errorf("leakcheck: %d goroutine(s) left behind:\n\n%s", len(leaked), strings.Join(leaked, "\n\n"))
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// Snapshot returns the ids of the goroutines running now, for Leaked.
func Snapshot() map[string]bool {
	ids := map[string]bool{}
	for id := range goroutines() {
		ids[id] = true
	}
	return ids
}

// Leaked returns the stacks of running goroutines whose ids are not in
// before, leaving out the testing framework's own.
func Leaked(before map[string]bool) []string {
	var out []string
	for id, stack := range goroutines() {
		if before[id] || strings.Contains(stack, "testing.tRunner") || strings.Contains(stack, "testing.(*T).Run") {
			continue
		}
		out = append(out, stack)
	}
	return out
}

// goroutines returns every goroutine's stack by id.
func goroutines() map[string]string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	out := map[string]string{}
	for _, g := range strings.Split(string(buf), "\n\n") {
		head, _, _ := strings.Cut(g, " [")
		if id, ok := strings.CutPrefix(head, "goroutine "); ok {
			out[id] = g
		}
	}
	return out
}
