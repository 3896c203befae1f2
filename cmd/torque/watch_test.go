package main

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/torque-go/torque/mongotest"
)

// waitFile waits until file exists: watch writes its resume token as soon
// as the server reports one, which tells that the stream is open.
func waitFile(t *testing.T, file string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(file); err == nil {
			return
		}
	}
	t.Fatalf("no resume token in %s after 30s", file)
}

// TestWatchMongotest: watch on a mongotest replica set prints the inserts
// as change events; stopped, and started again with the same
// --resume-file, it prints the inserts made meanwhile and goes on, every
// event exactly once.
func TestWatchMongotest(t *testing.T) {
	rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{})
	uri := rs.URI()
	file := filepath.Join(t.TempDir(), "token")
	insert := func(from, to int) {
		for i := from; i <= to; i++ {
			ok(t, uri, "", "insert", "test.events", fmt.Sprintf(`{"_id": %d}`, i))
		}
	}

	w := startWatch(t, uri, "test.events", "--resume-file", file, "--maxAwaitTime", "100ms")
	waitFile(t, file)
	insert(1, 3)
	got := w.events(t, 3)
	w.stop(t, syscall.SIGINT)

	insert(4, 5) // while watch is not running
	w = startWatch(t, uri, "test.events", "--resume-file", file, "--maxAwaitTime", "100ms")
	got = append(got, w.events(t, 2)...)
	insert(6, 6)
	got = append(got, w.events(t, 1)...)
	w.stop(t, syscall.SIGTERM)
	if fmt.Sprint(got) != "[1 2 3 4 5 6]" {
		t.Errorf("events %v, want 1 to 6 once each", got)
	}
}
