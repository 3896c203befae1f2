package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/torque-go/torque/topology"
)

// scaleTopology: server selection (topology.Select) on replica sets of 1
// to 50 members, one primary and the rest secondaries, for reads from the
// primary and from the nearest member: time and allocations per
// selection. torque only: the official driver's selection is internal.
func scaleTopology(_ context.Context, o ScalingOptions) (*scalingTable, error) {
	sizes := []float64{1, 3, 5, 10, 20, 50}
	if o.Quick {
		sizes = []float64{1, 10}
	}
	t := &scalingTable{title: "Topology size: server selection", file: "scaling-topology",
		note: "topology.Select on a replica-set description (one primary, the rest secondaries, RTTs 1-10 ms), " +
			"as the executor calls it for each operation; no I/O.",
		x: "members", xs: sizes, xfmt: fmtRound, plotY: "ns per selection", plotCols: []int{0, 2}}
	modes := []topology.Mode{topology.Primary, topology.Nearest}
	var ns, allocs []*scalingSeries
	for _, m := range modes {
		ns = append(ns, t.add(m.String()+" ns/op", fmtRound))
		allocs = append(allocs, t.add(m.String()+" allocs/op", fmtRound))
	}
	r := rand.New(rand.NewPCG(1, 2))
	inFlight := func(topology.Address) int { return 0 }
	for _, n := range sizes {
		td := replicaSet(int(n))
		for i, m := range modes {
			c := topology.Criteria{ReadPref: topology.ReadPref{Mode: m}}
			sel := func() error {
				_, ok, err := topology.Select(td, c, r, inFlight)
				if err == nil && !ok {
					err = fmt.Errorf("%d members, %v: no server selected", int(n), m)
				}
				return err
			}
			// At least 1,000 selections: allocations per op are counted
			// over them, so that a stray allocation elsewhere stays below 1.
			per, _, err := timeOps(o.RunTime/4, 1000, sel)
			if err != nil {
				return nil, err
			}
			a := testingAllocs(sel)
			ns[i].vals, allocs[i].vals = append(ns[i].vals, per), append(allocs[i].vals, a)
		}
	}
	return t, nil
}

// replicaSet is the description of a replica set with n members.
func replicaSet(n int) topology.TopologyDescription {
	td := topology.TopologyDescription{Type: topology.ReplicaSetWithPrimary, SetName: "rs"}
	var hosts []topology.Address
	for i := range n {
		hosts = append(hosts, topology.Address(fmt.Sprintf("host%02d:27017", i)))
	}
	now := time.Now()
	for i, h := range hosts {
		typ := topology.RSSecondary
		if i == 0 {
			typ = topology.RSPrimary
		}
		td.Servers = append(td.Servers, topology.ServerDescription{Addr: h, Type: typ, SetName: "rs", Hosts: hosts,
			Primary: hosts[0], RTT: time.Duration(1+i%10) * time.Millisecond, LastUpdateTime: now, LastWriteDate: now,
			MinWireVersion: 0, MaxWireVersion: 21})
	}
	return td
}
