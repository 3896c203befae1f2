package leakcheck

import (
	"strings"
	"testing"
	"time"
)

func TestLeakedSeesANewGoroutineUntilItEnds(t *testing.T) {
	before := Snapshot()
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { defer close(done); <-stop }()

	leaked := Leaked(before)
	if len(leaked) != 1 || !strings.Contains(leaked[0], "TestLeakedSeesANewGoroutineUntilItEnds") {
		t.Fatalf("want the one blocked goroutine, got %d:\n%s", len(leaked), strings.Join(leaked, "\n\n"))
	}
	close(stop)
	<-done
	deadline := time.Now().Add(Settle)
	for len(Leaked(before)) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("goroutine still reported after it ended: %v", Leaked(before))
		}
		time.Sleep(time.Millisecond)
	}
}

func TestCheckPassesWhenEverythingStops(t *testing.T) {
	Check(t)
	stop := make(chan struct{})
	go func() { <-stop }()
	t.Cleanup(func() { close(stop) }) // runs before Check's cleanup
}
