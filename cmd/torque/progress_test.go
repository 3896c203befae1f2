package main

import (
	"os"
	"strings"
	"testing"
	"time"
)

// TestProgressLine: documents, rate and bytes always; a bar, the percentage
// and the time left when the total is known.
func TestProgressLine(t *testing.T) {
	p := &progress{verb: "imported", start: time.Now().Add(-10 * time.Second),
		docs: func() int64 { return 5000 }, bytes: func() int64 { return 3 << 20 }}
	if got := p.line(); !strings.HasPrefix(got, "imported 5000 documents, 500/s, 3.0 MiB") {
		t.Errorf("unknown total: %q", got)
	}
	p.total, p.inBytes = 12<<20, true // a quarter done in 10s: 30s to go
	got := p.line()
	if !strings.HasPrefix(got, "[======                  ]  25% imported 5000 documents") || !strings.Contains(got, "ETA 30s") {
		t.Errorf("known total: %q", got)
	}
	if isTerminal(os.Stderr) {
		return
	}
	if p := startProgress("x", 0, false, nil, nil); p != nil {
		p.stop()
		t.Errorf("a progress bar started on a stderr that is not a terminal")
	}
}
