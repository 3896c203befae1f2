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
	Compressors []string
	ZlibLevel   *int

	ReadPreference ReadPref
	ReadConcern    ReadConcern
	WriteConcern   WriteConcern
	// RetryWrites and RetryReads default to true.
	RetryWrites *bool
	RetryReads  *bool

	// Timeout is timeoutMS: the budget of every operation whose context
	// has no deadline; it also sets maxTimeMS on commands. Zero is none.
	Timeout time.Duration
	// ServerSelectionTimeout bounds the wait for a suitable server
	// (default 30s; negative: one attempt without waiting).
	ServerSelectionTimeout time.Duration
	// ConnectTimeout bounds establishing a connection (default 10s).
	ConnectTimeout     time.Duration
	HeartbeatFrequency time.Duration
	LocalThreshold     time.Duration

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
	// Logger receives command log messages at slog.LevelDebug; nil logs
	// nothing. MaxDocumentLength cuts logged documents (default 1000).
	Logger            *slog.Logger
	MaxDocumentLength int

	// Dialer opens sockets; nil means a net.Dialer.
	Dialer pool.Dialer
	// Resolver does the DNS look-ups of a mongodb+srv URI; nil means the
	// system's.
	Resolver srv.Resolver

	// srv is the mongodb+srv string ParseURI read: its SRV and TXT
	// records are looked up by the first operation (Connect does no I/O).
	srv *connstring.ConnString
}

// ParseURI reads a mongodb:// connection string into Options. Options the
// URI cannot express (Monitor, Logger, Dialer) stay zero. The error names
// the option at fault and never contains the password.
func ParseURI(uri string) (Options, error) {
	cs, err := connstring.Parse(uri)
	if err != nil {
		return Options{}, err
	}
	if err := cs.Validate(); err != nil {
		return Options{}, err
	}
	var o Options
	if cs.IsSRV() {
		o.srv = cs
	} else {
		for _, h := range cs.Hosts {
			o.Hosts = append(o.Hosts, h.Addr())
		}
	}
	if err := o.authFrom(cs); err != nil {
		return Options{}, err
	}
	o.AppName, o.ReplicaSet = cs.AppName, cs.ReplicaSet
	o.Direct = cs.DirectConnection != nil && *cs.DirectConnection
	o.LoadBalanced = cs.LoadBalanced != nil && *cs.LoadBalanced
	if err := o.tlsFrom(cs); err != nil {
		return Options{}, err
	}
	o.Compressors, o.ZlibLevel = cs.Compressors, cs.ZlibCompressionLevel
	if err := o.readPrefFrom(cs); err != nil {
		return Options{}, err
	}
	o.ReadConcern = ReadConcern{Level: cs.ReadConcernLevel}
	o.WriteConcern = WriteConcern{W: cs.W, Journal: cs.Journal}
	if cs.WTimeout != nil {
		o.WriteConcern.WTimeout = *cs.WTimeout
	}
	o.RetryWrites, o.RetryReads = cs.RetryWrites, cs.RetryReads
	o.Timeout = durOr(cs.Timeout, 0)
	if cs.ServerSelectionTimeout != nil {
		o.ServerSelectionTimeout = *cs.ServerSelectionTimeout
		if o.ServerSelectionTimeout == 0 {
			o.ServerSelectionTimeout = -1 // serverSelectionTimeoutMS=0: do not wait
		}
	}
	o.ConnectTimeout = durOr(cs.ConnectTimeout, 0)
	o.HeartbeatFrequency = cs.HeartbeatFrequency
	o.LocalThreshold = durOr(cs.LocalThreshold, 0)
	if cs.MaxPoolSize != nil {
		o.MaxPoolSize = *cs.MaxPoolSize
		if o.MaxPoolSize == 0 {
			o.MaxPoolSize = pool.Unlimited
		}
	}
	if cs.MinPoolSize != nil {
		o.MinPoolSize = *cs.MinPoolSize
	}
	o.MaxConnecting = cs.MaxConnecting
	o.MaxIdleTime = durOr(cs.MaxIdleTime, 0)
	o.WaitQueueTimeout = durOr(cs.WaitQueueTimeout, 0)
	return o, nil
}

func durOr(d *time.Duration, def time.Duration) time.Duration {
	if d == nil {
		return def
	}
	return *d
}

func (o *Options) authFrom(cs *connstring.ConnString) error {
	cred, err := cs.Credential()
	if err != nil || cred == nil {
		return err
	}
	c, err := auth.Credential{Mechanism: cred.Mechanism, Source: cred.Source, Username: cred.Username,
		Password: cred.Password, PasswordSet: cred.PasswordSet, Props: cred.Props}.WithDefaults(cs.Database)
	if err != nil {
		return err
	}
	o.Auth = &c
	return nil
}

func (o *Options) tlsFrom(cs *connstring.ConnString) error {
	if cs.TLS == nil && !cs.IsSRV() || cs.TLS != nil && !*cs.TLS { // mongodb+srv means TLS unless tls=false
		return nil
	}
	t := pool.TLSOptions{CAFile: cs.TLSCAFile, CertificateKeyFile: cs.TLSCertificateKeyFile,
		CertificateKeyFilePassword: cs.TLSCertificateKeyFilePassword}
	t.Insecure = cs.TLSInsecure != nil && *cs.TLSInsecure
	t.AllowInvalidCertificates = cs.TLSAllowInvalidCertificates != nil && *cs.TLSAllowInvalidCertificates
	t.AllowInvalidHostnames = cs.TLSAllowInvalidHostnames != nil && *cs.TLSAllowInvalidHostnames
	cfg, err := t.Config()
	if err != nil {
		return err
	}
	o.TLS = cfg
	return nil
}

func (o *Options) readPrefFrom(cs *connstring.ConnString) error {
	if cs.ReadPreference != "" {
		m, ok := topology.ParseMode(cs.ReadPreference)
		if !ok {
			return fmt.Errorf("client: readPreference %q is not a mode", cs.ReadPreference)
		}
		o.ReadPreference.Mode = m
	}
	for _, tags := range cs.ReadPreferenceTags {
		var ts topology.TagSet
		for k, v := range tags {
			ts = append(ts, topology.Tag{Key: k, Value: v})
		}
		o.ReadPreference.TagSets = append(o.ReadPreference.TagSets, ts)
	}
	if cs.MaxStaleness != nil && *cs.MaxStaleness > 0 {
		o.ReadPreference.MaxStaleness = *cs.MaxStaleness
	}
	return o.ReadPreference.Validate()
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

// executor builds the operation executor the options describe.
func (o *Options) executor(d driver.Deployment, sessions *session.Pool, clock *session.Clock) *driver.Executor {
	return &driver.Executor{
		Deployment:         d,
		Sessions:           sessions,
		Clock:              clock,
		Monitor:            o.Monitor,
		Logger:             o.Logger,
		MaxDocumentLength:  o.MaxDocumentLength,
		RetryWrites:        boolOr(o.RetryWrites, true),
		RetryReads:         boolOr(o.RetryReads, true),
		Timeout:            o.Timeout,
		LocalThreshold:     o.LocalThreshold,
		HeartbeatFrequency: o.HeartbeatFrequency,
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
			Compressors:    o.Compressors,
			ZlibLevel:      o.ZlibLevel,
			LoadBalanced:   o.LoadBalanced,
			Credential:     o.Auth,
		},
		Monitor:          o.PoolMonitor,
		MaxPoolSize:      o.MaxPoolSize,
		MinPoolSize:      o.MinPoolSize,
		MaxConnecting:    o.MaxConnecting,
		MaxIdleTime:      o.MaxIdleTime,
		WaitQueueTimeout: o.WaitQueueTimeout,
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
		ServerSelectionTimeout: o.ServerSelectionTimeout, Pool: o.poolConfig(), Listener: o.SDAMListener}
	for _, h := range o.Hosts {
		t.Seeds = append(t.Seeds, topology.NewAddress(h))
	}
	return t
}
