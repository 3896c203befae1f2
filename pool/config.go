package pool

import (
	"context"
	"crypto/tls"
	"net"
	"time"

	"github.com/torque-go/torque/auth"
)

// Defaults applied to zero fields.
const (
	DefaultMaxPoolSize      = 100
	DefaultMaxConnecting    = 2
	DefaultConnectTimeout   = 10 * time.Second // connectTimeoutMS
	DefaultMaintainInterval = 10 * time.Second // background run interval
)

// Unlimited is the MaxPoolSize of a pool without a size limit (the URI's
// maxPoolSize=0). Zero cannot say it, because zero means the default.
const Unlimited = -1

// Dialer opens the network connection; *net.Dialer satisfies it, and tests
// or proxies substitute their own. network is "tcp" or "unix".
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// ServerAPI is the Stable API declaration sent with every command,
// handshake and authentication included.
type ServerAPI struct {
	Version           string // "1"
	Strict            bool
	DeprecationErrors bool
}

// DriverInfo names a library that wraps torque; its fields are appended to
// the handshake's client metadata after a "|".
type DriverInfo struct {
	Name, Version, Platform string
}

// ConnConfig is how to establish one connection: dial, TLS, handshake and
// authentication. Its zero value dials plain TCP with the defaults. It is
// read, never modified, by Dial and the pool; share it freely once built.
type ConnConfig struct {
	// Dialer opens the socket; nil means a net.Dialer with TCP keep-alive.
	Dialer Dialer
	// ConnectTimeout bounds establishing a connection (dial, TLS, hello,
	// auth) on top of the caller's context. Zero means
	// DefaultConnectTimeout; a negative value means no bound but the
	// context.
	ConnectTimeout time.Duration
	// TLS, when not nil, turns TLS on. The config is cloned per
	// connection and its ServerName set to the host when empty. Build one
	// from the tls* URI options with TLSOptions.Config.
	TLS *tls.Config

	// AppName is client.application.name (appname), at most 128 bytes.
	AppName string
	// DriverInfo is appended to the client metadata (wrapping libraries).
	DriverInfo []DriverInfo
	// MoreDriverInfo, when not nil, is DriverInfo appended later (after
	// the configuration was copied into pools and monitors, which share
	// it): each handshake sends DriverInfo, then these.
	MoreDriverInfo *DriverInfoList
	// Env is the client metadata's env document (FaaS platform,
	// container); nil sends none. DetectEnv fills one from the process's
	// environment.
	Env *Env
	// Compressors lists the compressors to offer, in order of preference:
	// "snappy", "zlib", "zstd". Unknown names, and snappy or zstd when
	// their package (compress/snappy, compress/zstd) is not imported, are
	// not offered.
	Compressors []string
	// ZlibLevel is zlibCompressionLevel (-1..9); nil means -1 (the
	// library default).
	ZlibLevel *int
	// LoadBalanced asks the server for a serviceId (behind a load
	// balancer); the handshake fails when the reply has none.
	LoadBalanced bool
	// ServerAPI, when set, is sent with the hello and every
	// authentication command; the hello then goes as OP_MSG.
	ServerAPI *ServerAPI
	// Credential authenticates every connection when not nil. It should
	// have gone through auth.Credential.WithDefaults.
	Credential *auth.Credential
	// CommandTimeout bounds each command of the handshake and the
	// authentication (its write, then the read of its reply) on top of
	// ConnectTimeout and the context, afresh for each. Zero means none.
	// A pool sets it per connection: socketTimeoutMS, or for MinPoolSize
	// connections the client's timeoutMS (Config.BackgroundTimeout).
	CommandTimeout time.Duration
	// HelloOK says the server is known to understand OP_MSG hello (an
	// earlier handshake answered helloOk: true): the first message is then
	// an OP_MSG hello instead of a legacy OP_QUERY isMaster. A pool sets it
	// itself after its first handshake.
	HelloOK bool
}

func (c *ConnConfig) connectTimeout() time.Duration {
	switch {
	case c.ConnectTimeout == 0:
		return DefaultConnectTimeout
	case c.ConnectTimeout < 0:
		return 0
	}
	return c.ConnectTimeout
}

// Config configures a Pool. Zero values mean the defaults of the CMAP
// specification, so Config{} is a valid configuration.
type Config struct {
	// Conn says how to establish each connection.
	Conn ConnConfig
	// Connect establishes a connection to addr; nil means Dial with Conn.
	// Tests inject fakes here.
	Connect func(ctx context.Context, addr string) (*Conn, error)

	// MaxPoolSize caps the connections (in use, idle and being
	// established). Zero means DefaultMaxPoolSize (100); Unlimited (-1)
	// means no cap (the URI's maxPoolSize=0).
	MaxPoolSize int
	// MinPoolSize is kept established by the pool's background goroutine
	// while the pool is ready.
	MinPoolSize int
	// MaxConnecting caps connections being established at once; zero
	// means DefaultMaxConnecting (2).
	MaxConnecting int
	// MaxIdleTime closes connections idle for longer; zero means never.
	MaxIdleTime time.Duration
	// SocketTimeout is socketTimeoutMS: each write of a request, and each
	// read of its reply, on the pool's connections must finish within it
	// (on top of the context's deadline); its expiry is a network timeout.
	// Zero means none. A context from WithoutSocketTimeout lifts it (an
	// operation with a timeoutMS); the handshake has ConnectTimeout
	// instead (socket_timeout.go).
	SocketTimeout time.Duration
	// BackgroundTimeout is the client's timeoutMS for the connections the
	// background goroutine opens for MinPoolSize: it bounds each command
	// of their handshake and authentication (ConnConfig.CommandTimeout),
	// as the CSOT specification says. Zero means SocketTimeout; negative
	// means none (timeoutMS=0).
	BackgroundTimeout time.Duration
	// WaitQueueTimeout bounds a checkout's wait, as its context does:
	// the earlier of the two ends it (a context from
	// WithoutWaitQueueTimeout ignores it); zero means only the context
	// bounds it.
	WaitQueueTimeout time.Duration
	// MaintainInterval is the pause between background runs (pruning idle
	// and stale connections, filling MinPoolSize); Ready and Clear also
	// start a run at once. Zero means DefaultMaintainInterval. A negative
	// value means no background runs at all (the spec tests' "never begin
	// a Run"): MinPoolSize is then not maintained and perished connections
	// are closed only when a checkout meets them.
	MaintainInterval time.Duration

	// Monitor receives the CMAP events, synchronously, on the goroutine
	// that caused them (see Event). nil means no events.
	Monitor func(Event)
	// EstablishError is called when establishing a connection fails,
	// for a checkout or for MinPoolSize (from the background goroutine),
	// unless the pool was closed or cleared meanwhile; SDAM uses it to
	// mark the server Unknown and clear the pool (the err is a
	// *ConnError). It runs before the failed connection's
	// ConnectionClosed event, as the CMAP and SDAM specifications order
	// them (PoolCleared first), and before Checkout returns.
	EstablishError func(err error)

	// clock replaces the wall clock in tests; nil means time.Now.
	clock clock
}

func (c *Config) maxPoolSize() int {
	switch {
	case c.MaxPoolSize == 0:
		return DefaultMaxPoolSize
	case c.MaxPoolSize < 0:
		return 0 // no limit
	}
	return c.MaxPoolSize
}

func (c *Config) maxConnecting() int {
	if c.MaxConnecting <= 0 {
		return DefaultMaxConnecting
	}
	return c.MaxConnecting
}

func (c *Config) maintainInterval() time.Duration {
	if c.MaintainInterval == 0 {
		return DefaultMaintainInterval
	}
	return c.MaintainInterval
}
