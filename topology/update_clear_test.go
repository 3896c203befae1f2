package topology

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/torque-go/torque/internal/mockserver"
	"github.com/torque-go/torque/pool"
)

// TestFailedCheckClearsPoolAfterUnknown checks the order of a failed
// monitor check (Update): the Unknown description is installed before the
// pool is cleared, so that a reader woken by the clear (a checkout failing
// with PoolClearedError, then retried) finds the server Unknown and does
// not select it again. The pool's monitor runs inside Clear, under the
// topology's lock: what it reads of the description is what such a reader
// would see. With the old order (clear, then install) it read Standalone.
func TestFailedCheckClearsPoolAfterUnknown(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	addr := NewAddress(srv.Addr())
	var topo atomic.Pointer[Topology]
	var mu sync.Mutex
	var seen []ServerType // the server's type readers saw at each PoolCleared
	opts := Options{Seeds: seeds(srv.Addr())}
	opts.Pool.Monitor = func(e pool.Event) {
		if e.Type != pool.PoolCleared {
			return
		}
		sd, _ := topo.Load().Description().Server(addr)
		mu.Lock()
		seen = append(seen, sd.Type)
		mu.Unlock()
	}
	tp, _ := openTest(t, opts)
	topo.Store(tp)
	waitFor(t, tp, "a standalone", func(td TopologyDescription) bool {
		sd, _ := td.Server(addr)
		return sd.Type == Standalone
	})

	if !tp.Update(NewUnknownServer(addr, errors.New("check failed: connection reset"))) {
		t.Fatal("Update: the server left the topology")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) == 0 {
		t.Fatal("a failed check did not clear the pool")
	}
	if seen[0] != ServerUnknown {
		t.Errorf("when the pool was cleared readers saw the server as %s, want Unknown (install first, then clear)", seen[0])
	}
}
