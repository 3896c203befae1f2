package wirehost

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
)

// Options configure a host. The zero value is a standalone MongoDB 7.0 on
// 127.0.0.1 at a free port.
type Options struct {
	// Hello is the initial state the host reports; see Hello for defaults.
	Hello Hello
	// Addr is the listen address; default "127.0.0.1:0".
	Addr string
	// ClusterLog, when set, records every request too (besides the host's
	// own Log); a ReplicaSet shares one among its members.
	ClusterLog *Log
	// Store holds the documents of the built-in CRUD handlers; default a
	// new one. A ReplicaSet shares one among its members.
	Store *Store
	// Logf, when set, reports what the host does (connections, faults);
	// t.Logf fits.
	Logf func(format string, args ...any)
	// Backend answers what nothing scripted answers; nil means the
	// built-in scripted defaults over Store.
	Backend Backend
	// TLS, when set, makes the host accept TLS connections only.
	TLS *tls.Config
	// Name prefixes the host's log lines and errors; default "mockserver".
	Name string
	// ClusterTime, when set, is the cluster time a replica-set member or
	// mongos puts in $clusterTime and operationTime (a Backend's clock);
	// nil means the host's own logical clock.
	ClusterTime func() bson.Timestamp
}

// Server is one scripted host. Its methods are safe for concurrent use.
type Server struct {
	addr  string
	log   *Log
	store *Store
	opts  Options

	mu       sync.Mutex
	hello    Hello
	tv       topologyVersion
	changed  chan struct{} // closed and replaced when the hello state changes
	handlers map[string]Handler
	queued   map[string][]Reply
	faults   []*FailPoint
	nextConn int64
	clock    uint32 // cluster-time increments, for $clusterTime/operationTime
	life     *life  // nil while stopped
	closed   bool
	started  time.Time
	// partitioned: requests and replies are swallowed (Partition).
	partitioned atomic.Bool
}

// life is one run of the host between Start/Restart and Stop: its listener,
// connections and the goroutines serving them.
type life struct {
	ln    net.Listener
	done  chan struct{} // closed by Stop: wakes held hellos, hangs and delays
	wg    sync.WaitGroup
	conns map[net.Conn]struct{} // guarded by Server.mu
}

// Start starts a host. Stop it with Close.
func Start(opts Options) (*Server, error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.Name == "" {
		opts.Name = "mockserver"
	}
	ln, err := listen(opts, opts.Addr)
	if err != nil {
		return nil, err
	}
	s := &Server{
		addr:     ln.Addr().String(),
		log:      NewLog(),
		store:    opts.Store,
		opts:     opts,
		changed:  make(chan struct{}),
		handlers: map[string]Handler{},
		queued:   map[string][]Reply{},
		started:  time.Now(),
	}
	if s.store == nil {
		s.store = NewStore()
	}
	s.hello = opts.Hello.clone().withDefaults(s.addr, s.started)
	s.tv = topologyVersion{ProcessID: bson.NewObjectID()}
	s.serve(ln)
	return s, nil
}

// New starts a host for test t and closes it when the test ends.
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.Logf == nil {
		opts.Logf = t.Logf
	}
	s, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { CloseForTest(t, s.Close) })
	return s
}

// CloseForTest runs closeFn with a generous deadline and reports its error
// on t.
func CloseForTest(t testing.TB, closeFn func(context.Context) error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := closeFn(ctx); err != nil {
		t.Errorf("mockserver: close: %v", err)
	}
}

// Addr is the host's "127.0.0.1:port".
func (s *Server) Addr() string { return s.addr }

// URI is a connection string for this host alone.
func (s *Server) URI() string { return "mongodb://" + s.addr + "/?directConnection=true" }

// Log is the host's own request record.
func (s *Server) Log() *Log { return s.log }

// Store is the documents of the built-in CRUD handlers.
func (s *Server) Store() *Store { return s.store }

// Requests returns every request the host received, oldest first.
func (s *Server) Requests() []*Request { return s.log.Requests() }

// CommandsNamed returns the host's requests for command name.
func (s *Server) CommandsNamed(name string) []*Request { return s.log.CommandsNamed(name) }

// WaitFor waits until the host has received n requests for command name.
func (s *Server) WaitFor(ctx context.Context, name string, n int) ([]*Request, error) {
	return s.log.WaitFor(ctx, name, n)
}

// Hello returns a copy of the host's current hello state.
func (s *Server) Hello() Hello {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hello.clone()
}

// Update changes the host's hello state. When the state changes, the
// topologyVersion counter goes up by one and every held awaitable hello
// answers. It reports whether anything changed. change runs with the
// host's lock held: it must not call the host's methods.
func (s *Server) Update(change func(h *Hello)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := s.hello.clone()
	change(&next)
	next = next.withDefaults(s.addr, s.started)
	if reflect.DeepEqual(next, s.hello) {
		return false
	}
	s.hello = next
	s.bumpLocked()
	return true
}

// bumpLocked announces a new topology version.
func (s *Server) bumpLocked() {
	s.tv.Counter++
	close(s.changed)
	s.changed = make(chan struct{})
}

// TopologyVersion returns the host's processId and counter.
func (s *Server) TopologyVersion() (processID bson.ObjectID, counter int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tv.ProcessID, s.tv.Counter
}

// Handle makes h answer command name, replacing the default handler.
func (s *Server) Handle(name string, h Handler) {
	s.mu.Lock()
	s.handlers[name] = h
	s.mu.Unlock()
}

// Queue makes the next len(replies) requests for command name get these
// replies, in order, before the handler answers again.
func (s *Server) Queue(name string, replies ...Reply) {
	s.mu.Lock()
	s.queued[name] = append(s.queued[name], replies...)
	s.mu.Unlock()
}

// FailCommand arms a fail point; it is checked before handlers and queued
// replies. Several may be armed; the oldest matching one fires.
func (s *Server) FailCommand(fp FailPoint) {
	s.mu.Lock()
	s.faults = append(s.faults, &fp)
	s.mu.Unlock()
}

// ClearFailPoints disarms every fail point.
func (s *Server) ClearFailPoints() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

// Running reports whether the host is listening.
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.life != nil
}

// OpenConnections is how many client connections are open now, as the
// host sees them: a connection the client closed drops out once the host
// reads its end. For "Disconnect closes every socket" tests, poll it.
func (s *Server) OpenConnections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.life == nil {
		return 0
	}
	return len(s.life.conns)
}

// ConnectionsAccepted is how many connections the host has accepted since
// it started (the last connectionId handed out).
func (s *Server) ConnectionsAccepted() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nextConn
}

// serve starts a life on ln.
func (s *Server) serve(ln net.Listener) {
	l := &life{ln: ln, done: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	s.mu.Lock()
	s.life = l
	s.mu.Unlock()
	l.wg.Add(1)
	go s.accept(l)
}

// accept owns the listener: it starts one goroutine per connection until
// the listener closes.
func (s *Server) accept(l *life) {
	defer l.wg.Done()
	for {
		c, err := l.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.life != l {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.nextConn++
		id := s.nextConn
		l.conns[c] = struct{}{}
		l.wg.Add(1)
		s.mu.Unlock()
		go s.serveConn(l, c, id)
	}
}

// Stop closes the listener and every connection, as a crashed host would,
// and waits for the host's goroutines. Held hellos end without answering.
// Restart brings the host back on the same port.
func (s *Server) Stop(ctx context.Context) error {
	s.mu.Lock()
	l := s.life
	s.life = nil
	if l != nil {
		close(l.done)
		l.ln.Close()
		for c := range l.conns {
			c.Close()
		}
	}
	s.mu.Unlock()
	if l == nil {
		return nil
	}
	waited := make(chan struct{})
	go func() { l.wg.Wait(); close(waited) }()
	select {
	case <-waited:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("mockserver: stopping %s: %w", s.addr, ctx.Err())
	}
}

// Restart listens again on the host's address after Stop, as a restarted
// process: a new processId, its topologyVersion counter back at 0.
func (s *Server) Restart() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errors.New("mockserver: restart after Close")
	}
	if s.life != nil {
		s.mu.Unlock()
		return nil
	}
	s.tv = topologyVersion{ProcessID: bson.NewObjectID()}
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
	ln, err := listen(s.opts, s.addr)
	if err != nil {
		return err
	}
	s.serve(ln)
	return nil
}

// Close stops the host for good and waits, within ctx, until every
// goroutine it started has returned.
func (s *Server) Close(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	return s.Stop(ctx)
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(s.opts.Name+" %s: "+format, append([]any{s.addr}, args...)...)
	}
}

// listen opens the host's listener on addr, with TLS when configured.
func listen(opts Options, addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", opts.Name, err)
	}
	if opts.TLS != nil {
		ln = tls.NewListener(ln, opts.TLS)
	}
	return ln, nil
}

// TLSEnabled reports whether the host accepts TLS connections only.
func (s *Server) TLSEnabled() bool { return s.opts.TLS != nil }
