package topology

import (
	"context"
	"testing"

	"github.com/torque-go/torque/internal/mockserver"
)

// TestCloseShutsRetiredPools checks that Close (the client's Disconnect)
// closes the connections still checked out of a server that had already
// left the topology: a cursor's connection, say, held while a reconfig
// removed its member. Retiring a server only closes its pool (checked-out
// connections close when they come back), so before Close shut those pools
// down too, such a socket stayed open after Disconnect.
func TestCloseShutsRetiredPools(t *testing.T) {
	rs := mockserver.NewReplicaSet(t, mockserver.ReplicaSetOptions{Members: 3})
	gone := rs.Member(2)
	addr := NewAddress(gone.Addr())
	var all []string
	for _, m := range rs.Members() {
		all = append(all, m.Addr())
	}
	topo, err := Open(Options{Seeds: seeds(all...), SetName: "rs0"})
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	defer func() {
		if !closed {
			closeTopology(t, topo)
		}
	}()
	waitFor(t, topo, "member 2 a secondary", func(td TopologyDescription) bool {
		sd, _ := td.Server(addr)
		return sd.Type == RSSecondary
	})
	s := topo.Server(addr)
	c, err := s.Checkout(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	rs.Remove(2) // reconfig: member 2 leaves the set
	waitFor(t, topo, "member 2 gone", func(td TopologyDescription) bool {
		_, ok := td.Server(addr)
		return !ok
	})
	if c.Dead() {
		t.Fatal("the checked-out connection died when its server left the topology (it should live until checked in)")
	}

	closed = true
	closeTopology(t, topo)
	if !c.Dead() {
		t.Error("after Close the connection checked out of a retired server is still open")
	}
	eventually(t, "every connection to the retired member closed", func() bool { return gone.OpenConnections() == 0 })
	_ = s.CheckIn(c)
}
