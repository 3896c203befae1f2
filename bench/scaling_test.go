package bench

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/internal/leakcheck"
)

// The smoke run of Scaling: two points per curve, a few milliseconds
// each; every table has its rows with a value in every cell, and every
// plot is a PNG file.
func TestScalingSmoke(t *testing.T) {
	leakcheck.Check(t)
	dir := t.TempDir()
	var out bytes.Buffer
	o := ScalingOptions{Quick: true, RunTime: 20 * time.Millisecond, PlotDir: dir}
	if err := Scaling(context.Background(), &out, o); err != nil {
		t.Fatalf("Scaling: %v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{
		"| 100 B |", "| 97.7 KiB |", // document sizes
		"| 10 |", "| 1k |", // result sizes
		"| 1 |", "| 20 |", // goroutines, members (1 and 10)
		"torque Next peak heap", "official All", "torque pool 10 ops/s", "nearest ns/op",
		"torque hellos/s", "official hellos/s", "pool 10 find µs", "checkout %", "Where the contended mutex time goes",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in:\n%s", want, text)
		}
	}
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "| ") && strings.Contains(line, " - |") {
			t.Errorf("an empty cell: %s", line)
		}
	}
	for _, name := range []string{"scaling-docsize", "scaling-results", "scaling-concurrency", "scaling-topology", "scaling-heartbeats", "scaling-checkout"} {
		b, err := os.ReadFile(filepath.Join(dir, name+".png"))
		if err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
			t.Errorf("%s.png: %v (%d bytes)", name, err, len(b))
		}
		if !strings.Contains(text, "("+name+".png)") {
			t.Errorf("the output does not link %s.png", name)
		}
	}
}

// The mutex profile's text form is attributed to the first frame outside
// sync and runtime (the function that released the lock), in nanoseconds.
func TestParseMutexProfile(t *testing.T) {
	text := "--- mutex:\ncycles/second=2000000000\nsampling period=1\n" +
		"4000 2 @ 0x1 0x2 0x3\n" +
		"#\t0x1\tsync.(*Mutex).Unlock+0x3e\t/go/src/sync/mutex.go:1\n" +
		"#\t0x2\tgithub.com/torque-go/torque/pool.(*Pool).CheckIn+0x10\t/pool/pool.go:2\n" +
		"#\t0x3\tgithub.com/torque-go/torque/client.find+0x10\t/client/find.go:3\n\n" +
		"1000 1 @ 0x4\n" +
		"#\t0x4\truntime.unlock+0x5\t/go/src/runtime/lock.go:4\n"
	got, err := parseMutexProfile(bytes.NewBufferString(text))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"pool.(*Pool).CheckIn": 2000, "runtime.unlock": 500}
	if len(got) != len(want) || got["pool.(*Pool).CheckIn"] != 2000 || got["runtime.unlock"] != 500 {
		t.Fatalf("got %v, want %v", got, want)
	}
	if s := topSites(got, 2500, 3); s != "`pool.(*Pool).CheckIn` 80%, `runtime.unlock` 20%" {
		t.Fatalf("topSites: %s", s)
	}
	if _, err := parseMutexProfile(bytes.NewBufferString("12 1 @ 0x1\n")); err == nil {
		t.Fatal("a record before cycles/second parsed")
	}
}
