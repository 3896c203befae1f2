package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/pool"
	"github.com/torque-go/torque/topology"
)

var cmdStatus = newCommand("status", "[flags]",
	"describe the deployment: servers, roles, RTT, versions, pools, selection",
	`Status connects, waits until every server has been checked (or a few
seconds), and describes what the driver sees: the topology type, each
server's role, round-trip time and wire versions, the server version,
the connection pools' figures, and which servers each read preference
would select.`)

func init() {
	addConnFlags(cmdStatus.Flag)
	addOutputFlags(cmdStatus.Flag)
	cmdStatus.Run = runStatus
}

// watcher keeps the latest topology description and counts pool events.
type watcher struct {
	mu      sync.Mutex
	td      topology.TopologyDescription
	changed chan struct{} // signalled (without blocking) at each change
	pools   map[pool.EventType]int
}

func (w *watcher) HandleEvent(e topology.Event) {
	if c, ok := e.(topology.TopologyDescriptionChanged); ok {
		w.mu.Lock()
		w.td = c.New
		w.mu.Unlock()
		select {
		case w.changed <- struct{}{}:
		default:
		}
	}
}

func (w *watcher) poolEvent(e pool.Event) {
	w.mu.Lock()
	w.pools[e.Type]++
	w.mu.Unlock()
}

func (w *watcher) snapshot() (topology.TopologyDescription, map[pool.EventType]int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	counts := make(map[pool.EventType]int, len(w.pools))
	for k, v := range w.pools {
		counts[k] = v
	}
	return w.td, counts
}

// settled waits until no server is Unknown, at most d.
func (w *watcher) settled(ctx context.Context, d time.Duration) {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		td, _ := w.snapshot()
		unknown := len(td.Servers) == 0
		for _, s := range td.Servers {
			unknown = unknown || s.Type == topology.ServerUnknown
		}
		if !unknown {
			return
		}
		select {
		case <-w.changed:
		case <-deadline.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

func runStatus(ctx context.Context, args []string) error {
	if len(args) != 0 {
		return usagef("status takes no arguments")
	}
	w := &watcher{changed: make(chan struct{}, 1), pools: map[pool.EventType]int{}}
	c, err := connect(ctx, client.Options{SDAMListener: w, PoolMonitor: w.poolEvent})
	if err != nil {
		return err
	}
	defer disconnect(c)
	if err := c.Ping(ctx); err != nil {
		return err
	}
	var build struct {
		Version string `bson:"version"`
	}
	if err := c.Database("admin").RunCommand(ctx, bson.D{bson.KV("buildInfo", 1)}).Decode(&build); err != nil {
		return err
	}
	w.settled(ctx, 3*time.Second)
	td, pools := w.snapshot()
	if outf.json {
		return printStatusJSON(td, pools, build.Version)
	}
	return printStatus(td, pools, build.Version)
}

var readPrefModes = []topology.Mode{topology.Primary, topology.PrimaryPreferred,
	topology.Secondary, topology.SecondaryPreferred, topology.Nearest}

// selection lists the servers each read preference may pick (the latency
// window of the suitable servers), and those a write may.
func selection(td topology.TopologyDescription) bson.D {
	out := bson.D{}
	pick := func(name string, c topology.Criteria) {
		suitable, err := topology.Suitable(td, c)
		addrs := bson.A{}
		if err == nil {
			for _, s := range topology.LatencyWindow(suitable, topology.DefaultLocalThreshold) {
				addrs = append(addrs, string(s.Addr))
			}
		}
		out = append(out, bson.KV(name, addrs))
	}
	pick("write", topology.Criteria{Write: true})
	for _, m := range readPrefModes {
		pick(m.String(), topology.Criteria{ReadPref: topology.ReadPref{Mode: m}})
	}
	return out
}

var poolEventNames = []pool.EventType{pool.ConnectionCreated, pool.ConnectionReady,
	pool.ConnectionCheckedOut, pool.ConnectionCheckedIn, pool.ConnectionClosed, pool.PoolCleared}

func printStatus(td topology.TopologyDescription, pools map[pool.EventType]int, version string) error {
	p := stdout()
	fmt.Fprintf(p.w, "topology:       %s", td.Type)
	if td.SetName != "" {
		fmt.Fprintf(p.w, " (replica set %s)", td.SetName)
	}
	fmt.Fprintf(p.w, "\nserver version: %s\nservers:\n", version)
	for _, s := range td.Servers {
		fmt.Fprintf(p.w, "  %-24s %-12s rtt %-9s wire %d-%d", s.Addr, s.Type,
			s.RTT.Round(10*time.Microsecond), s.MinWireVersion, s.MaxWireVersion)
		if s.Err != nil {
			fmt.Fprintf(p.w, "  error: %s", oneLine(s.Err.Error()))
		}
		fmt.Fprintln(p.w)
	}
	fmt.Fprint(p.w, "pools (this process):\n ")
	for _, t := range poolEventNames {
		fmt.Fprintf(p.w, " %s %d", t, pools[t])
	}
	fmt.Fprint(p.w, "\nselection (latency window of the suitable servers):\n")
	for _, e := range selection(td) {
		list := "none"
		for i, a := range e.Value.(bson.A) {
			if i == 0 {
				list = ""
			} else {
				list += ", "
			}
			list += a.(string)
		}
		fmt.Fprintf(p.w, "  %-20s %s\n", e.Key, list)
	}
	return p.flush()
}

func printStatusJSON(td topology.TopologyDescription, pools map[pool.EventType]int, version string) error {
	servers := bson.A{}
	for _, s := range td.Servers {
		d := bson.D{bson.KV("address", string(s.Addr)), bson.KV("type", s.Type.String()),
			bson.KV("rttMicros", s.RTT.Microseconds()),
			bson.KV("minWireVersion", s.MinWireVersion), bson.KV("maxWireVersion", s.MaxWireVersion)}
		if s.Err != nil {
			d = append(d, bson.KV("error", s.Err.Error()))
		}
		servers = append(servers, d)
	}
	counts := bson.D{}
	for _, t := range poolEventNames {
		counts = append(counts, bson.KV(t.String(), pools[t]))
	}
	doc := bson.D{bson.KV("topologyType", td.Type.String()), bson.KV("setName", td.SetName),
		bson.KV("serverVersion", version), bson.KV("servers", servers),
		bson.KV("poolEvents", counts), bson.KV("selection", selection(td))}
	p := stdout()
	if err := p.result("", doc); err != nil {
		return err
	}
	return p.flush()
}
