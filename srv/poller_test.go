package srv_test

import (
	"context"
	"errors"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/connstring"
	"github.com/torque-go/torque/srv"
)

const pollQuery = "_mongodb._tcp.cluster.example.com"

// startPoller polls "cluster.example.com" every millisecond; updates arrive
// on the returned channel.
func startPoller(t *testing.T, r srv.Resolver, uri string, seeds []string) (*srv.Poller, <-chan []string, <-chan error) {
	t.Helper()
	cs, err := connstring.Parse(uri)
	if err != nil {
		t.Fatal(err)
	}
	updates := make(chan []string, 16)
	errs := make(chan error, 16)
	p, err := srv.NewPoller(srv.PollerConfig{
		Config: srv.Config{Resolver: r}, ConnString: cs,
		Interval: time.Millisecond, RetryInterval: time.Millisecond,
		OnUpdate: func(h []string) { updates <- h },
		OnError: func(err error) {
			select {
			case errs <- err:
			default:
			}
		},
	}, seeds)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Stop(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return p, updates, errs
}

func next(t *testing.T, ch <-chan []string) []string {
	t.Helper()
	select {
	case h := <-ch:
		sort.Strings(h)
		return h
	case <-time.After(10 * time.Second):
		t.Fatal("no update")
		return nil
	}
}

func TestPollerAddsAndRemovesHosts(t *testing.T) {
	dns := newFakeDNS()
	dns.setSRV(pollQuery, "a.example.com:27017", "b.example.com:27017")
	_, updates, _ := startPoller(t, dns, "mongodb+srv://cluster.example.com", []string{"a.example.com:27017"})
	if got := next(t, updates); strings.Join(got, ",") != "a.example.com:27017,b.example.com:27017" {
		t.Fatalf("update = %v", got)
	}
	// b leaves, c arrives; a record outside the domain is dropped silently.
	dns.setSRV(pollQuery, "a.example.com:27017", "c.example.com:27018", "evil.com:1")
	if got := next(t, updates); strings.Join(got, ",") != "a.example.com:27017,c.example.com:27018" {
		t.Fatalf("update = %v", got)
	}
}

func TestPollerKeepsHostsOnFailure(t *testing.T) {
	dns := newFakeDNS()
	dns.setSRV(pollQuery, "a.example.com:27017")
	dns.fail = errors.New("SERVFAIL")
	_, updates, errs := startPoller(t, dns, "mongodb+srv://cluster.example.com", []string{"a.example.com:27017", "b.example.com:1"})
	select {
	case err := <-errs:
		if !strings.Contains(err.Error(), "SERVFAIL") {
			t.Errorf("OnError got %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no error reported")
	}
	select {
	case h := <-updates:
		t.Fatalf("a failed rescan changed the hosts to %v", h)
	default:
	}
	dns.mu.Lock()
	dns.fail = nil
	dns.mu.Unlock()
	if got := next(t, updates); strings.Join(got, ",") != "a.example.com:27017" {
		t.Fatalf("update = %v", got)
	}
}

func TestPollerRespectsSRVMaxHosts(t *testing.T) {
	dns := newFakeDNS()
	dns.setSRV(pollQuery, "a.example.com:1", "b.example.com:1", "c.example.com:1", "d.example.com:1")
	_, updates, _ := startPoller(t, dns, "mongodb+srv://cluster.example.com/?srvMaxHosts=2", []string{"x.example.com:1", "a.example.com:1"})
	got := next(t, updates)
	if len(got) != 2 || !contains(got, "a.example.com:1") || contains(got, "x.example.com:1") {
		t.Fatalf("update = %v: want a kept, x dropped, one new host", got)
	}
}

// TestPollerInterval uses a long interval: no rescan may happen before
// Stop, and Stop must still return promptly.
func TestPollerInterval(t *testing.T) {
	dns := newFakeDNS()
	dns.setSRV(pollQuery, "a.example.com:1")
	cs, _ := connstring.Parse("mongodb+srv://cluster.example.com")
	p, err := srv.NewPoller(srv.PollerConfig{Config: srv.Config{Resolver: ttlDNS{dns, time.Hour}}, ConnString: cs, Interval: time.Hour}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if n := dns.srvCalls(); n != 0 {
		t.Errorf("%d look-ups before the first interval ended", n)
	}
	if err := p.Stop(ctx); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

func TestNewPollerNeedsSRV(t *testing.T) {
	cs, _ := connstring.Parse("mongodb://a.example.com")
	if _, err := srv.NewPoller(srv.PollerConfig{ConnString: cs}, nil); err == nil {
		t.Error("NewPoller accepted a mongodb:// string")
	}
	if _, err := srv.NewPoller(srv.PollerConfig{}, nil); err == nil {
		t.Error("NewPoller accepted no connection string")
	}
}

// TestPollerLeavesNoGoroutine starts and stops many pollers, mid-rescan or
// idle, and checks the goroutine count returns to where it was.
func TestPollerLeavesNoGoroutine(t *testing.T) {
	before := runtime.NumGoroutine()
	dns := newFakeDNS()
	dns.setSRV(pollQuery, "a.example.com:1")
	cs, _ := connstring.Parse("mongodb+srv://cluster.example.com")
	for i := 0; i < 50; i++ {
		p, err := srv.NewPoller(srv.PollerConfig{Config: srv.Config{Resolver: dns}, ConnString: cs, Interval: time.Microsecond}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Stop(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines left, started with %d:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(time.Millisecond)
	}
}

// TestPollerWaitsForTTL: with a TTL longer than Interval, the rescan after
// the first waits for the TTL. Slowness can only lower the count.
func TestPollerWaitsForTTL(t *testing.T) {
	dns := newFakeDNS()
	dns.setSRV(pollQuery, "a.example.com:1")
	cs, _ := connstring.Parse("mongodb+srv://cluster.example.com")
	p, err := srv.NewPoller(srv.PollerConfig{Config: srv.Config{Resolver: ttlDNS{dns, time.Hour}}, ConnString: cs,
		Interval: time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop(context.Background())
	for deadline := time.Now().Add(10 * time.Second); dns.srvCalls() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no first rescan")
		}
	}
	time.Sleep(50 * time.Millisecond)
	if n := dns.srvCalls(); n != 1 {
		t.Errorf("%d rescans within 50ms although the TTL is an hour", n)
	}
}
