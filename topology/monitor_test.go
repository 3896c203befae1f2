package topology

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/torque-go/torque/internal/mockserver"
	"github.com/torque-go/torque/pool"
	"github.com/torque-go/torque/wire"
)

// These tests run the topology against internal/mockserver, which plays
// what FerretDB cannot: replica sets, elections, reconfigs and the
// awaitable (streaming) hello.

// longHeartbeat is far longer than any wait of these tests: a change
// noticed within waitTimeout was streamed, not polled.
const longHeartbeat = time.Hour

func seeds(addrs ...string) []Address {
	out := make([]Address, len(addrs))
	for i, a := range addrs {
		out[i] = NewAddress(a)
	}
	return out
}

func TestDiscoverReplicaSetFromOneSeed(t *testing.T) {
	rs := mockserver.NewReplicaSet(t, mockserver.ReplicaSetOptions{Members: 3})
	hosts := rs.Hosts()
	topo, rec := openTest(t, Options{Seeds: seeds(hosts[1]), HeartbeatFrequency: longHeartbeat})

	want := map[string]ServerType{hosts[0]: RSPrimary, hosts[1]: RSSecondary, hosts[2]: RSSecondary}
	td := waitFor(t, topo, "all three members known", func(td TopologyDescription) bool {
		return len(td.Servers) == 3 && hasTypes(td, want)
	})
	if td.Type != ReplicaSetWithPrimary || td.SetName != "rs0" {
		t.Errorf("topology is %s set %q, want ReplicaSetWithPrimary rs0", td.Type, td.SetName)
	}
	if td.LogicalSessionTimeoutMinutes == nil || *td.LogicalSessionTimeoutMinutes != mockserver.DefaultSessionTimeout {
		t.Errorf("logicalSessionTimeoutMinutes = %v, want %d", td.LogicalSessionTimeoutMinutes, mockserver.DefaultSessionTimeout)
	}
	opened := map[Address]bool{}
	for _, e := range rec.events() {
		if so, ok := e.(ServerOpening); ok {
			opened[so.Addr] = true
		}
	}
	if len(opened) != 3 {
		t.Errorf("ServerOpening events for %v, want the three members", opened)
	}
	for _, h := range hosts {
		if topo.Server(NewAddress(h)) == nil {
			t.Errorf("no running server for %s", h)
		}
	}
}

func TestFailoverFollowsNewPrimary(t *testing.T) {
	rs := mockserver.NewReplicaSet(t, mockserver.ReplicaSetOptions{Members: 3})
	hosts := rs.Hosts()
	topo, _ := openTest(t, Options{Seeds: seeds(hosts...), SetName: "rs0", HeartbeatFrequency: longHeartbeat})
	waitFor(t, topo, "member 0 primary", func(td TopologyDescription) bool {
		return hasTypes(td, map[string]ServerType{hosts[0]: RSPrimary, hosts[1]: RSSecondary, hosts[2]: RSSecondary})
	})

	rs.StepDown()
	waitFor(t, topo, "no primary after the step-down", func(td TopologyDescription) bool {
		return td.Type == ReplicaSetNoPrimary && typeOf(td, hosts[0]) == "RSSecondary"
	})
	if err := rs.Elect(2); err != nil {
		t.Fatal(err)
	}
	td := waitFor(t, topo, "member 2 primary", func(td TopologyDescription) bool {
		return td.Type == ReplicaSetWithPrimary && typeOf(td, hosts[2]) == "RSPrimary"
	})
	if want := mockserver.ElectionID(2); td.MaxElectionID == nil || *td.MaxElectionID != want {
		t.Errorf("maxElectionId = %v, want %v (term 2)", td.MaxElectionID, want)
	}
	if got := typeOf(td, hosts[0]); got != "RSSecondary" {
		t.Errorf("old primary is %s, want RSSecondary", got)
	}
}

func TestRemovedMemberMonitorStops(t *testing.T) {
	rs := mockserver.NewReplicaSet(t, mockserver.ReplicaSetOptions{Members: 3})
	hosts := rs.Hosts()
	topo, rec := openTest(t, Options{Seeds: seeds(hosts...), SetName: "rs0", HeartbeatFrequency: longHeartbeat})
	waitFor(t, topo, "three members", func(td TopologyDescription) bool {
		return hasTypes(td, map[string]ServerType{hosts[0]: RSPrimary, hosts[1]: RSSecondary, hosts[2]: RSSecondary})
	})
	removed := topo.Server(NewAddress(hosts[2]))

	rs.Remove(2)
	waitFor(t, topo, "member 2 removed", func(td TopologyDescription) bool {
		return typeOf(td, hosts[2]) == "absent" && len(td.Servers) == 2
	})
	select {
	case <-removed.stopped():
	case <-time.After(waitTimeout):
		t.Fatal("the removed member's monitor is still running")
	}
	if topo.Server(NewAddress(hosts[2])) != nil {
		t.Error("the removed member is still among the running servers")
	}
	closed := false
	for _, e := range rec.events() {
		if sc, ok := e.(ServerClosed); ok && sc.Addr == NewAddress(hosts[2]) {
			closed = true
		}
	}
	if !closed {
		t.Error("no ServerClosed event for the removed member")
	}
	// The pool is closed on a goroutine of the topology.
	eventually(t, "the removed member's pool closed", func() bool {
		_, err := removed.Pool().Checkout(context.Background())
		return errors.Is(err, pool.ErrPoolClosed)
	})
}

func TestStreamingHello(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	topo, rec := openTest(t, Options{Seeds: seeds(srv.Addr()), Direct: true, HeartbeatFrequency: longHeartbeat,
		MonitoringMode: MonitorStream})
	waitFor(t, topo, "a standalone", func(td TopologyDescription) bool { return typeOf(td, srv.Addr()) == "Standalone" })

	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	// The monitor's second hello is awaitable: topologyVersion,
	// maxAwaitTimeMS = heartbeatFrequencyMS, exhaustAllowed.
	var streaming *mockserver.Request
	for n := 2; streaming == nil; n++ {
		hellos, err := srv.WaitFor(ctx, "hello", n)
		if err != nil {
			t.Fatalf("waiting for an awaitable hello: %v", err)
		}
		for _, h := range hellos {
			if _, ok := h.Lookup("topologyVersion").Document(); ok {
				streaming = h
			}
		}
	}
	if ms, _ := streaming.Lookup("maxAwaitTimeMS").AsInt64(); ms != longHeartbeat.Milliseconds() {
		t.Errorf("maxAwaitTimeMS = %d, want %d", ms, longHeartbeat.Milliseconds())
	}
	if streaming.Flags&wire.ExhaustAllowed == 0 {
		t.Errorf("awaitable hello flags %v, want exhaustAllowed", streaming.Flags)
	}

	// A change on the server is streamed at once, without a new request.
	srv.Update(func(h *mockserver.Hello) { h.LogicalSessionTimeoutMinutes = 7 })
	waitFor(t, topo, "the streamed change", func(td TopologyDescription) bool {
		return td.LogicalSessionTimeoutMinutes != nil && *td.LogicalSessionTimeoutMinutes == 7
	})
	awaitable := 0
	for _, h := range srv.CommandsNamed("hello") {
		if _, ok := h.Lookup("topologyVersion").Document(); ok {
			awaitable++
		}
	}
	if awaitable != 1 {
		t.Errorf("%d awaitable hellos sent, want 1: the change must arrive as a moreToCome reply", awaitable)
	}
	awaited := false
	for _, e := range rec.events() {
		if hb, ok := e.(ServerHeartbeatSucceeded); ok && hb.Awaited {
			awaited = true
		}
	}
	if !awaited {
		t.Error("no ServerHeartbeatSucceeded with Awaited set")
	}
}

// A state-change error without topologyVersion (an older server, or a
// fail point) marks the server Unknown; the server will not stream that
// change, so a monitor awaiting its streamed reply must not wait out
// heartbeatFrequencyMS (an hour here) but check again at once.
func TestStateChangeErrorWithoutTopologyVersionChecksAtOnce(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	topo, _ := openTest(t, Options{Seeds: seeds(srv.Addr()), Direct: true, HeartbeatFrequency: longHeartbeat,
		MonitoringMode: MonitorStream})
	waitFor(t, topo, "a standalone", func(td TopologyDescription) bool { return typeOf(td, srv.Addr()) == "Standalone" })
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	for n, awaiting := 1, false; !awaiting; n++ {
		hellos, err := srv.WaitFor(ctx, "hello", n)
		if err != nil {
			t.Fatalf("waiting for an awaitable hello: %v", err)
		}
		_, awaiting = hellos[n-1].Lookup("topologyVersion").Document()
	}
	// The monitor marked its check awaiting before it sent that hello.
	s := topo.Server(NewAddress(srv.Addr()))
	s.HandleError(AppError{Kind: CommandError, Code: 10107, Message: "not primary", MaxWireVersion: 21})
	if typ := typeOf(topo.Description(), srv.Addr()); typ != "Unknown" {
		t.Fatalf("after a state-change error the server is %s, want Unknown", typ)
	}
	waitFor(t, topo, "the server checked again", func(td TopologyDescription) bool { return typeOf(td, srv.Addr()) == "Standalone" })
}

func TestRTTMonitorMeasures(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	topo, _ := openTest(t, Options{Seeds: seeds(srv.Addr()), Direct: true, HeartbeatFrequency: 20 * time.Millisecond,
		MonitoringMode: MonitorStream})
	waitFor(t, topo, "a standalone", func(td TopologyDescription) bool { return typeOf(td, srv.Addr()) == "Standalone" })
	s := topo.Server(NewAddress(srv.Addr()))
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	// Plain hellos (no topologyVersion) after the two handshakes are the
	// RTT monitor's pings on its own connection.
	for {
		var plain, conns int
		seen := map[int64]bool{}
		for _, h := range srv.CommandsNamed("hello") {
			if _, ok := h.Lookup("topologyVersion").Document(); !ok && h.OpCode == wire.OpMsg && h.Name == "hello" {
				plain++
			}
			seen[h.ConnID] = true
		}
		conns = len(seen)
		if plain >= 3 && conns >= 2 {
			break
		}
		if _, err := srv.WaitFor(ctx, "hello", len(srv.CommandsNamed("hello"))+1); err != nil {
			t.Fatalf("waiting for RTT pings: %d plain hellos on %d connections: %v", plain, conns, err)
		}
	}
	avg, minRTT, p90 := s.RTT()
	if avg <= 0 || minRTT <= 0 || p90 < minRTT {
		t.Errorf("RTT avg %v min %v p90 %v: want positive, p90 >= min", avg, minRTT, p90)
	}
}

func TestPollingMode(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	topo, _ := openTest(t, Options{Seeds: seeds(srv.Addr()), Direct: true, HeartbeatFrequency: 20 * time.Millisecond,
		MonitoringMode: MonitorPoll})
	waitFor(t, topo, "a standalone", func(td TopologyDescription) bool { return typeOf(td, srv.Addr()) == "Standalone" })
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	hellos, err := srv.WaitFor(ctx, "hello", 4)
	if err != nil {
		t.Fatal(err)
	}
	conns := map[int64]bool{}
	for _, h := range hellos {
		if _, ok := h.Lookup("maxAwaitTimeMS").AsInt64(); ok {
			t.Errorf("polling monitor sent an awaitable hello: %v", h.Command)
		}
		conns[h.ConnID] = true
	}
	if len(conns) != 1 {
		t.Errorf("hellos came on %d connections, want 1: polling starts no RTT monitor", len(conns))
	}
	if sd, _ := topo.Description().Server(NewAddress(srv.Addr())); sd.RTT <= 0 {
		t.Errorf("RTT = %v, want > 0 from the polling hellos", sd.RTT)
	}
}

// The monitor's own socket bound expiring is a network timeout (the pool
// is cleared with interruptInUseConnections); a check cancelled from
// outside stays the context's doing.
func TestMonitorOwnTimeout(t *testing.T) {
	fresh := func() *pool.ConnError {
		return &pool.ConnError{Addr: "a:1", Stage: pool.StageRead, Sent: true, ContextDone: true, Err: context.DeadlineExceeded}
	}
	expired, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	if err := ownTimeout(context.Background(), expired, fresh()); !isTimeout(err) {
		t.Errorf("the monitor's expired bound: isTimeout false for %v", err)
	}
	outer, stop := context.WithCancel(context.Background())
	stop()
	if err := ownTimeout(outer, expired, fresh()); isTimeout(err) || isNetworkError(err) {
		t.Errorf("a cancelled check became a network error: %v", err)
	}
	open, cancelOpen := context.WithTimeout(context.Background(), time.Hour)
	defer cancelOpen()
	if err := ownTimeout(context.Background(), open, fresh()); isNetworkError(err) {
		t.Errorf("an error before the bound became a network error: %v", err)
	}
}
