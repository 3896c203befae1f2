package topology

import (
	"testing"

	"github.com/torque-go/torque/bson"
)

func TestStateChangeClassification(t *testing.T) {
	cases := []struct {
		code                              int32
		msg                               string
		recovering, notWritable, shutdown bool
	}{
		{11600, "", true, false, true},
		{91, "", true, false, true},
		{189, "", true, false, false},
		{10107, "", false, true, false},
		{1, "not master", false, false, false}, // a code wins over the message
		{0, "not master", false, true, false},
		{0, "not master or secondary", true, false, false},
		{0, "node is recovering", true, false, false},
		{0, "some other failure", false, false, false},
	}
	for _, c := range cases {
		if IsRecovering(c.code, c.msg) != c.recovering || IsNotWritablePrimary(c.code, c.msg) != c.notWritable ||
			IsShutdown(c.code) != c.shutdown || IsStateChange(c.code, c.msg) != (c.recovering || c.notWritable) {
			t.Errorf("code %d %q classified wrongly", c.code, c.msg)
		}
	}
}

func primaryTopology(t *testing.T) TopologyDescription {
	t.Helper()
	td, err := New(Config{Seeds: []Address{"a:27017"}, SetName: "rs"})
	if err != nil {
		t.Fatal(err)
	}
	sv := int64(1)
	return Apply(td, ServerDescription{Addr: "a:27017", Type: RSPrimary, SetName: "rs", SetVersion: &sv,
		Hosts: []Address{"a:27017"}, MaxWireVersion: 21})
}

func TestHandleErrorPhases(t *testing.T) {
	cases := []struct {
		name    string
		e       AppError
		unknown bool
		clear   bool
	}{
		{"network after handshake", AppError{Kind: NetworkError}, true, true},
		{"timeout after handshake", AppError{Kind: NetworkTimeout}, false, false},
		{"network while connecting", AppError{Kind: NetworkError, Phase: DuringConnect}, false, false},
		{"timeout during auth", AppError{Kind: NetworkTimeout, Phase: DuringAuth}, true, true},
		{"auth failure", AppError{Kind: AuthError, Phase: DuringAuth, Code: 18}, true, true},
		{"overloaded during auth", AppError{Kind: NetworkError, Phase: DuringAuth, Overloaded: true}, false, false},
		{"ordinary command error", AppError{Kind: CommandError, Code: 2}, false, false},
		{"stale generation", AppError{Kind: NetworkError, Generation: 0}, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			td := primaryTopology(t)
			c.e.Addr = "a:27017"
			gen := uint64(0)
			if c.name == "stale generation" {
				gen = 3
			} else {
				c.e.Generation = gen
			}
			next, act := ApplyAppError(td, gen, c.e)
			sd, _ := next.Server("a:27017")
			if (sd.Type == ServerUnknown) != c.unknown || act.MarkedUnknown != c.unknown || act.ClearPool != c.clear {
				t.Fatalf("server %v, action %+v; want unknown=%v clear=%v", sd.Type, act, c.unknown, c.clear)
			}
			if c.unknown && (next.Type != ReplicaSetNoPrimary || !act.CancelCheck || act.RequestCheck) {
				t.Errorf("topology %v, action %+v: want ReplicaSetNoPrimary, cancel, no immediate check", next.Type, act)
			}
			if !c.unknown && !next.Equal(td) {
				t.Error("ignored error changed the topology")
			}
		})
	}
}

func TestHandleErrorLoadBalanced(t *testing.T) {
	td, err := New(Config{Seeds: []Address{"lb:27017"}, LoadBalanced: true})
	if err != nil {
		t.Fatal(err)
	}
	td = Apply(td, NewLoadBalancerServer("lb:27017"))
	svc := bson.ObjectID{5: 5}
	next, act := ApplyAppError(td, 0, AppError{Addr: "lb:27017", Kind: NetworkError, ServiceID: &svc})
	if sd, _ := next.Server("lb:27017"); sd.Type != LoadBalancer || !act.ClearPool || act.ServiceID == nil || *act.ServiceID != svc || act.MarkedUnknown {
		t.Errorf("network error: server %v, action %+v; want LoadBalancer kept, service pool cleared", sd.Type, act)
	}
	next, act = ApplyAppError(td, 0, AppError{Addr: "lb:27017", Kind: CommandError, Code: 91, ServiceID: &svc, MaxWireVersion: 21})
	if sd, _ := next.Server("lb:27017"); sd.Type != LoadBalancer || !act.ClearPool || act.RequestCheck {
		t.Errorf("shutdown error: server %v, action %+v", sd.Type, act)
	}
	if _, act = ApplyAppError(td, 0, AppError{Addr: "lb:27017", Kind: CommandError, Code: 10107, MaxWireVersion: 21}); act != (ErrorAction{}) {
		t.Errorf("not-writable-primary on 4.2+ behind a load balancer: %+v, want nothing", act)
	}
}

func TestHandleErrorStateChangeKeepsTopologyVersion(t *testing.T) {
	td := primaryTopology(t)
	tv := &TopologyVersion{ProcessID: bson.ObjectID{1}, Counter: 4}
	next, act := ApplyAppError(td, 0, AppError{Addr: "a:27017", Kind: CommandError, Code: 10107,
		MaxWireVersion: 21, TopologyVersion: tv, Message: "not primary"})
	sd, _ := next.Server("a:27017")
	if sd.Type != ServerUnknown || sd.TopologyVersion != tv || !act.RequestCheck || act.ClearPool {
		t.Fatalf("server %+v, action %+v", sd, act)
	}
	if sd.Err == nil || sd.Err.Error() != "not primary" {
		t.Errorf("error %v, want the server's message", sd.Err)
	}
	// The same error again is stale now: its topologyVersion is not newer.
	again, act := ApplyAppError(next, 0, AppError{Addr: "a:27017", Kind: CommandError, Code: 10107, TopologyVersion: tv})
	if act != (ErrorAction{}) || !again.Equal(next) {
		t.Errorf("repeated error acted: %+v", act)
	}
}

func TestHandleErrorOldServerClearsPool(t *testing.T) {
	td := primaryTopology(t)
	for _, c := range []struct {
		wire  int32
		clear bool
	}{{7, true}, {8, false}} {
		_, act := ApplyAppError(td, 0, AppError{Addr: "a:27017", Kind: CommandError, Code: 10107, MaxWireVersion: c.wire})
		if !act.MarkedUnknown || act.ClearPool != c.clear {
			t.Errorf("not-writable-primary from wire %d: %+v, want clear=%v", c.wire, act, c.clear)
		}
	}
}
