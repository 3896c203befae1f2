package wirehost

import (
	"context"
	"fmt"
	"sync"
)

// Log records requests in the order they arrived. Every Server has one;
// a ReplicaSet has one more that all its members write to, so a test can
// ask what the whole cluster saw. Safe for concurrent use.
type Log struct {
	mu      sync.Mutex
	reqs    []*Request
	changed chan struct{} // closed and replaced on every append
}

// NewLog returns an empty log, for Options.ClusterLog.
func NewLog() *Log { return &Log{changed: make(chan struct{})} }

// add records r, numbering it in this log (the first log a request goes to
// sets r.Seq).
func (l *Log) add(r *Request) {
	l.mu.Lock()
	l.reqs = append(l.reqs, r)
	if r.Seq == 0 {
		r.Seq = len(l.reqs)
	}
	close(l.changed)
	l.changed = make(chan struct{})
	l.mu.Unlock()
}

// Requests returns every recorded request, oldest first.
func (l *Log) Requests() []*Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*Request(nil), l.reqs...)
}

// Commands returns the recorded requests except hellos (handshakes and
// monitoring), oldest first: what the application's operations sent.
func (l *Log) Commands() []*Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []*Request
	for _, r := range l.reqs {
		if !isHello(r.Name) {
			out = append(out, r)
		}
	}
	return out
}

// CommandsNamed returns the recorded requests for command name, oldest
// first. "hello" also matches the legacy "isMaster" and "ismaster".
func (l *Log) CommandsNamed(name string) []*Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.named(name)
}

func (l *Log) named(name string) []*Request {
	var out []*Request
	for _, r := range l.reqs {
		if r.Name == name || name == "hello" && isHello(r.Name) {
			out = append(out, r)
		}
	}
	return out
}

// Reset forgets every recorded request (handshakes included), so that a
// test can count from here.
func (l *Log) Reset() {
	l.mu.Lock()
	l.reqs = nil
	l.mu.Unlock()
}

// WaitFor waits until at least n requests for command name are recorded
// and returns them; it gives up with ctx.
func (l *Log) WaitFor(ctx context.Context, name string, n int) ([]*Request, error) {
	for {
		l.mu.Lock()
		got, changed := l.named(name), l.changed
		l.mu.Unlock()
		if len(got) >= n {
			return got, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return got, fmt.Errorf("mockserver: waiting for %d %q requests, saw %d: %w", n, name, len(got), ctx.Err())
		}
	}
}

func isHello(name string) bool { return name == "hello" || name == "isMaster" || name == "ismaster" }
