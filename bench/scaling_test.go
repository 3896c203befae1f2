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
		"torque hellos/s", "official hellos/s",
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
	for _, name := range []string{"scaling-docsize", "scaling-results", "scaling-concurrency", "scaling-topology", "scaling-heartbeats"} {
		b, err := os.ReadFile(filepath.Join(dir, name+".png"))
		if err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
			t.Errorf("%s.png: %v (%d bytes)", name, err, len(b))
		}
		if !strings.Contains(text, "("+name+".png)") {
			t.Errorf("the output does not link %s.png", name)
		}
	}
}
