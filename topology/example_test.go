package topology_test

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/torque-go/torque/topology"
)

// A client given one seed of a replica set discovers the set from the
// seed's hello reply, then selects a secondary for a read.
func Example() {
	td, err := topology.New(topology.Config{Seeds: []topology.Address{topology.NewAddress("db1")}})
	if err != nil {
		fmt.Println(err)
		return
	}
	hello := topology.Hello{OK: true, IsWritablePrimary: true, SetName: "rs0",
		Hosts: []string{"db1:27017", "db2:27017"}, MaxWireVersion: 21}
	now := time.Now()
	td = topology.Apply(td, topology.NewServerDescription("db1:27017", &hello, time.Millisecond, 0, now))

	secondary := topology.Hello{OK: true, Secondary: true, SetName: "rs0",
		Hosts: []string{"db1:27017", "db2:27017"}, MaxWireVersion: 21}
	td = topology.Apply(td, topology.NewServerDescription("db2:27017", &secondary, 2*time.Millisecond, 0, now))

	fmt.Println(td.Type, td.SetName, len(td.Servers))
	c := topology.Criteria{ReadPref: topology.ReadPref{Mode: topology.Secondary}}
	sd, ok, err := topology.Select(td, c, rand.New(rand.NewPCG(1, 1)), nil)
	fmt.Println(sd.Addr, sd.Type, ok, err)
	// Output:
	// ReplicaSetWithPrimary rs0 2
	// db2:27017 RSSecondary true <nil>
}
