package hostile

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

// Connections that never get established: a TLS handshake the server
// never completes, a dial that never connects. Each is bounded by the
// operation's own context (the caller's doing: no pool clear, no server
// marked Unknown, not a network error) or by connectTimeoutMS (the
// server's slowness: a network timeout that names the stage). Nothing
// hangs, no goroutine is left. (Issue 16: the hangs the handshake tests could not
// make on loopback.)

// tlsFront listens on loopback in front of target: its connections are
// served with TLS and proxied to target until stall is set; from then on
// each is accepted and never answered, its TLS handshake stalled, until
// the client or the test closes it.
type tlsFront struct {
	ln     net.Listener
	cfg    *tls.Config
	target string

	stall atomic.Bool // from now on, connections are stalled

	mu    sync.Mutex
	conns map[net.Conn]struct{}
	open  int // stalled or proxied client connections still open
	wg    sync.WaitGroup
}

func newTLSFront(t *testing.T, target string) *tlsFront {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &tlsFront{ln: ln, cfg: &tls.Config{Certificates: []tls.Certificate{selfSigned(t)}}, target: target, conns: map[net.Conn]struct{}{}}
	f.wg.Add(1)
	go f.accept()
	t.Cleanup(f.close)
	return f
}

func (f *tlsFront) uri() string {
	return "mongodb://" + f.ln.Addr().String() + "/?directConnection=true&tls=true"
}

func (f *tlsFront) openConns() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.open
}

// track books c as open, or closes it when the front is closing.
func (f *tlsFront) track(c net.Conn) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.conns == nil {
		c.Close()
		return false
	}
	f.conns[c] = struct{}{}
	return true
}

func (f *tlsFront) untrack(c net.Conn) {
	c.Close()
	f.mu.Lock()
	if f.conns != nil {
		delete(f.conns, c)
	}
	f.mu.Unlock()
}

func (f *tlsFront) accept() {
	defer f.wg.Done()
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		stall := f.stall.Load()
		f.mu.Lock()
		f.open++
		f.mu.Unlock()
		if !f.track(c) {
			return
		}
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			defer func() {
				f.untrack(c)
				f.mu.Lock()
				f.open--
				f.mu.Unlock()
			}()
			if stall {
				_, _ = io.Copy(io.Discard, c) // the ClientHello, never answered
				return
			}
			f.proxy(tls.Server(c, f.cfg))
		}()
	}
}

// proxy relays the TLS connection c to the target until either side
// closes.
func (f *tlsFront) proxy(c *tls.Conn) {
	up, err := net.Dial("tcp", f.target)
	if err != nil {
		return
	}
	if !f.track(up) {
		return
	}
	defer f.untrack(up)
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(up, c)
		up.Close()
		close(done)
	}()
	_, _ = io.Copy(c, up)
	c.Close()
	<-done
}

func (f *tlsFront) close() {
	f.ln.Close()
	f.mu.Lock()
	for c := range f.conns {
		c.Close()
	}
	f.conns = nil
	f.mu.Unlock()
	f.wg.Wait()
}

// selfSigned makes a certificate for 127.0.0.1 (the client skips
// verification: these tests are about hangs, not trust).
func selfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// stallCase is one way a pool connection may never get established.
type stallCase struct {
	name  string
	stage string // the pool stage the connectTimeoutMS error names
	// setup returns the URI and options of a client, the count of its
	// open connections as the server sees them, and the switch that
	// stalls every connection established after it.
	setup func(t *testing.T) (uri string, opts client.Options, open func() int, stall func())
}

func stallCases() []stallCase {
	return []stallCase{
		{"TLS handshake never answered", "tls", func(t *testing.T) (string, client.Options, func() int, func()) {
			srv := newRawServer(t, func(int, request) ([]byte, after) { return nil, carryOn })
			front := newTLSFront(t, srv.addr())
			return front.uri(), client.Options{TLS: &tls.Config{InsecureSkipVerify: true}}, front.openConns, func() { front.stall.Store(true) }
		}},
		{"dial never connects", "dial", func(t *testing.T) (string, client.Options, func() int, func()) {
			srv := newRawServer(t, func(int, request) ([]byte, after) { return nil, carryOn })
			d := &stallingDialer{}
			return srv.uri(), client.Options{Dialer: d}, srv.openConns, func() { d.stall.Store(true) }
		}},
	}
}

// stallingDialer dials until stall is set; from then on each dial waits
// for its context to end, as one whose SYNs go unanswered does, and
// fails with the context's error.
type stallingDialer struct {
	d     net.Dialer
	stall atomic.Bool
}

func (s *stallingDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if !s.stall.Load() {
		return s.d.DialContext(ctx, network, addr)
	}
	<-ctx.Done()
	return nil, &net.OpError{Op: "dial", Net: network, Err: ctx.Err()}
}

// The operation's own deadline or cancellation ends the wait: its error
// is the caller's, nothing is blamed on the server, and the next
// operation waits again (no pool paused by the caller).
func TestStalledConnectionCallerDeadline(t *testing.T) {
	for _, tc := range stallCases() {
		t.Run(tc.name, func(t *testing.T) {
			uri, opts, open, stall := tc.setup(t)
			opts.MaxIdleTime = time.Nanosecond // the ping's connection is not reused
			r := newRig(t, uri, opts)
			r.ready()
			stall()
			for _, want := range []error{context.DeadlineExceeded, context.Canceled, context.DeadlineExceeded} {
				ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
				if want == context.Canceled {
					time.AfterFunc(100*time.Millisecond, cancel)
				}
				err := r.c.Database("test").Collection("c").FindOne(ctx, bson.D{}).Err()
				cancel()
				if !errors.Is(err, want) || client.IsNetworkError(err) {
					t.Fatalf("FindOne = %v, want its own %v, not a network error", err, want)
				}
			}
			r.noClear()
			r.disconnectLeavesNothing(open)
		})
	}
}

// connectTimeoutMS ends the wait, with a caller whose context has time
// to spare: a network timeout naming the stage and the option, within a
// bounded time, labelled as the client backpressure specification says
// (SystemOverloadedError, RetryableError), which also keeps the server
// known and its pool ready.
func TestStalledConnectionConnectTimeout(t *testing.T) {
	for _, tc := range stallCases() {
		t.Run(tc.name, func(t *testing.T) {
			uri, opts, open, stall := tc.setup(t)
			opts.ConnectTimeout = 200 * time.Millisecond
			opts.MaxIdleTime = time.Nanosecond
			opts.RetryReads = new(bool) // one attempt: the error is the establishment's
			r := newRig(t, uri, opts)
			r.ready()
			stall()
			ctx := ctxT(t)
			start := time.Now()
			err := r.c.Database("test").Collection("c").FindOne(ctx, bson.D{}).Err()
			if err == nil || ctx.Err() != nil || !client.IsTimeout(err) || !strings.Contains(err.Error(), tc.stage+": connectTimeoutMS (200ms) expired") {
				t.Fatalf("FindOne = %v, want connectTimeoutMS's expiry at stage %q, the caller's context still running", err, tc.stage)
			}
			if errors.Is(err, context.Canceled) {
				t.Errorf("FindOne = %v: a connectTimeoutMS expiry is not a cancellation", err)
			}
			if d := time.Since(start); d > 15*time.Second {
				t.Errorf("FindOne took %v with connectTimeoutMS=200ms", d)
			}
			if !client.HasErrorLabel(err, "SystemOverloadedError") || !client.HasErrorLabel(err, "RetryableError") {
				t.Errorf("FindOne = %v, want the client backpressure labels of an establishment's network error", err)
			}
			r.noClear() // the backpressure spec: an overloaded server is not marked Unknown
			r.disconnectLeavesNothing(open)
		})
	}
}
