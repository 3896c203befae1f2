package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// progress draws a one-line progress bar on stderr, when stderr is a
// terminal, every 200ms: documents, documents/s, bytes and, where the
// total is known, a bar and the time left. Its goroutine is its own: stop
// ends it and waits for it.
type progress struct {
	w       io.Writer
	verb    string
	total   int64        // bytes or documents to go through; 0: unknown
	inBytes bool         // total counts bytes, not documents
	docs    func() int64 // documents so far
	bytes   func() int64 // bytes so far; nil: not counted
	start   time.Time
	done    chan struct{}
	wg      sync.WaitGroup
}

// startProgress starts the bar, or returns nil (whose stop does nothing)
// when stderr is not a terminal.
func startProgress(verb string, total int64, inBytes bool, docs, bytes func() int64) *progress {
	if !isTerminal(os.Stderr) {
		return nil
	}
	p := &progress{w: os.Stderr, verb: verb, total: total, inBytes: inBytes, docs: docs, bytes: bytes,
		start: time.Now(), done: make(chan struct{})}
	p.wg.Add(1)
	go p.loop()
	return p
}

func (p *progress) loop() {
	defer p.wg.Done()
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.done:
			fmt.Fprintf(p.w, "\r%s\n", p.line())
			return
		case <-t.C:
			fmt.Fprintf(p.w, "\r%s", p.line())
		}
	}
}

func (p *progress) line() string {
	el := time.Since(p.start).Seconds()
	n := p.docs()
	s := fmt.Sprintf("%s %d documents, %.0f/s", p.verb, n, float64(n)/max(el, 0.001))
	var b int64
	if p.bytes != nil {
		b = p.bytes()
		s += ", " + humanBytes(b)
	}
	done := n
	if p.inBytes {
		done = b
	}
	if p.total > 0 && done > 0 {
		frac := min(float64(done)/float64(p.total), 1)
		const width = 24
		bar := make([]byte, width)
		for i := range bar {
			bar[i] = ' '
			if float64(i) < frac*width {
				bar[i] = '='
			}
		}
		left := time.Duration(el/frac*(1-frac)) * time.Second
		s = fmt.Sprintf("[%s] %3.0f%% %s, ETA %s", bar, frac*100, s, left.Round(time.Second))
	}
	return s + "   "
}

// stop draws the final line and ends the goroutine.
func (p *progress) stop() {
	if p == nil {
		return
	}
	close(p.done)
	p.wg.Wait()
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
