package client

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"time"

	"github.com/torque-go/torque/auth"
	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/connstring"
	"github.com/torque-go/torque/internal/driver"
	"github.com/torque-go/torque/pool"
	"github.com/torque-go/torque/session"
	"github.com/torque-go/torque/srv"
	"github.com/torque-go/torque/topology"
)

// ReadPref is a read preference: mode, tag sets, max staleness.
type ReadPref = topology.ReadPref

// ReadConcern is a read concern; the zero value is the server's default.
type ReadConcern = session.ReadConcern

// WriteConcern is a write concern; the zero value is the server's default.
// W is written as in the URI: "majority", "0", "2", a tag set name.
type WriteConcern = session.WriteConcern

// Credential is what authenticates every connection.
type Credential = auth.Credential

// ServerAPI declares a Stable API version (Version "1"; Strict and
// DeprecationErrors optional), sent with every command.
type ServerAPI = pool.ServerAPI

// DriverInfo names a library that wraps torque (Name, Version, Platform):
// the handshake's client metadata then says "torque|Name".
type DriverInfo = pool.DriverInfo

// MonitoringMode is serverMonitoringMode: MonitorAuto (the default:
// streaming, except on a FaaS platform, where it polls), MonitorStream or
// MonitorPoll.
type MonitoringMode = topology.MonitoringMode

// Server monitoring modes.
const (
	MonitorAuto   = topology.MonitorAuto
	MonitorStream = topology.MonitorStream
	MonitorPoll   = topology.MonitorPoll
)

// Read preference modes.
const (
	Primary            = topology.Primary
	PrimaryPreferred   = topology.PrimaryPreferred
	Secondary          = topology.Secondary
	SecondaryPreferred = topology.SecondaryPreferred
	Nearest            = topology.Nearest
)

// Options configure a Client. Every zero value means the default, so a
// struct literal is as good as one from ParseURI; Connect merges the
// Options it is given over those of its URI, field by field (a non-zero
// field wins).
type Options struct {
	// Hosts are the seeds, "host:port" (port 27017 when omitted).
	Hosts []string
	// Auth authenticates every connection; nil means none.
	Auth    *Credential
	AppName string

	// ReplicaSet is the replica set's name; Direct connects to the one
	// host without discovery; LoadBalanced is for a deployment behind a
	// load balancer.
	ReplicaSet   string
	Direct       bool
	LoadBalanced bool

	// TLS turns TLS on when not nil.
	TLS *tls.Config
	// Compressors to offer, by preference: "zstd", "zlib", "snappy".
	// zlib is built in; snappy and zstd are offered only when the program
	// imports github.com/torque-go/torque/compress/snappy or .../zstd.
	// Without it Connect logs a warning through Logger and connects
	// without that compressor (never an error, even with StrictURI).
	Compressors []string
	ZlibLevel   *int

	ReadPreference ReadPref
	ReadConcern    ReadConcern
	WriteConcern   WriteConcern
	// RetryWrites and RetryReads default to true.
	RetryWrites *bool
	RetryReads  *bool

	// Overload retries (the client backpressure spec). Every operation,
	// not only the retryable reads and writes, is retried when the server
	// sheds load with an error labelled SystemOverloadedError and
	// RetryableError (retryReads for reads, retryWrites for writes, both
	// for RunCommand and other commands), after a random wait of up to
	// 100ms, 200ms, 400ms ... (capped at 10s; never past the context's
	// deadline). Code that retries such errors itself may now retry for
	// longer than it means to: see the README.
	//
	// MaxAdaptiveRetries bounds the retries of an operation that met such
	// an error, whatever other rules allow (the URI's maxAdaptiveRetries):
	// nil means the default, 2; a pointer to 0 turns overload retries off.
	MaxAdaptiveRetries *int
	// EnableOverloadRetargeting makes a retry after an overload error
	// select another server when one is suitable (the URI's
	// enableOverloadRetargeting; default false: the same server).
	EnableOverloadRetargeting *bool
	// AdaptiveRetries gives the client a retry token bucket (1000 tokens;
	// each retry after an overload error takes one, each success returns
	// 0.1): in a long overload, retries stop when it is empty. Default
	// off; the specification's phase-one rollout leaves it off, and has
	// no URI option for it.
	AdaptiveRetries bool

	// Timeout is timeoutMS, the client-side operation timeout: the budget
	// of each operation, its retries included (a context deadline still
	// applies: the earlier wins); maxTimeMS is derived from the time left.
	// Databases, collections, sessions and single operations inherit it
	// or override it (timeout.go: CollectionOptions.Timeout,
	// SessionOptions.DefaultTimeout, WithTimeout). Zero is none;
	// negative is the URI's timeoutMS=0: the rules of timeoutMS
	// (retries until success) without a time limit.
	Timeout time.Duration
	// ServerSelectionTimeout bounds the wait for a suitable server
	// (default 30s; negative: one attempt without waiting).
	ServerSelectionTimeout time.Duration
	// ConnectTimeout bounds establishing a connection (default 10s;
	// negative: no bound but the context, the URI's connectTimeoutMS=0).
	ConnectTimeout time.Duration
	// SocketTimeout is socketTimeoutMS (deprecated by timeoutMS, kept for
	// programs that use it): each write of a command, and each read of
	// its reply, must finish within it. Its expiry is a network error
	// (IsNetworkError and IsTimeout hold): the connection is closed, a
	// retryable operation is retried once, the server is not marked
	// Unknown. Operations with a timeoutMS at any level ignore it, as do
	// the handshake (ConnectTimeout bounds it) and the monitors. Zero
	// (the default, and the URI's socketTimeoutMS=0) means none.
	SocketTimeout time.Duration
	// HeartbeatFrequency is the interval between checks of a server
	// (default 10s); ServerMonitoringMode how they are made.
	HeartbeatFrequency   time.Duration
	ServerMonitoringMode MonitoringMode
	// LocalThreshold is the latency window of server selection (default
	// 15ms; negative: a window of width zero, the URI's
	// localThresholdMS=0).
	LocalThreshold time.Duration

	// Pool: MaxPoolSize (default 100; pool.Unlimited for none),
	// MinPoolSize, MaxConnecting (default 2), MaxIdleTime,
	// WaitQueueTimeout.
	MaxPoolSize      int
	MinPoolSize      int
	MaxConnecting    int
	MaxIdleTime      time.Duration
	WaitQueueTimeout time.Duration

	// Monitor receives command started/succeeded/failed events.
	Monitor CommandMonitor
	// SDAMListener receives the topology's events (server and topology
	// description changes, heartbeats); PoolMonitor the connection
	// pools' events.
	SDAMListener topology.Listener
	PoolMonitor  func(pool.Event)
	// Logger receives the log messages of the MongoDB logging spec, each
	// with a "component" attribute (LogCommand, LogTopology,
	// LogServerSelection, LogConnection), most at slog.LevelDebug; nil
	// logs nothing. LogLevels sets the lowest level of each component; a
	// component it does not list logs nothing; nil lets every component
	// through to Logger's handler, whose level decides.
	// LogOptionsFromEnv fills these three from the MONGODB_LOG_*
	// variables, which torque reads only when asked. MaxDocumentLength
	// cuts logged documents (default 1000). A *slog.Logger is a Logger
	// (see Logger for why the field is an interface).
	Logger            Logger
	LogLevels         map[LogComponent]slog.Level
	MaxDocumentLength int

	// DriverInfo names the libraries that wrap torque, in the handshake's
	// client metadata. Connect also sends the env document the handshake
	// spec asks for (FaaS platform, container), read from the process's
	// environment.
	DriverInfo []DriverInfo

	// ServerAPI declares the Stable API version every command is sent
	// with (apiVersion, apiStrict, apiDeprecationErrors), the handshake
	// and getMore included. There is no URI option for it, by the
	// versioned-api spec. RunCommand adds it too: a command document that
	// carries its own apiVersion is not supported then.
	ServerAPI *ServerAPI

	// Warnings lists what ParseURI ignored in the URI: unknown options,
	// options given twice, compressors torque does not know (invalid values
	// are errors). Connect logs each through Logger at slog.LevelWarn.
	Warnings []string
	// StrictURI makes Connect fail when its URI has warnings.
	StrictURI bool

	// Decoder holds the BSON decoding options (its Registry of custom
	// codecs, DefaultDocumentM, UseJSONStructTags, ...) of every Decode,
	// All, TypedCursor, DistinctAs and ChangeStream of the client, but for
	// those of a Database or Collection with its own
	// (CollectionOptions.Decoder).
	Decoder bson.Decoder

	// Encoder holds the BSON encoding options (its Registry of custom
	// codecs, NilSliceAsEmpty, OmitEmpty, ...) of every value of the
	// user's that the client encodes: documents, filters, updates,
	// replacements, pipelines (Watch's too), the options that take any
	// value (Sort, Projection, Hint, Let, Comment, ArrayFilters, Min,
	// Max, index keys and options, CreateCollection's Validator ...),
	// RunCommand's command, the models of both BulkWrites, GridFS file
	// ids and metadata. Each is encoded once, straight into the message,
	// as with the default. A Database or Collection may have its own
	// (CollectionOptions.Encoder). For one call, pass a bson.Raw that a
	// bson.Encoder made. The driver's own types (Collation) keep the
	// default encoding.
	Encoder bson.Encoder

	// Dialer opens sockets; nil means a net.Dialer.
	Dialer pool.Dialer
	// Resolver does the DNS look-ups of a mongodb+srv URI; nil means the
	// system's.
	Resolver srv.Resolver

	// srv is the mongodb+srv string ParseURI read: its SRV and TXT
	// records are looked up by the first operation (Connect does no I/O).
	srv *connstring.ConnString
	// env is the handshake's env document, which Connect detects.
	env *pool.Env
	// moreDriverInfo is what AppendDriverInfo adds after Connect, shared
	// by every pool and monitor.
	moreDriverInfo *pool.DriverInfoList
}

// prepareAuth gives Options.Auth its defaults and validates it, once per
// client: the copy made here carries the client's MONGODB-AWS credential
// cache and MONGODB-OIDC token cache, shared by every connection.
func (o *Options) prepareAuth() error {
	if o.Auth == nil {
		return nil
	}
	c, err := o.Auth.WithDefaults("")
	if err != nil {
		return err
	}
	o.Auth = &c
	return nil
}

// merge returns o with every non-zero exported field of over copied in.
func (o Options) merge(over Options) Options {
	dst := reflect.ValueOf(&o).Elem()
	src := reflect.ValueOf(over)
	for i := range src.NumField() {
		if f := src.Field(i); src.Type().Field(i).IsExported() && !f.IsZero() {
			dst.Field(i).Set(f)
		}
	}
	return o
}

// validate checks what Connect can check without I/O.
func (o *Options) validate() error {
	if len(o.Hosts) == 0 && o.srv == nil {
		return errors.New("client: no hosts: give a URI or Options.Hosts")
	}
	for _, h := range o.Hosts {
		if strings.TrimSpace(h) == "" {
			return errors.New("client: empty host name in Options.Hosts")
		}
	}
	if o.Direct && len(o.Hosts) > 1 {
		return errors.New("client: Direct needs exactly one host")
	}
	if err := o.ReadPreference.Validate(); err != nil {
		return fmt.Errorf("client: %w", err)
	}
	if o.ServerAPI != nil && o.ServerAPI.Version != "1" {
		return fmt.Errorf("client: ServerAPI version %q is not one torque knows (\"1\")", o.ServerAPI.Version)
	}
	for _, d := range o.DriverInfo {
		if strings.Contains(d.Name+d.Version+d.Platform, "|") {
			return fmt.Errorf("client: DriverInfo %q contains '|', the metadata's separator", d.Name)
		}
	}
	if o.MaxAdaptiveRetries != nil && *o.MaxAdaptiveRetries < 0 {
		return fmt.Errorf("client: MaxAdaptiveRetries is %d: it must be 0 or more", *o.MaxAdaptiveRetries)
	}
	if o.WriteConcern.W == "0" && o.WriteConcern.Journal != nil && *o.WriteConcern.Journal {
		return errors.New("client: write concern w: 0 cannot ask for journal: true")
	}
	return nil
}

func boolOr(p *bool, def bool) bool {
	if p == nil {
		return def
	}
	return *p
}

func intOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// retryTokens is the client's retry token bucket, with AdaptiveRetries.
func (o *Options) retryTokens() *driver.TokenBucket {
	if !o.AdaptiveRetries {
		return nil
	}
	return driver.NewTokenBucket()
}

// executor builds the operation executor the options describe.
func (o *Options) executor(d driver.Deployment, sessions *session.Pool, clock *session.Clock) *driver.Executor {
	return &driver.Executor{
		Deployment:          d,
		Sessions:            sessions,
		Clock:               clock,
		Monitor:             o.Monitor,
		Logger:              o.componentLogger(LogCommand),
		SelectionLogger:     o.componentLogger(LogServerSelection),
		MaxDocumentLength:   o.MaxDocumentLength,
		RetryWrites:         boolOr(o.RetryWrites, true),
		RetryReads:          boolOr(o.RetryReads, true),
		LocalThreshold:      o.LocalThreshold,
		HeartbeatFrequency:  o.HeartbeatFrequency,
		ServerAPI:           o.ServerAPI,
		SocketTimeout:       o.SocketTimeout > 0,
		WaitQueueTimeout:    o.WaitQueueTimeout > 0,
		MaxAdaptiveRetries:  intOr(o.MaxAdaptiveRetries, driver.DefaultMaxAdaptiveRetries),
		OverloadRetargeting: boolOr(o.EnableOverloadRetargeting, false),
		RetryTokens:         o.retryTokens(),
	}
}

// poolConfig is the connection pool configuration.
func (o *Options) poolConfig() pool.Config {
	return pool.Config{
		Conn: pool.ConnConfig{
			Dialer:         o.Dialer,
			ConnectTimeout: o.ConnectTimeout,
			TLS:            o.TLS,
			AppName:        o.AppName,
			DriverInfo:     o.DriverInfo,
			MoreDriverInfo: o.moreDriverInfo,
			ServerAPI:      o.ServerAPI,
			Env:            o.env,
			Compressors:    o.Compressors,
			ZlibLevel:      o.ZlibLevel,
			LoadBalanced:   o.LoadBalanced,
			Credential:     o.Auth,
		},
		Monitor:          poolLogger(o.componentLogger(LogConnection), o.PoolMonitor),
		MaxPoolSize:      o.MaxPoolSize,
		MinPoolSize:      o.MinPoolSize,
		MaxConnecting:    o.MaxConnecting,
		MaxIdleTime:      o.MaxIdleTime,
		WaitQueueTimeout: o.WaitQueueTimeout,
		SocketTimeout:    o.SocketTimeout,
		// timeoutMS bounds each handshake command of MinPoolSize
		// connections; the URI's timeoutMS=0 (negative) means none.
		BackgroundTimeout: o.Timeout,
	}
}

// resolveSRV looks up the mongodb+srv records and returns the options
// with the seeds, and the records' replicaSet, loadBalanced and authSource
// where the caller set none, and the SRV polling the topology needs.
func (o Options) resolveSRV(ctx context.Context) (topology.Options, error) {
	dns := srv.Config{Resolver: o.Resolver}
	res, err := srv.Resolve(ctx, dns, o.srv)
	if err != nil {
		return topology.Options{}, err
	}
	cs := res.ConnString
	o.Hosts = res.Seeds
	if o.ReplicaSet == "" {
		o.ReplicaSet = cs.ReplicaSet
	}
	if cs.LoadBalanced != nil && *cs.LoadBalanced {
		o.LoadBalanced = true
	}
	if o.Auth != nil && cs.AuthSource != "" && o.srv.AuthSource == "" {
		cred := *o.Auth
		cred.Source = cs.AuthSource
		o.Auth = &cred
	}
	t := o.topologyOptions()
	if !o.LoadBalanced {
		t.SRV = &topology.SRVPolling{DNS: dns, ConnString: cs}
	}
	return t, nil
}

// topologyOptions configures the running topology.
func (o *Options) topologyOptions() topology.Options {
	t := topology.Options{SetName: o.ReplicaSet, Direct: o.Direct, LoadBalanced: o.LoadBalanced,
		HeartbeatFrequency: o.HeartbeatFrequency, LocalThreshold: o.LocalThreshold,
		ServerSelectionTimeout: o.ServerSelectionTimeout, Pool: o.poolConfig(), Listener: topologyLogger(o.componentLogger(LogTopology), o.SDAMListener),
		MonitoringMode: o.ServerMonitoringMode, FaaS: o.env.FaaS()}
	for _, h := range o.Hosts {
		t.Seeds = append(t.Seeds, topology.NewAddress(h))
	}
	return t
}
