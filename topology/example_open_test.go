package topology_test

import (
	"context"
	"fmt"
	"time"

	"github.com/torque-go/torque/connstring"
	"github.com/torque-go/torque/mongotest"
	"github.com/torque-go/torque/topology"
)

// A running topology discovers a replica set from its connection string
// and selects the primary for a write. (The replica set here is
// mongotest's, in process; with a real one, only the URI changes.)
func ExampleOpen() {
	rs, err := mongotest.StartReplicaSet(mongotest.ReplicaSetOptions{Members: 3})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rs.Close()

	cs, err := connstring.Parse(rs.URI()) // mongodb://a,b,c/?replicaSet=rs0
	if err != nil {
		fmt.Println(err)
		return
	}
	opts, err := topology.FromConnString(cs)
	if err != nil {
		fmt.Println(err)
		return
	}
	topo, err := topology.Open(opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer topo.Close(context.Background())

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := topo.SelectServer(ctx, topology.Criteria{Write: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Release()
	fmt.Println(s.Description().Addr == topology.NewAddress(rs.Hosts()[rs.Primary()]), s.Description().Type)
	td := topo.Description()
	fmt.Println(td.Type, td.SetName, len(td.Servers))
	// Output:
	// true RSPrimary
	// ReplicaSetWithPrimary rs0 3
}
