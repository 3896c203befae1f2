package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/pool"
)

// scaleCheckout: where a find's time goes when 1 to 1,000 goroutines
// share a pool of 10 or 100 connections (torque only): the mean checkout
// (ConnectionCheckedOut's Duration, from the pool's monitor), its share of
// the find's latency, and the time goroutines spent blocked on contended
// mutexes per find (the runtime's mutex profile, every event sampled),
// with the functions that held the contended locks at the largest count.
func scaleCheckout(ctx context.Context, o ScalingOptions) (*scalingTable, error) {
	gs := []float64{1, 10, 100, 1000}
	pools := []int{10, 100}
	if o.Quick {
		gs, pools = []float64{1, 20}, []int{10}
	}
	t := &scalingTable{title: "Concurrency: where checkout time goes", file: "scaling-checkout",
		note: fmt.Sprintf("torque, find one by _id on the NullServer for %v per point, after warm-up rounds at "+
			"the same concurrency until one creates no connection (the pool grown, the sessions made). Checkout: the mean "+
			"ConnectionCheckedOut duration (queueing for a connection included) and its share of the mean find "+
			"latency; mutex wait: time goroutines spent blocked on contended sync.Mutex/RWMutex per find "+
			"(runtime mutex profile, fraction 1; the whole process, NullServer included).", o.RunTime),
		x: "goroutines", xs: gs, xfmt: fmtRound, plotY: "ns per find", logY: true}
	id := bson.NewObjectID()
	srv, err := NewNullServer(scalingDoc(id, 1000), 1)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	prev := runtime.SetMutexProfileFraction(1)
	defer runtime.SetMutexProfileFraction(prev)
	var notes []string
	for _, size := range pools {
		name := fmt.Sprintf("pool %d", size)
		lat, co := t.add(name+" find µs", fmtMicros), t.add(name+" checkout µs", fmtMicros)
		share, mu := t.add("checkout %", fmtRound), t.add(name+" mutex wait µs", fmtMicros)
		t.plotCols = append(t.plotCols, len(t.cols)-3, len(t.cols)-1)
		for _, g := range gs {
			p, err := checkoutPoint(ctx, srv, id, size, int(g), o.RunTime)
			if err != nil {
				return nil, fmt.Errorf("checkout, %s, %d goroutines: %w", name, int(g), err)
			}
			lat.vals, co.vals = append(lat.vals, p.find), append(co.vals, p.checkout)
			share.vals, mu.vals = append(share.vals, 100*p.checkout/p.find), append(mu.vals, p.mutex)
			if g == gs[len(gs)-1] {
				notes = append(notes, fmt.Sprintf("%s, %d goroutines: %s", name, int(g), p.sites))
			}
		}
	}
	t.after = "Where the contended mutex time goes (share of the mutex wait, by the function that held the lock):\n\n- " +
		strings.Join(notes, "\n- ")
	return t, nil
}

// checkoutStats is one point of scaleCheckout, times in nanoseconds per
// find.
type checkoutStats struct {
	find, checkout, mutex float64
	sites                 string // the top lock holders
}

func checkoutPoint(ctx context.Context, srv *NullServer, id bson.ObjectID, size, g int, d time.Duration) (checkoutStats, error) {
	var coNanos, coCount, created atomic.Int64
	mon := func(e pool.Event) {
		if e.Type == pool.ConnectionCreated {
			created.Add(1)
		}
		if e.Type == pool.ConnectionCheckedOut {
			coNanos.Add(int64(e.Duration))
			coCount.Add(1)
		}
	}
	c, err := client.Connect(ctx, srv.URI(), client.Options{MaxPoolSize: size, PoolMonitor: mon})
	if err != nil {
		return checkoutStats{}, err
	}
	defer c.Disconnect(ctx)
	coll := c.Database("scaling").Collection("docs")
	find := func() error { _, err := coll.FindOne(ctx, bson.D{bson.KV("_id", id)}).Raw(); return err }
	// Warm-up rounds at the same concurrency first, until one creates no
	// connection: the pool has grown (maxConnecting at a time, a handshake
	// each) and the sessions exist before the count.
	for round, last := 0, int64(-1); round < 20 && created.Load() != last; round++ {
		last = created.Load()
		if _, _, err := concurrentRun(g, d/3, find); err != nil {
			return checkoutStats{}, err
		}
	}
	coNanos.Store(0)
	coCount.Store(0)
	before, err := mutexProfile()
	if err != nil {
		return checkoutStats{}, err
	}
	n, lats, err := concurrentRun(g, d, find)
	if err != nil {
		return checkoutStats{}, err
	}
	after, err := mutexProfile()
	if err != nil {
		return checkoutStats{}, err
	}
	var sum time.Duration
	for _, l := range lats {
		sum += l
	}
	var total float64
	delta := map[string]float64{}
	for site, ns := range after {
		if v := ns - before[site]; v > 0 {
			delta[site], total = v, total+v
		}
	}
	return checkoutStats{
		find:     float64(sum) / float64(n),
		checkout: float64(coNanos.Load()) / float64(max(coCount.Load(), 1)),
		mutex:    total / float64(n),
		sites:    topSites(delta, total, 3),
	}, nil
}

// mutexProfile reads the runtime's mutex profile: the nanoseconds of
// contention so far, per site (the first frame outside sync and runtime:
// the function that released the contended lock).
func mutexProfile() (map[string]float64, error) {
	var buf bytes.Buffer
	if err := pprof.Lookup("mutex").WriteTo(&buf, 1); err != nil {
		return nil, err
	}
	return parseMutexProfile(&buf)
}

// parseMutexProfile parses the debug=1 text form: "cycles/second=N", then
// records "<cycles> <count> @ <pcs>" each followed by "#\t<pc>\t<func>+<off>\t<file:line>" frames.
func parseMutexProfile(r *bytes.Buffer) (map[string]float64, error) {
	sites := map[string]float64{}
	cyclesPerNs := 0.0
	var cycles float64
	site := ""
	first := "" // a record's first frame: its site when all are sync or runtime
	flush := func() {
		if site == "?" && first != "" {
			site = first
		}
		if site != "" {
			sites[site] += cycles / cyclesPerNs
		}
		site, cycles, first = "", 0, ""
	}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "cycles/second="):
			v, err := strconv.ParseFloat(strings.TrimPrefix(line, "cycles/second="), 64)
			if err != nil || v <= 0 {
				return nil, fmt.Errorf("mutex profile: %q", line)
			}
			cyclesPerNs = v / 1e9
		case strings.Contains(line, " @ "):
			flush()
			f := strings.Fields(line)
			v, err := strconv.ParseFloat(f[0], 64)
			if err != nil || cyclesPerNs == 0 {
				return nil, fmt.Errorf("mutex profile: %q", line)
			}
			cycles, site = v, "?"
		case strings.HasPrefix(line, "#\t") && site == "?":
			f := strings.Split(line, "\t")
			if len(f) < 3 {
				continue
			}
			fn := f[2]
			if i := strings.LastIndex(fn, "+0x"); i > 0 {
				fn = fn[:i]
			}
			if first == "" {
				first = fn
			}
			if !strings.HasPrefix(fn, "sync.") && !strings.HasPrefix(fn, "runtime.") && !strings.HasPrefix(fn, "internal/sync.") {
				site = strings.TrimPrefix(fn, "github.com/torque-go/torque/")
			}
		}
	}
	flush()
	return sites, sc.Err()
}

// topSites names the n sites with the most of total, with their shares.
func topSites(m map[string]float64, total float64, n int) string {
	if total == 0 {
		return "no contended mutex"
	}
	names := make([]string, 0, len(m))
	for s := range m {
		names = append(names, s)
	}
	sort.Slice(names, func(i, j int) bool { return m[names[i]] > m[names[j]] })
	var parts []string
	for _, s := range names[:min(n, len(names))] {
		if share := 100 * m[s] / total; share >= 1 {
			parts = append(parts, fmt.Sprintf("`%s` %.0f%%", s, share))
		}
	}
	return strings.Join(parts, ", ")
}

func fmtMicros(ns float64) string {
	if ns < 10_000 {
		return fmt.Sprintf("%.1f", ns/1000)
	}
	return fmt.Sprintf("%.0f", ns/1000)
}
