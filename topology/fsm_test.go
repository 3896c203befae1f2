package topology

import (
	"errors"
	"strings"
	"testing"

	"github.com/torque-go/torque/bson"
)

func TestNewRejectsBadConfigs(t *testing.T) {
	two := []Address{"a:27017", "b:27017"}
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{}, "no seed"},
		{Config{Seeds: two, Direct: true}, "exactly one host"},
		{Config{Seeds: two, LoadBalanced: true}, "exactly one host"},
		{Config{Seeds: two[:1], LoadBalanced: true, Direct: true}, "directConnection"},
		{Config{Seeds: two[:1], LoadBalanced: true, SetName: "rs"}, "replicaSet"},
	} {
		if _, err := New(c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v) = %v, want an error about %q", c.cfg, err, c.want)
		}
	}
}

// Apply must never change the description it was given: readers hold it
// without a lock.
func TestApplyLeavesInputAlone(t *testing.T) {
	td, _ := New(Config{Seeds: []Address{"a:27017", "b:27017", "c:27017"}})
	before := append([]ServerDescription(nil), td.Servers...)
	sv := int64(1)
	next := Apply(td, ServerDescription{Addr: "b:27017", Type: RSPrimary, SetName: "rs", SetVersion: &sv,
		Hosts: []Address{"b:27017", "d:27017"}, MaxWireVersion: 21})
	if next.Type != ReplicaSetWithPrimary || len(next.Servers) != 2 {
		t.Fatalf("next: %v %v", next.Type, addrsOf(next.Servers))
	}
	if td.Type != TopologyUnknown || len(td.Servers) != 3 {
		t.Fatalf("input changed: %v %v", td.Type, addrsOf(td.Servers))
	}
	for i := range before {
		if !before[i].Equal(td.Servers[i]) {
			t.Fatalf("input server %d changed", i)
		}
	}
}

func TestDemotedAndDiff(t *testing.T) {
	td, _ := New(Config{Seeds: []Address{"a:27017"}, SetName: "rs"})
	oid := func(b byte) *bson.ObjectID { return &bson.ObjectID{11: b} }
	sv := int64(1)
	primary := func(addr Address, e byte) ServerDescription {
		return ServerDescription{Addr: addr, Type: RSPrimary, SetName: "rs", SetVersion: &sv, ElectionID: oid(e),
			Hosts: []Address{"a:27017", "b:27017"}, MaxWireVersion: 7}
	}
	id := bson.ObjectID{1}
	t1 := Apply(td, primary("a:27017", 1))
	evs := Diff(id, td, t1, "a:27017")
	if names := eventNames(evs); names != "ServerDescriptionChanged(a:27017 RSPrimary), ServerOpening(b:27017), TopologyDescriptionChanged(ReplicaSetWithPrimary)" {
		t.Fatalf("events: %s", names)
	}
	t2 := Apply(t1, primary("b:27017", 2))
	d := Demoted(t1, t2, "b:27017")
	if len(d) != 1 || d[0].Addr != "a:27017" || d[0].MaxWireVersion >= 8 {
		t.Fatalf("demoted %v", d)
	}
	if sd, _ := t2.Server("a:27017"); !errors.Is(sd.Err, ErrNewerPrimary) {
		t.Errorf("demoted primary's error %v", sd.Err)
	}
	// A stale primary (older electionId) is refused and marked Unknown.
	t3 := Apply(t2, primary("a:27017", 1))
	if sd, _ := t3.Server("a:27017"); sd.Type != ServerUnknown || !errors.Is(sd.Err, ErrStalePrimary) {
		t.Errorf("stale primary: %v %v", sd.Type, sd.Err)
	}
	// An outcome equal but for RTT publishes nothing.
	again := primary("b:27017", 2)
	again.RTT = 99
	if evs := Diff(id, t2, Apply(t2, again), "b:27017"); len(evs) != 0 {
		t.Errorf("unchanged check published %s", eventNames(evs))
	}
}
