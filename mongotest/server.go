package mongotest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/torque-go/torque/internal/wirehost"
	"github.com/torque-go/torque/mongotest/internal/store"
)

// Options configure a server. The zero value is a standalone server on
// 127.0.0.1 at a free port, without authentication or TLS.
type Options struct {
	// Addr is the listen address; default "127.0.0.1:0" (a free port).
	Addr string
	// Users turns authentication on: every command but the handshake
	// needs a user authenticated with SCRAM-SHA-256 or SCRAM-SHA-1.
	// More users can be added with createUser.
	Users []User
	// TLS, when set, makes the server accept TLS connections only, with
	// this configuration (its certificate).
	TLS *tls.Config
	// GenerateTLS makes the server accept TLS connections only, with a
	// self-signed certificate for 127.0.0.1 and localhost made at start;
	// Server.CertPool trusts it. Ignored when TLS is set.
	GenerateTLS bool
	// Parameters are server parameters set at startup, as mongod's
	// --setParameter sets them: requireApiVersion, acceptApiVersion2 (the
	// test-only parameter that lets commands declare apiVersion "2"),
	// enableTestCommands (default true: configureFailPoint and the Stable
	// API's test commands), each a bool. Others are refused.
	Parameters map[string]any
	// Logf, when set, reports what the server does (connections closed on
	// malformed input, faults); New sets t.Logf.
	Logf func(format string, args ...any)
}

// User is a user of the server, in the database Source ("admin" by
// default), who may authenticate with the SCRAM mechanisms listed in
// Mechanisms (default both SCRAM-SHA-1 and SCRAM-SHA-256). Every user may
// run every command: there are no roles.
type User struct {
	Name       string
	Password   string
	Source     string
	Mechanisms []string
}

// Server is one in-process MongoDB server. Its methods are safe for
// concurrent use.
type Server struct {
	host    *wirehost.Server
	store   *store.Store
	cursors *cursors
	users   *users
	params  *serverParams
	pool    *x509.CertPool // of a generated certificate
	started time.Time

	// Replica sets only: sessions (retryable writes, transactions) and
	// change streams; nil on a standalone server.
	sessions *sessions
	streams  *streams
	// local is the logical session cache ($listLocalSessions).
	local *localSessions
	// self is a standalone server's command set with its fail points.
	self *member

	closeOnce sync.Once
	closeErr  error
}

// Start starts a server. Stop it with Close.
func Start(opts Options) (*Server, error) {
	s := &Server{store: store.New(), cursors: newCursors(), started: time.Now(), local: newLocalSessions()}
	s.self = &member{core: s, inner: backend{s}, fps: &failPoints{}} // standalone.go
	var err error
	if s.users, err = newUsers(opts.Users); err != nil {
		return nil, err
	}
	if s.params, err = newServerParams(opts.Parameters); err != nil {
		return nil, err
	}
	tlsConf := opts.TLS
	if tlsConf == nil && opts.GenerateTLS {
		if tlsConf, s.pool, err = generateTLS(); err != nil {
			return nil, fmt.Errorf("mongotest: generating a certificate: %w", err)
		}
	}
	h := wirehost.Hello{MaxWireVersion: MaxWireVersion, MinWireVersion: 0,
		Compressors: []string{"snappy", "zlib", "zstd"}}
	s.host, err = wirehost.Start(wirehost.Options{Addr: opts.Addr, Hello: h, Logf: opts.Logf,
		Backend: s.self, TLS: tlsConf, Name: "mongotest"})
	if err != nil {
		return nil, err
	}
	s.self.host.Store(s.host)
	return s, nil
}

// New starts a server for the test t and closes it when the test ends. At
// most one Options may be given.
func New(t testing.TB, opts ...Options) *Server {
	t.Helper()
	var o Options
	if len(opts) > 1 {
		t.Fatal("mongotest.New: at most one Options")
	}
	if len(opts) == 1 {
		o = opts[0]
	}
	if o.Logf == nil {
		o.Logf = t.Logf
	}
	s, err := Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("mongotest: close: %v", err)
		}
	})
	return s
}

// MaxWireVersion is the wire version the server announces: MongoDB 8.0's.
const MaxWireVersion = 25

// Version is the server version buildInfo reports.
const Version = "8.0.0"

// over is the command set of s over another store (a transaction's fork,
// a snapshot, a lagging secondary's past): the same cursors, users and
// parameters.
func (s *Server) over(st *store.Store) *Server {
	return &Server{store: st, cursors: s.cursors, users: s.users, params: s.params, started: s.started}
}

// Addr is the server's "127.0.0.1:port".
func (s *Server) Addr() string { return s.host.Addr() }

// URI is a connection string for the server (with tls=true when it
// serves TLS; the client must still trust the certificate, see CertPool).
// It carries no credentials.
func (s *Server) URI() string {
	u := "mongodb://" + s.host.Addr() + "/?directConnection=true"
	if s.host.TLSEnabled() {
		u += "&tls=true"
	}
	return u
}

// CertPool trusts the certificate made for Options.GenerateTLS (nil
// otherwise): put it in the client's tls.Config RootCAs.
func (s *Server) CertPool() *x509.CertPool { return s.pool }

// Close stops the server: the listener, every connection, every goroutine
// it started, which it waits for (at most 10 seconds). Its data is lost.
// Calling it again returns the first call's result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s.cursors.shutdown() // wakes awaiting getMores first
		s.closeErr = s.host.Close(ctx)
		s.cursors.closeAll()
		if errors.Is(s.closeErr, context.DeadlineExceeded) {
			s.closeErr = fmt.Errorf("mongotest: close: %w", s.closeErr)
		}
	})
	return s.closeErr
}
