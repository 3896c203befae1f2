package topology

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/torque-go/torque/internal/leakcheck"
)

// waitTimeout bounds every wait for a state of the topology. Tests wait on
// description changes, never on the clock; this only stops a broken test.
const waitTimeout = 15 * time.Second

// recorder is a Listener that keeps the events.
type recorder struct {
	mu  sync.Mutex
	evs []Event
}

func (r *recorder) HandleEvent(e Event) {
	r.mu.Lock()
	r.evs = append(r.evs, e)
	r.mu.Unlock()
}

func (r *recorder) events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.evs...)
}

// openTest opens a topology for a test, with a short minimum heartbeat, and
// at the end closes it and checks that no goroutine of the topology, its
// monitors or its pools is left.
func openTest(t *testing.T, opts Options) (*Topology, *recorder) {
	t.Helper()
	old := minHeartbeat
	minHeartbeat = 10 * time.Millisecond
	rec := &recorder{}
	if opts.Listener == nil {
		opts.Listener = rec
	}
	topo, err := Open(opts)
	if err != nil {
		minHeartbeat = old
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		closeTopology(t, topo)
		minHeartbeat = old
	})
	return topo, rec
}

// closeTopology closes topo and checks for leaked goroutines.
func closeTopology(t *testing.T, topo *Topology) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := topo.Close(ctx); err != nil {
		t.Errorf("Close: %v", err)
	}
	checkNoGoroutines(t)
}

// checkNoGoroutines fails when a goroutine is still running code of
// packages topology, pool or srv, other than the tests themselves. Exiting
// goroutines get a moment to finish.
func checkNoGoroutines(t *testing.T) {
	t.Helper()
	var leaked []string
	deadline := time.Now().Add(5 * time.Second)
	for {
		leaked = leakedGoroutines()
		if len(leaked) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, g := range leaked {
		t.Errorf("goroutine left behind:\n%s", g)
	}
}

func leakedGoroutines() []string {
	var out []string
	for _, g := range leakcheck.Leaked(nil) {
		if strings.Contains(g, "testing.(*T)") || strings.Contains(g, "leakedGoroutines") {
			continue
		}
		for _, pkg := range []string{"torque/topology.", "torque/pool.", "torque/srv."} {
			if strings.Contains(g, pkg) {
				out = append(out, g)
				break
			}
		}
	}
	return out
}

// waitFor waits until the topology's description satisfies ok and returns
// it; it fails the test after waitTimeout, showing the last description.
func waitFor(t *testing.T, topo *Topology, what string, ok func(TopologyDescription) bool) TopologyDescription {
	t.Helper()
	timer := time.NewTimer(waitTimeout)
	defer timer.Stop()
	for {
		st := topo.state.Load()
		if ok(st.desc) {
			return st.desc
		}
		select {
		case <-st.changed:
		case <-timer.C:
			t.Fatalf("waiting for %s: topology is %s", what, describeTopology(topo.Description()))
		}
	}
}

// typeOf returns the type of the server at addr in td, or "absent".
func typeOf(td TopologyDescription, addr string) string {
	sd, ok := td.Server(NewAddress(addr))
	if !ok {
		return "absent"
	}
	return sd.Type.String()
}

// hasTypes reports whether the servers at addrs have the given types.
func hasTypes(td TopologyDescription, want map[string]ServerType) bool {
	for addr, typ := range want {
		if typeOf(td, addr) != typ.String() {
			return false
		}
	}
	return true
}

// eventually polls cond (for states outside the topology, such as a mock
// server's connections) until it holds or waitTimeout passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: gave up", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
