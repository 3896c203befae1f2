package topology

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/internal/mockserver"
)

func TestSelectServerWaitsForPrimary(t *testing.T) {
	rs := mockserver.NewReplicaSet(t, mockserver.ReplicaSetOptions{Members: 3})
	rs.StepDown()
	hosts := rs.Hosts()
	topo, _ := openTest(t, Options{Seeds: seeds(hosts...), SetName: "rs0", HeartbeatFrequency: longHeartbeat})

	type result struct {
		s   SelectedServer
		err error
	}
	done := make(chan result, 1)
	go func() {
		s, err := topo.SelectServer(context.Background(), Criteria{Write: true})
		done <- result{s, err}
	}()
	waitFor(t, topo, "three secondaries", func(td TopologyDescription) bool {
		return hasTypes(td, map[string]ServerType{hosts[0]: RSSecondary, hosts[1]: RSSecondary, hosts[2]: RSSecondary})
	})
	select {
	case r := <-done:
		t.Fatalf("selection for writes returned before there was a primary: %v, %v", r.s, r.err)
	default:
	}
	if err := rs.Elect(1); err != nil {
		t.Fatal(err)
	}
	var r result
	select {
	case r = <-done:
	case <-time.After(waitTimeout):
		t.Fatal("selection did not return after the election")
	}
	if r.err != nil {
		t.Fatalf("SelectServer: %v", r.err)
	}
	s := r.s.(*Server)
	if s.Addr() != NewAddress(hosts[1]) || s.Description().Type != RSPrimary {
		t.Errorf("selected %s (%s), want the new primary %s", s.Addr(), s.Description().Type, hosts[1])
	}
	if s.InFlight() != 1 {
		t.Errorf("in flight = %d after selection, want 1", s.InFlight())
	}
	s.Release()
	if s.InFlight() != 0 {
		t.Errorf("in flight = %d after Release, want 0", s.InFlight())
	}

	// The selected server's pool is ready: a connection is one checkout away.
	c, err := s.Checkout(context.Background())
	if err != nil {
		t.Fatalf("Checkout: %v", err)
	}
	if err := s.CheckIn(c); err != nil {
		t.Error(err)
	}
}

// deadAddr returns a loopback address where nothing listens.
func deadAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestSelectServerTimeoutSaysWhy(t *testing.T) {
	rs := mockserver.NewReplicaSet(t, mockserver.ReplicaSetOptions{Members: 2})
	rs.StepDown()
	hosts := rs.Hosts()
	dead := deadAddr(t)
	topo, _ := openTest(t, Options{Seeds: seeds(append(hosts, dead)...), SetName: "rs0",
		HeartbeatFrequency: 50 * time.Millisecond, ServerSelectionTimeout: 300 * time.Millisecond})
	waitFor(t, topo, "secondaries known, the dead seed failed", func(td TopologyDescription) bool {
		sd, _ := td.Server(NewAddress(dead))
		return hasTypes(td, map[string]ServerType{hosts[0]: RSSecondary, hosts[1]: RSSecondary}) && sd.Err != nil
	})

	// Waiting hears once that the selection waits, with the time left
	// and the topology (the logging spec's waiting message).
	var waits []time.Duration
	var seen TopologyDescription
	_, err := topo.SelectServer(context.Background(), Criteria{Write: true, Waiting: func(left time.Duration, td TopologyDescription) {
		waits, seen = append(waits, left), td
	}})
	if len(waits) != 1 || waits[0] <= 0 || waits[0] > 300*time.Millisecond || seen.Type != ReplicaSetNoPrimary {
		t.Errorf("Waiting called with %v, %v; want once, with at most 300ms left and the topology", waits, seen.Type)
	}
	var se *SelectionError
	if !errors.As(err, &se) || !errors.Is(err, ErrSelectionTimeout) {
		t.Fatalf("SelectServer error %v (%T), want a *SelectionError with ErrSelectionTimeout", err, err)
	}
	msg := err.Error()
	t.Log(msg)
	for _, want := range []string{"no server for writes", "ReplicaSetNoPrimary(rs0){", hosts[0] + " RSSecondary",
		dead + " Unknown (", "after "} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not contain %q", msg, want)
		}
	}
	if se.Waited < 300*time.Millisecond {
		t.Errorf("gave up after %v, before serverSelectionTimeout", se.Waited)
	}

	// The context's end stops the wait too, with the context's error.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = topo.SelectServer(ctx, Criteria{ReadPref: ReadPref{Mode: Primary}})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "read preference primary") {
		t.Errorf("cancelled selection: %v", err)
	}
}

func TestSelectServerSecondaryRead(t *testing.T) {
	rs := mockserver.NewReplicaSet(t, mockserver.ReplicaSetOptions{Members: 3})
	hosts := rs.Hosts()
	topo, _ := openTest(t, Options{Seeds: seeds(hosts...), SetName: "rs0", HeartbeatFrequency: longHeartbeat})
	seen := map[Address]int{}
	for range 20 {
		s, err := topo.SelectServer(context.Background(), Criteria{ReadPref: ReadPref{Mode: Secondary}})
		if err != nil {
			t.Fatal(err)
		}
		if typ := s.Description().Type; typ != RSSecondary {
			t.Fatalf("secondary read got a %s", typ)
		}
		seen[s.(*Server).Addr()]++
		s.Release()
	}
	if seen[NewAddress(hosts[0])] > 0 {
		t.Errorf("the primary was selected for mode secondary: %v", seen)
	}
}

func TestSelectServerAfterClose(t *testing.T) {
	topo, err := Open(Options{Seeds: seeds(deadAddr(t))})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := topo.SelectServer(context.Background(), Criteria{ReadPref: ReadPref{Mode: Secondary}})
		done <- err
	}()
	closeTopology(t, topo)
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Errorf("waiting selection ended with %v, want ErrClosed", err)
		}
	case <-time.After(waitTimeout):
		t.Fatal("a waiting selection outlived Close")
	}
	if err := topo.Close(context.Background()); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
