package topology

import (
	"context"
	"errors"
	"net"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/connstring"
	"github.com/torque-go/torque/internal/mockserver"
	"github.com/torque-go/torque/pool"
	"github.com/torque-go/torque/srv"
)

func TestOpenRejectsInvalidOptions(t *testing.T) {
	for _, opts := range []Options{
		{},
		{Seeds: seeds("a", "b"), Direct: true},
		{Seeds: seeds("a"), LoadBalanced: true, SetName: "rs0"},
		// SRV polling without a mongodb+srv string: the poller refuses
		// it, and Open must neither hang nor leave a monitor behind.
		{Seeds: seeds("a"), SRV: &SRVPolling{}},
	} {
		if topo, err := Open(opts); err == nil {
			topo.Close(context.Background())
			t.Errorf("Open(%+v) succeeded", opts)
		}
	}
	checkNoGoroutines(t)
}

func TestLoadBalancedNeedsNoMonitor(t *testing.T) {
	lb := mockserver.New(t, mockserver.Options{Hello: mockserver.Hello{Role: mockserver.LoadBalanced}})
	opts := Options{Seeds: seeds(lb.Addr()), LoadBalanced: true}
	opts.Pool.Conn.LoadBalanced = true
	var mu sync.Mutex
	var cleared []pool.Event
	opts.Pool.Monitor = func(e pool.Event) {
		if e.Type == pool.PoolCleared {
			mu.Lock()
			cleared = append(cleared, e)
			mu.Unlock()
		}
	}
	topo, rec := openTest(t, opts)

	td := topo.Description()
	if sd, _ := td.Server(NewAddress(lb.Addr())); td.Type != LoadBalanced || sd.Type != LoadBalancer {
		t.Fatalf("topology %s, server %s: want LoadBalanced with a LoadBalancer at once", td.Type, sd.Type)
	}
	s, err := topo.SelectServer(context.Background(), Criteria{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Release()
	c, err := s.Checkout(context.Background())
	if err != nil {
		t.Fatalf("Checkout: %v", err)
	}
	sid := c.Description().ServiceID
	if sid == nil {
		t.Fatal("no serviceId on a load-balanced connection")
	}
	// A network error clears only that service's connections; the server
	// stays a LoadBalancer.
	reset := &pool.ConnError{Addr: lb.Addr(), Generation: c.Generation(), Stage: pool.StageRead, Sent: true,
		Err: &net.OpError{Op: "read", Err: errors.New("connection reset")}}
	e := ToAppError(c, reset)
	if e.ServiceID == nil || *e.ServiceID != *sid || e.Kind != NetworkError {
		t.Errorf("ConnError = kind %d serviceId %v, want a network error of service %v", e.Kind, e.ServiceID, sid)
	}
	_ = s.CheckIn(c)
	s.HandleError(e)
	if sd := s.Description(); sd.Type != LoadBalancer {
		t.Errorf("after a network error the load balancer is %s", sd.Type)
	}
	mu.Lock()
	if len(cleared) != 1 || cleared[0].ServiceID == nil || *cleared[0].ServiceID != *sid {
		t.Errorf("PoolCleared events %+v, want one for service %v", cleared, sid)
	}
	mu.Unlock()
	if hellos := lb.CommandsNamed("hello"); len(hellos) != 1 {
		t.Errorf("%d hellos reached the load balancer, want only the pool's handshake", len(hellos))
	}
	var types []string
	for _, ev := range rec.events() {
		if sc, ok := ev.(ServerDescriptionChanged); ok {
			types = append(types, sc.Previous.Type.String()+"->"+sc.New.Type.String())
		}
	}
	if !slices.Equal(types, []string{"Unknown->LoadBalancer"}) {
		t.Errorf("server changes %v, want [Unknown->LoadBalancer]", types)
	}
}

func TestCloseEvents(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	topo, rec := openTest(t, Options{Seeds: seeds(srv.Addr())})
	waitFor(t, topo, "a standalone", func(td TopologyDescription) bool { return td.Type == Single })
	closeTopology(t, topo)
	evs := rec.events()
	if _, ok := evs[0].(TopologyOpening); !ok {
		t.Errorf("first event %T, want TopologyOpening", evs[0])
	}
	last := evs[len(evs)-3:]
	if sc, ok := last[0].(ServerClosed); !ok || sc.Addr != NewAddress(srv.Addr()) {
		t.Errorf("closing events %#v, want ServerClosed first", last)
	}
	if tdc, ok := last[1].(TopologyDescriptionChanged); !ok || len(tdc.New.Servers) != 0 || tdc.New.Type != TopologyUnknown {
		t.Errorf("closing events %#v, want a change to an empty Unknown topology", last)
	}
	if _, ok := last[2].(TopologyClosed); !ok {
		t.Errorf("last event %T, want TopologyClosed", last[2])
	}
	for _, e := range evs {
		if sc, ok := e.(TopologyClosed); ok && sc.TopologyID != topo.ID() {
			t.Errorf("event of topology %v, want %v", sc.TopologyID, topo.ID())
		}
	}
}

// fakeDNS answers SRV look-ups from a list the test changes.
type fakeDNS struct {
	mu      sync.Mutex
	targets []string // "host:port"
}

func (f *fakeDNS) set(targets ...string) {
	f.mu.Lock()
	f.targets = targets
	f.mu.Unlock()
}

func (f *fakeDNS) LookupSRV(_ context.Context, _, _, _ string) (string, []*net.SRV, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var recs []*net.SRV
	for _, tg := range f.targets {
		host, port, _ := net.SplitHostPort(tg)
		p, _ := strconv.Atoi(port)
		recs = append(recs, &net.SRV{Target: host + ".", Port: uint16(p)})
	}
	return "", recs, nil
}

func (f *fakeDNS) LookupTXT(context.Context, string) ([]string, error) { return nil, nil }

func TestSRVPollingFollowsMongoses(t *testing.T) {
	a := mockserver.New(t, mockserver.Options{Hello: mockserver.Hello{Role: mockserver.Mongos}})
	b := mockserver.New(t, mockserver.Options{Hello: mockserver.Hello{Role: mockserver.Mongos}})
	dns := &fakeDNS{}
	dns.set(a.Addr())
	cfg := srv.Config{Resolver: dns, VerifyHost: func(string) (bool, error) { return true, nil }}
	cs, err := connstring.Parse("mongodb+srv://cluster.example.com/?tls=false")
	if err != nil {
		t.Fatal(err)
	}
	res, err := srv.Resolve(context.Background(), cfg, cs)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := FromSRV(res, cfg)
	if err != nil {
		t.Fatal(err)
	}
	opts.SRV.Interval = 20 * time.Millisecond
	opts.HeartbeatFrequency = longHeartbeat
	topo, _ := openTest(t, opts)
	waitFor(t, topo, "the first mongos", func(td TopologyDescription) bool {
		return td.Type == Sharded && typeOf(td, a.Addr()) == "Mongos"
	})

	dns.set(a.Addr(), b.Addr())
	waitFor(t, topo, "the second mongos", func(td TopologyDescription) bool {
		return typeOf(td, b.Addr()) == "Mongos" && typeOf(td, a.Addr()) == "Mongos"
	})
	dns.set(b.Addr())
	td := waitFor(t, topo, "the first mongos gone", func(td TopologyDescription) bool {
		return typeOf(td, a.Addr()) == "absent"
	})
	if len(td.Servers) != 1 || typeOf(td, b.Addr()) != "Mongos" {
		t.Errorf("after the rescan: %s", describeTopology(td))
	}
}

func TestApplySeedList(t *testing.T) {
	td, err := New(Config{Seeds: seeds("a", "b")})
	if err != nil {
		t.Fatal(err)
	}
	h := Hello{OK: true, Msg: "isdbgrid", MaxWireVersion: 21}
	td = Apply(td, NewServerDescription("a:27017", &h, time.Millisecond, 0, time.Now()))
	if td.Type != Sharded {
		t.Fatalf("type %s, want Sharded", td.Type)
	}
	next := ApplySeedList(td, seeds("a", "c"))
	if typeOf(next, "a") != "Mongos" || typeOf(next, "b") != "absent" || typeOf(next, "c") != "Unknown" {
		t.Errorf("after the rescan: %s; want a kept as it was, b gone, c new", describeTopology(next))
	}
	if typeOf(td, "b") != "Unknown" {
		t.Error("ApplySeedList changed its argument")
	}
	if got := ApplySeedList(next, nil); !got.Equal(next) {
		t.Error("an empty rescan changed the topology")
	}
	rs, _ := New(Config{Seeds: seeds("a"), SetName: "rs0"})
	if got := ApplySeedList(rs, seeds("z")); !got.Equal(rs) {
		t.Error("a replica set followed an SRV rescan")
	}
}

func TestFromConnString(t *testing.T) {
	cs, err := connstring.Parse("mongodb://u:pw@Db1:27018,db2/app?replicaSet=rs0&heartbeatFrequencyMS=1500" +
		"&localThresholdMS=0&serverSelectionTimeoutMS=2500&serverMonitoringMode=poll&maxPoolSize=0" +
		"&minPoolSize=2&connectTimeoutMS=0&appname=tool&compressors=zstd&authSource=admin")
	if err != nil {
		t.Fatal(err)
	}
	o, err := FromConnString(cs)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(o.Seeds, seeds("db1:27018", "db2:27017")) || o.SetName != "rs0" || o.Direct || o.LoadBalanced {
		t.Errorf("topology settings %+v", o)
	}
	if o.HeartbeatFrequency != 1500*time.Millisecond || o.LocalThreshold >= 0 ||
		o.ServerSelectionTimeout != 2500*time.Millisecond || o.MonitoringMode != MonitorPoll {
		t.Errorf("timing settings: heartbeat %v, threshold %v, selection %v, mode %v",
			o.HeartbeatFrequency, o.LocalThreshold, o.ServerSelectionTimeout, o.MonitoringMode)
	}
	p := o.Pool
	if p.MaxPoolSize != -1 || p.MinPoolSize != 2 || p.Conn.ConnectTimeout >= 0 || p.Conn.AppName != "tool" ||
		!slices.Equal(p.Conn.Compressors, []string{"zstd"}) {
		t.Errorf("pool settings %+v", p)
	}
	if c := p.Conn.Credential; c == nil || c.Username != "u" || c.Password != "pw" || c.Source != "admin" {
		t.Errorf("credential %v", c)
	}
	if _, err := FromConnString(&connstring.ConnString{Scheme: connstring.SchemeSRV,
		Hosts: []connstring.Host{{Name: "x.example.com"}}}); err == nil {
		t.Error("FromConnString accepted an unresolved mongodb+srv string")
	}
}

func TestFaaSDetection(t *testing.T) {
	env := map[string]string{}
	get := func(k string) string { return env[k] }
	if faasFromEnv(get) {
		t.Error("FaaS detected in an empty environment")
	}
	env["AWS_EXECUTION_ENV"] = "AWS_ECS_FARGATE"
	if faasFromEnv(get) {
		t.Error("ECS taken for Lambda")
	}
	env["AWS_EXECUTION_ENV"] = "AWS_Lambda_go1.x"
	if !faasFromEnv(get) {
		t.Error("Lambda not detected")
	}
	o := Options{FaaS: true}
	if o.streaming() {
		t.Error("auto mode streams on FaaS")
	}
	o.MonitoringMode = MonitorStream
	if !o.streaming() {
		t.Error("stream mode does not stream")
	}
}

func TestHelloCommand(t *testing.T) {
	tv := &TopologyVersion{ProcessID: bson.NewObjectID(), Counter: 4}
	cmd, err := appendHelloCommand(nil, false, tv, 10*time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	doc := bson.Raw(cmd)
	if err := doc.Validate(); err != nil {
		t.Fatal(err)
	}
	if _, ok := doc.Lookup("isMaster").Int32(); !ok {
		t.Errorf("without helloOk the command must be legacy isMaster: %v", doc)
	}
	if n, _ := doc.Lookup("maxAwaitTimeMS").Int64(); n != 10000 {
		t.Errorf("maxAwaitTimeMS %d", n)
	}
	if c, _ := doc.Lookup("topologyVersion", "counter").Int64(); c != 4 {
		t.Errorf("topologyVersion.counter %d", c)
	}
	if db, _ := doc.Lookup("$db").StringValue(); db != "admin" {
		t.Errorf("$db %q", db)
	}
}

// A PossiblePrimary is a placeholder that was never checked: it has no
// wire versions and must not make the topology incompatible.
func TestPossiblePrimaryIsNotIncompatible(t *testing.T) {
	td, _ := New(Config{Seeds: seeds("a"), SetName: "rs0"})
	h := Hello{OK: true, Secondary: true, SetName: "rs0", Hosts: []string{"a:27017", "b:27017"},
		Primary: "b:27017", MaxWireVersion: 21}
	td = Apply(td, NewServerDescription("a:27017", &h, time.Millisecond, 0, time.Now()))
	if typeOf(td, "b") != "PossiblePrimary" {
		t.Fatalf("b is %s, want PossiblePrimary", typeOf(td, "b"))
	}
	if td.CompatibilityErr != nil {
		t.Errorf("CompatibilityErr = %v", td.CompatibilityErr)
	}
}

// Close closes every socket: the monitor's, the RTT monitor's and the
// pool's.
func TestCloseClosesEverySocket(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	topo, err := Open(Options{Seeds: seeds(srv.Addr()), HeartbeatFrequency: 20 * time.Millisecond,
		MonitoringMode: MonitorStream})
	if err != nil {
		t.Fatal(err)
	}
	s, err := topo.SelectServer(context.Background(), Criteria{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Checkout(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CheckIn(c); err != nil {
		t.Fatal(err)
	}
	s.Release()
	eventually(t, "monitor, RTT monitor and pooled connection open", func() bool { return srv.OpenConnections() >= 3 })
	closeTopology(t, topo)
	eventually(t, "every connection closed", func() bool { return srv.OpenConnections() == 0 })
}
