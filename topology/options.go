package topology

import (
	"errors"
	"time"

	"github.com/torque-go/torque/connstring"
	"github.com/torque-go/torque/pool"
	"github.com/torque-go/torque/srv"
)

// Defaults of the running topology.
const (
	// DefaultServerSelectionTimeout is serverSelectionTimeoutMS's default.
	DefaultServerSelectionTimeout = 30 * time.Second
	// MinHeartbeatFrequency is the least time between two checks of one
	// server (minHeartbeatFrequencyMS): not configurable, by the spec.
	MinHeartbeatFrequency = 500 * time.Millisecond
)

// MonitoringMode is serverMonitoringMode: how monitors learn of changes.
type MonitoringMode uint8

const (
	// MonitorAuto streams, except on a FaaS platform (Options.FaaS), where
	// it polls. The default.
	MonitorAuto MonitoringMode = iota
	// MonitorStream uses the streaming protocol (awaitable hello with
	// exhaust, plus a separate RTT monitor) with servers that support it
	// (MongoDB 4.4+), polling otherwise.
	MonitorStream
	// MonitorPoll runs a hello every heartbeat interval.
	MonitorPoll
)

// String returns the URI spelling: "auto", "stream" or "poll".
func (m MonitoringMode) String() string {
	switch m {
	case MonitorStream:
		return "stream"
	case MonitorPoll:
		return "poll"
	}
	return "auto"
}

// Options configure a running Topology (see Open). Their zero values mean
// the defaults, so a struct literal with Seeds is enough. FromConnString
// fills them from a connection string.
type Options struct {
	// Seeds, SetName, Direct and LoadBalanced are the initial topology
	// (see Config): the hosts, replicaSet, directConnection, loadBalanced.
	Seeds        []Address
	SetName      string
	Direct       bool
	LoadBalanced bool

	// HeartbeatFrequency is the interval between checks of a server
	// (heartbeatFrequencyMS); zero means 10s. The URI refuses values under
	// 500ms; a struct literal may give less, which tests use.
	HeartbeatFrequency time.Duration
	// LocalThreshold is the latency window (localThresholdMS); zero means
	// 15ms, negative a window of width zero.
	LocalThreshold time.Duration
	// ServerSelectionTimeout bounds SelectServer (serverSelectionTimeoutMS);
	// zero means 30s, negative means one attempt without waiting.
	ServerSelectionTimeout time.Duration
	// MonitoringMode is serverMonitoringMode; FaaS says the process runs
	// on a FaaS platform (see DetectFaaS), which MonitorAuto consults.
	MonitoringMode MonitoringMode
	FaaS           bool

	// Pool configures every server's connection pool. Its Conn settings
	// (dialer, TLS, connect timeout, app name, compressors, Stable API,
	// load balancing) serve the monitors' connections too, which never
	// authenticate: Conn.Credential is dropped for them, and they always
	// dial with pool.Dial (Pool.Connect serves the pools only). The
	// topology sets Pool.EstablishError itself.
	Pool pool.Config

	// SRV, when set, rescans the SRV records of a mongodb+srv string while
	// the topology is Sharded or Unknown and follows their host list.
	SRV *SRVPolling

	// Listener receives the SDAM events; nil means none.
	Listener Listener
}

// SRVPolling configures the rescans of a mongodb+srv string (Polling SRV
// Records for mongos Discovery).
type SRVPolling struct {
	// DNS is the resolver and host check, as for srv.Resolve.
	DNS srv.Config
	// ConnString is the mongodb+srv string: its SRV name, srvServiceName
	// and srvMaxHosts.
	ConnString *connstring.ConnString
	// Interval is the least time between rescans (rescanSRVIntervalMS);
	// zero means 60s, or the records' TTL when larger.
	Interval time.Duration
}

func (o *Options) heartbeat() time.Duration {
	if o.HeartbeatFrequency <= 0 {
		return DefaultHeartbeatFrequency
	}
	return o.HeartbeatFrequency
}

func (o *Options) selectionTimeout() time.Duration {
	switch {
	case o.ServerSelectionTimeout == 0:
		return DefaultServerSelectionTimeout
	case o.ServerSelectionTimeout < 0:
		return 0
	}
	return o.ServerSelectionTimeout
}

// streaming reports whether monitors may use the streaming protocol.
func (o *Options) streaming() bool {
	switch o.MonitoringMode {
	case MonitorStream:
		return true
	case MonitorPoll:
		return false
	}
	return !o.FaaS
}

// description returns the Config of the initial TopologyDescription.
func (o *Options) description() Config {
	return Config{Seeds: o.Seeds, SetName: o.SetName, Direct: o.Direct, LoadBalanced: o.LoadBalanced}
}

// FromConnString returns the Options a mongodb:// connection string asks
// for: hosts, replicaSet, directConnection, loadBalanced,
// heartbeatFrequencyMS, localThresholdMS, serverSelectionTimeoutMS,
// serverMonitoringMode, and the pool, connection, TLS, compression and
// authentication settings of Pool (see PoolConfig). It calls DetectFaaS,
// which reads the environment.
//
// A mongodb+srv string must be resolved first: pass srv.Resolve's result
// to FromSRV instead.
func FromConnString(cs *connstring.ConnString) (Options, error) {
	if cs.IsSRV() {
		return Options{}, errors.New("topology: a mongodb+srv connection string must be resolved first: use srv.Resolve and FromSRV")
	}
	if err := cs.Validate(); err != nil {
		return Options{}, err
	}
	var o Options
	for _, h := range cs.Hosts {
		o.Seeds = append(o.Seeds, NewAddress(h.Addr()))
	}
	o.SetName = cs.ReplicaSet
	o.Direct = cs.DirectConnection != nil && *cs.DirectConnection
	o.LoadBalanced = cs.LoadBalanced != nil && *cs.LoadBalanced
	o.HeartbeatFrequency = cs.HeartbeatFrequency
	if cs.LocalThreshold != nil {
		o.LocalThreshold = *cs.LocalThreshold
		if o.LocalThreshold == 0 {
			o.LocalThreshold = -1 // localThresholdMS=0: a window of width zero
		}
	}
	if cs.ServerSelectionTimeout != nil {
		o.ServerSelectionTimeout = *cs.ServerSelectionTimeout
		if o.ServerSelectionTimeout == 0 {
			o.ServerSelectionTimeout = -1 // 0: do not wait
		}
	}
	switch cs.ServerMonitoringMode {
	case "stream":
		o.MonitoringMode = MonitorStream
	case "poll":
		o.MonitoringMode = MonitorPoll
	}
	o.FaaS = DetectFaaS()
	pc, err := PoolConfig(cs)
	if err != nil {
		return Options{}, err
	}
	o.Pool = pc
	return o, nil
}

// FromSRV returns the Options of a resolved mongodb+srv string: its seeds
// and merged options (see FromConnString), plus SRV polling with dns as the
// resolver, unless the string is loadBalanced (load balancers are never
// polled).
func FromSRV(res *srv.Result, dns srv.Config) (Options, error) {
	if res == nil || res.ConnString == nil {
		return Options{}, errors.New("topology: FromSRV needs the result of srv.Resolve")
	}
	plain := *res.ConnString
	plain.Scheme = connstring.SchemeMongoDB
	plain.Hosts = nil
	plain.SRVMaxHosts, plain.SRVServiceName = nil, "" // options of mongodb+srv only
	for _, s := range res.Seeds {
		a := NewAddress(s)
		host, port, err := a.HostPort()
		if err != nil {
			return Options{}, errors.New("topology: SRV seed " + s + ": " + err.Error())
		}
		plain.Hosts = append(plain.Hosts, connstring.Host{Name: host, Port: atoiOr(port, DefaultPort)})
	}
	o, err := FromConnString(&plain)
	if err != nil {
		return Options{}, err
	}
	if !o.LoadBalanced {
		o.SRV = &SRVPolling{DNS: dns, ConnString: res.ConnString}
	}
	return o, nil
}
