package pool

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// defaultDialer is used when ConnConfig.Dialer is nil.
var defaultDialer = &net.Dialer{KeepAlive: 120 * time.Second}

// Dial establishes a connection to addr ("host:port", or a Unix socket path
// ending in ".sock"): it dials, runs TLS when cfg.TLS is set, then the
// handshake (hello, compression, authentication). The whole is bounded by
// ctx and cfg.ConnectTimeout. Errors are *ConnError whose Stage says which
// step failed. Topology monitors use Dial for their own connections; pools
// call it for theirs.
//
// A *ConnError has ContextDone set when ctx (not ConnectTimeout) ended:
// the caller gave up, and the server is not to blame.
func Dial(ctx context.Context, addr string, cfg *ConnConfig) (*Conn, error) {
	c, err := dialHandshake(ctx, addr, cfg)
	return c, markContext(ctx, err)
}

func dialHandshake(ctx context.Context, addr string, cfg *ConnConfig) (*Conn, error) {
	if cfg == nil {
		cfg = &ConnConfig{}
	}
	parent := ctx
	d := cfg.connectTimeout()
	if d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	c := &Conn{addr: addr}
	c.init()
	if err := c.dial(ctx, cfg); err != nil {
		return nil, connectTimedOut(parent, ctx, d, err)
	}
	c.socketTimeout = cfg.CommandTimeout // each handshake command's bound
	if err := c.handshake(ctx, cfg); err != nil {
		c.closeAndRelease()
		return nil, connectTimedOut(parent, ctx, d, err)
	}
	c.socketTimeout = 0 // the pool sets its own (Config.SocketTimeout)
	return c, nil
}

// connectTimedOut names connectTimeoutMS in err when its deadline (ctx's,
// not the caller's parent context) cut the establishment off: the bare
// "context deadline exceeded" would read as the caller's own.
func connectTimedOut(parent, ctx context.Context, d time.Duration, err error) error {
	var ce *ConnError
	if d <= 0 || ctx.Err() == nil || contextEnded(parent) || !errors.As(err, &ce) || !ce.Timeout() {
		return err
	}
	ce.Err = fmt.Errorf("connectTimeoutMS (%v) expired: %w", d, ce.Err)
	return err
}

// dial opens the socket and runs the TLS handshake.
func (c *Conn) dial(ctx context.Context, cfg *ConnConfig) error {
	d := cfg.Dialer
	if d == nil {
		d = defaultDialer
	}
	network := "tcp"
	if strings.HasSuffix(c.addr, ".sock") {
		network = "unix"
	}
	nc, err := d.DialContext(ctx, network, c.addr)
	if err != nil {
		return &ConnError{Addr: c.addr, Stage: StageDial, Err: err}
	}
	if cfg.TLS == nil {
		c.nc = nc
		return nil
	}
	tc := tls.Client(nc, tlsConfigFor(cfg.TLS, c.addr))
	if err := tc.HandshakeContext(ctx); err != nil {
		_ = nc.Close()
		return &ConnError{Addr: c.addr, Stage: StageTLS, Err: tlsError(err)}
	}
	c.nc = tc
	return nil
}

// tlsConfigFor clones the user's TLS config for one connection, naming the
// server when the config does not.
func tlsConfigFor(base *tls.Config, addr string) *tls.Config {
	cfg := base.Clone()
	if cfg.ServerName == "" {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			host = addr
		}
		cfg.ServerName = host
	}
	return cfg
}

// tlsError adds a hint to certificate errors: they are configuration
// problems a user can fix.
func tlsError(err error) error {
	var unknown x509UnknownAuthority
	if errors.As(err, &unknown) {
		return &certError{err: err, hint: "the server's certificate is not signed by a trusted CA (set tlsCAFile to the CA that signed it)"}
	}
	var host x509Hostname
	if errors.As(err, &host) {
		return &certError{err: err, hint: "the server's certificate does not name this host (fix the certificate, or set tlsAllowInvalidHostnames)"}
	}
	return err
}
