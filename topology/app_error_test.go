package topology

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/auth"
	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/mockserver"
	"github.com/torque-go/torque/pool"
)

// selectStandalone opens a topology on one mock standalone and returns
// the selected server once it is known.
func selectStandalone(t *testing.T, srv *mockserver.Server, heartbeat time.Duration, mode MonitoringMode) (*Topology, *recorder, *Server) {
	t.Helper()
	topo, rec := openTest(t, Options{Seeds: seeds(srv.Addr()), HeartbeatFrequency: heartbeat, MonitoringMode: mode})
	s, err := topo.SelectServer(context.Background(), Criteria{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Release)
	return topo, rec, s.(*Server)
}

func ping(ctx context.Context, c *pool.Conn) error {
	cmd := mockserver.Doc(bson.KV("ping", 1), bson.KV("$db", "admin"))
	_, err := c.Command(ctx, "admin", cmd)
	return err
}

// awaitableHelloConns returns the ids of the connections on which srv got
// an awaitable hello (one with a topologyVersion).
func awaitableHelloConns(srv *mockserver.Server) map[int64]bool {
	conns := map[int64]bool{}
	for _, h := range srv.CommandsNamed("hello") {
		if _, ok := h.Lookup("topologyVersion").Document(); ok {
			conns[h.ConnID] = true
		}
	}
	return conns
}

func TestNetworkErrorMarksUnknownAndClearsPool(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	topo, rec, s := selectStandalone(t, srv, longHeartbeat, MonitorAuto)
	c, err := s.Checkout(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// The monitor streams before the error comes: otherwise there would be
	// no check in progress to cancel and only one streaming connection.
	eventually(t, "the monitor's first awaitable hello", func() bool { return len(awaitableHelloConns(srv)) >= 1 })
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"ping"}, Times: 1, Action: mockserver.CloseAfterRead})
	err = ping(context.Background(), c)
	if err == nil {
		t.Fatal("ping on a connection the server closed succeeded")
	}
	gen := s.Pool().Generation()
	e := ToAppError(c, err)
	if e.Kind != NetworkError || e.Phase != AfterHandshake || e.Generation != c.Generation() {
		t.Errorf("ConnError = kind %d phase %d generation %d, want a network error after the handshake, generation %d",
			e.Kind, e.Phase, e.Generation, c.Generation())
	}
	s.HandleError(e)
	// Synchronously: marked Unknown, pool cleared.
	if sd := s.Description(); sd.Type != ServerUnknown || sd.Err == nil {
		t.Errorf("after a network error the server is %s (err %v), want Unknown with the error", sd.Type, sd.Err)
	}
	if got := s.Pool().Generation(); got != gen+1 {
		t.Errorf("pool generation %d, want %d: the pool must be cleared", got, gen+1)
	}
	_ = s.CheckIn(c)
	// The same error again is stale (older generation): nothing changes.
	before := len(rec.events())
	s.HandleError(e)
	if got := s.Pool().Generation(); got != gen+1 {
		t.Errorf("a stale error cleared the pool again (generation %d)", got)
	}
	for _, ev := range rec.events()[before:] {
		if _, ok := ev.(ServerDescriptionChanged); ok {
			t.Errorf("a stale error changed the description: %+v", ev)
		}
	}
	// The monitor's check (an awaitable hello) was cancelled and its
	// connection closed; it waits for a request, which selection makes,
	// and streams again on a new connection.
	reselect(t, topo)
	eventually(t, "awaitable hellos on two connections", func() bool { return len(awaitableHelloConns(srv)) >= 2 })
	changed := false
	for _, ev := range rec.events() {
		if sc, ok := ev.(ServerDescriptionChanged); ok && sc.New.Type == ServerUnknown && sc.Previous.Type == Standalone {
			changed = true
		}
	}
	if !changed {
		t.Error("no ServerDescriptionChanged event Standalone -> Unknown")
	}
}

func TestStateChangeErrorRequestsCheck(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	// Polling: a streaming monitor would be inside a check (an awaitable
	// hello), which ignores requests; the server streams its change.
	topo, _, s := selectStandalone(t, srv, longHeartbeat, MonitorPoll)
	tv := s.Description().TopologyVersion
	if tv == nil {
		t.Fatal("the mock server's hello has no topologyVersion")
	}
	gen := s.Pool().Generation()
	hellos := len(srv.CommandsNamed("hello"))

	// An error as old as the description changes nothing.
	s.HandleError(AppError{Kind: CommandError, Code: 10107, Message: "not primary", TopologyVersion: tv,
		MaxWireVersion: 21, Generation: gen})
	if typ := s.Description().Type; typ != Standalone {
		t.Fatalf("a stale state-change error made the server %s", typ)
	}

	// The server changes (its counter goes up) and an operation hears of
	// it first, from an error carrying the new topologyVersion.
	srv.Update(func(h *mockserver.Hello) { h.LogicalSessionTimeoutMinutes = 9 })
	pid, counter := srv.TopologyVersion()
	newer := &TopologyVersion{ProcessID: pid, Counter: counter}
	if *newer == *tv {
		t.Fatal("the mock server's topologyVersion did not change")
	}
	s.HandleError(AppError{Kind: CommandError, Code: 10107, Message: "not primary", TopologyVersion: newer,
		MaxWireVersion: 21, Generation: gen})
	sd := s.Description()
	if sd.Type != ServerUnknown || sd.TopologyVersion == nil || *sd.TopologyVersion != *newer {
		t.Errorf("after NotWritablePrimary: %s with topologyVersion %v, want Unknown with %v", sd.Type, sd.TopologyVersion, newer)
	}
	if got := s.Pool().Generation(); got != gen {
		t.Errorf("pool cleared (generation %d) for a not-writable-primary error of a 4.2+ server", got)
	}
	// An immediate check follows: a new hello reaches the server (the
	// heartbeat is an hour) and the server is known again.
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if _, err := srv.WaitFor(ctx, "hello", hellos+1); err != nil {
		t.Fatalf("no check after a state-change error: %v", err)
	}
	waitFor(t, topo, "the standalone back, changed", func(td TopologyDescription) bool {
		return typeOf(td, srv.Addr()) == "Standalone" && *td.LogicalSessionTimeoutMinutes == 9
	})

	// A shutdown error clears the pool.
	tv = s.Description().TopologyVersion
	s.HandleError(AppError{Kind: CommandError, Code: 91, Message: "shutting down", MaxWireVersion: 21,
		Generation: gen, TopologyVersion: &TopologyVersion{ProcessID: tv.ProcessID, Counter: tv.Counter + 5}})
	if got := s.Pool().Generation(); got != gen+1 {
		t.Errorf("pool generation %d after a shutdown error, want %d", got, gen+1)
	}
}

func TestAuthErrorDuringCheckout(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	srv.Handle("saslStart", func(*mockserver.Request) mockserver.Reply {
		return mockserver.Error(18, "AuthenticationFailed", "Authentication failed.")
	})
	opts := Options{Seeds: seeds(srv.Addr()), HeartbeatFrequency: longHeartbeat}
	opts.Pool.Conn.Credential = &auth.Credential{Mechanism: auth.MechanismSCRAMSHA256, Source: "admin",
		Username: "u", Password: "secret-password", PasswordSet: true}
	topo, rec := openTest(t, opts)
	sel, err := topo.SelectServer(context.Background(), Criteria{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sel.Release()
	s := sel.(*Server)
	gen := s.Pool().Generation()
	before := len(rec.events())
	_, err = s.Checkout(context.Background())
	if !errors.Is(err, pool.ErrConnectionFailed) {
		t.Fatalf("Checkout with a refused credential: %v", err)
	}
	if strings.Contains(err.Error(), "secret-password") {
		t.Error("the error shows the password")
	}
	// The server was marked Unknown. Its description itself may already
	// be Standalone again: the clear asks the monitor for a check, which
	// the mock answers at once. The event is what cannot be missed.
	unknown := false
	for _, ev := range rec.events()[before:] {
		if sc, ok := ev.(ServerDescriptionChanged); ok && sc.New.Type == ServerUnknown && sc.Previous.Type == Standalone {
			unknown = true
		}
	}
	if !unknown {
		t.Error("after an authentication error no ServerDescriptionChanged Standalone -> Unknown")
	}
	if got := s.Pool().Generation(); got != gen+1 {
		t.Errorf("pool generation %d, want %d after an authentication error", got, gen+1)
	}
	// Monitors never authenticate: the monitor still finds the server.
	reselect(t, topo)
	for _, r := range srv.CommandsNamed("hello") {
		if _, ok := r.Lookup("saslSupportedMechs").StringValue(); ok && r.ConnID == firstMonitorConn(srv) {
			t.Errorf("the monitor's handshake asked for saslSupportedMechs: %v", r.Command)
		}
	}
}

// firstMonitorConn is the connection id of the server's first request:
// the monitor's handshake, which always comes first.
func firstMonitorConn(srv *mockserver.Server) int64 {
	reqs := srv.Requests()
	if len(reqs) == 0 {
		return -1
	}
	return reqs[0].ConnID
}

// reselect selects a server for writes, which requests immediate checks
// while none is known, and releases it.
func reselect(t *testing.T, topo *Topology) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	s, err := topo.SelectServer(ctx, Criteria{Write: true})
	if err != nil {
		t.Fatalf("selection after the error: %v", err)
	}
	s.Release()
}

// A connection whose authentication is cut off by the checkout's own
// deadline is closed, and that is all: the server stays known and its pool
// is not cleared (issue 13, item 2b).
func TestCheckoutDeadlineDuringAuthChangesNothing(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"saslStart"}, Action: mockserver.Hang})
	opts := Options{Seeds: seeds(srv.Addr()), HeartbeatFrequency: longHeartbeat}
	opts.Pool.Conn.Credential = &auth.Credential{Mechanism: auth.MechanismSCRAMSHA256, Source: "admin",
		Username: "u", Password: "p", PasswordSet: true}
	topo, _ := openTest(t, opts)
	sel, err := topo.SelectServer(context.Background(), Criteria{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sel.Release()
	s := sel.(*Server)
	gen := s.Pool().Generation()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = s.Checkout(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Checkout = %v, want the context's deadline", err)
	}
	if typ := s.Description().Type; typ == ServerUnknown {
		t.Error("the checkout's own deadline marked the server Unknown")
	}
	if got := s.Pool().Generation(); got != gen {
		t.Errorf("pool generation %d, want %d: the checkout's own deadline cleared the pool", got, gen)
	}
}
