package pool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/torque-go/torque/internal/mockserver"
	"github.com/torque-go/torque/internal/spectest"
)

// The CMAP spec runner (tests/cmap-format). "unit" files run against fake
// connections that do no I/O. "integration" files need a server with the
// failCommand fail point, which FerretDB lacks: they run against
// internal/mockserver, whose FailPoint plays failCommand (blockConnection
// is its Delay, errorCode its Code), with real connections and handshakes.
// The runOn server versions are those the mock server claims to be (7.0).
//
// Error messages are torque's own (they name the address and the reason);
// errors are matched by type: PoolClosedError is ErrPoolClosed,
// WaitQueueTimeoutError is ErrWaitQueueTimeout, PoolClearedError is
// ErrPoolCleared.
var cmapSkips = spectest.Skips{
	// The logging directory holds unified-format tests of log messages;
	// torque's pool reports through events, and the unified runner is
	// another package's.
	"logging/*": "unified-format logging tests, not cmap-format; the pool has no logger (events only)",
}

type cmapTest struct {
	Version     int              `json:"version"`
	Style       string           `json:"style"`
	Description string           `json:"description"`
	PoolOptions map[string]any   `json:"poolOptions"`
	Operations  []map[string]any `json:"operations"`
	Error       map[string]any   `json:"error"`
	Events      []map[string]any `json:"events"`
	Ignore      []string         `json:"ignore"`
	FailPoint   *cmapFailPoint   `json:"failPoint"`
	RunOn       []map[string]any `json:"runOn"`
}

type cmapFailPoint struct {
	Mode any `json:"mode"`
	Data struct {
		FailCommands    []string `json:"failCommands"`
		BlockConnection bool     `json:"blockConnection"`
		BlockTimeMS     int      `json:"blockTimeMS"`
		ErrorCode       int32    `json:"errorCode"`
		CloseConnection bool     `json:"closeConnection"`
		AppName         string   `json:"appName"`
	} `json:"data"`
}

func TestCMAPSpec(t *testing.T) {
	files := spectest.Files(t, ".json", "connection-monitoring-and-pooling", "tests")
	root := spectest.Dir(t, "connection-monitoring-and-pooling", "tests")
	var passed, skipped int
	for _, f := range files {
		name := spectest.Name(root, f)
		ok := t.Run(name, func(t *testing.T) {
			cmapSkips.Check(t, name)
			runCMAPFile(t, f)
		})
		switch {
		case !ok:
		case strings.HasPrefix(name, "logging/"):
			skipped++
		default:
			passed++
		}
	}
	t.Logf("cmap-format: %d files passed, %d skipped (of %d)", passed, skipped, len(files))
}

func runCMAPFile(t *testing.T, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var tc cmapTest
	if err := json.Unmarshal(data, &tc); err != nil {
		t.Fatal(err)
	}
	r := newCMAPRunner(t, &tc)
	mainErr := r.run(tc.Operations)
	events := r.snapshot()
	r.finish()

	if tc.Error != nil {
		if mainErr == nil {
			t.Fatalf("%s: want error %v, got none", tc.Description, tc.Error)
		}
		if want := tc.Error["type"]; want != nil && !errorIsType(mainErr, want.(string)) {
			t.Fatalf("%s: want %v, got %v", tc.Description, want, mainErr)
		}
	} else if mainErr != nil {
		t.Fatalf("%s: unexpected error: %v", tc.Description, mainErr)
	}
	var actual []map[string]any
	for _, e := range events {
		if !contains(tc.Ignore, e.Type.String()) {
			actual = append(actual, eventMap(e))
		}
	}
	for i, want := range tc.Events {
		if i >= len(actual) {
			t.Fatalf("%s: want event %d %v, have only %d events:\n%s", tc.Description, i, want, len(actual), dumpEvents(actual))
		}
		if err := match(want, actual[i], "event "+fmt.Sprint(i)); err != nil {
			t.Fatalf("%s: %v\nevents:\n%s", tc.Description, err, dumpEvents(actual))
		}
	}
}

func errorIsType(err error, typ string) bool {
	switch typ {
	case "PoolClosedError":
		return errors.Is(err, ErrPoolClosed)
	case "WaitQueueTimeoutError":
		return errors.Is(err, ErrWaitQueueTimeout)
	case "PoolClearedError":
		return errors.Is(err, ErrPoolCleared)
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func dumpEvents(evs []map[string]any) string {
	var b strings.Builder
	for i, e := range evs {
		fmt.Fprintf(&b, "  %d: %v\n", i, e)
	}
	return b.String()
}

// eventMap renders an event with the specification's field names.
func eventMap(e Event) map[string]any {
	m := map[string]any{"type": e.Type.String(), "address": e.Address}
	switch e.Type {
	case ConnectionCreated, ConnectionReady, ConnectionClosed, ConnectionCheckedOut, ConnectionCheckedIn:
		m["connectionId"] = float64(e.ConnectionID)
	}
	switch e.Type {
	case ConnectionReady, ConnectionCheckedOut, ConnectionCheckOutFailed:
		m["duration"] = float64(e.Duration.Milliseconds())
	}
	if e.Reason != "" {
		m["reason"] = e.Reason
	}
	if e.Type == PoolCleared {
		m["interruptInUseConnections"] = e.InterruptInUse
	}
	if e.Type == PoolCreated {
		opts := map[string]any{}
		c := e.Options
		set := func(k string, v float64) {
			if v != 0 {
				opts[k] = v
			}
		}
		set("maxPoolSize", float64(c.MaxPoolSize))
		set("minPoolSize", float64(c.MinPoolSize))
		set("maxConnecting", float64(c.MaxConnecting))
		set("maxIdleTimeMS", float64(c.MaxIdleTime.Milliseconds()))
		set("waitQueueTimeoutMS", float64(c.WaitQueueTimeout.Milliseconds()))
		m["options"] = opts
	}
	return m
}

// match is the spec's MATCH: expected is a subset of actual; 42 and "42"
// mean "any value, but present".
func match(want, have any, path string) error {
	if want == float64(42) || want == "42" {
		if have == nil {
			return fmt.Errorf("%s: missing", path)
		}
		return nil
	}
	switch w := want.(type) {
	case map[string]any:
		h, ok := have.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: want a document, have %v", path, have)
		}
		for k, v := range w {
			if err := match(v, h[k], path+"."+k); err != nil {
				return err
			}
		}
		return nil
	case float64:
		h, ok := have.(float64)
		if !ok || math.Abs(h-w) > 1e-9 {
			return fmt.Errorf("%s: want %v, have %v", path, w, have)
		}
		return nil
	default:
		if want != have {
			return fmt.Errorf("%s: want %v, have %v", path, want, have)
		}
		return nil
	}
}

// cmapRunner runs one file's operations.
type cmapRunner struct {
	t    *testing.T
	pool *Pool

	mu     sync.Mutex
	events []Event
	labels map[string]*Conn

	threads map[string]*cmapThread
}

type cmapThread struct {
	ops  chan map[string]any
	done chan struct{}
	err  error
}

func newCMAPRunner(t *testing.T, tc *cmapTest) *cmapRunner {
	r := &cmapRunner{t: t, labels: map[string]*Conn{}, threads: map[string]*cmapThread{}}
	cfg := Config{Monitor: r.record}
	addr := "fake:27017"
	if tc.Style == "integration" {
		srv := mockserver.New(t, mockserver.Options{})
		addr = srv.Addr()
		if fp := tc.FailPoint; fp != nil {
			srv.FailCommand(mockFailPoint(fp))
		}
	} else {
		cfg.Connect = func(ctx context.Context, addr string) (*Conn, error) {
			return NewConn(&fakeNetConn{}, Description{Address: addr}), nil
		}
	}
	for k, v := range tc.PoolOptions {
		f, _ := v.(float64)
		d := time.Duration(f) * time.Millisecond
		switch k {
		case "maxPoolSize":
			cfg.MaxPoolSize = int(f)
			if f == 0 {
				cfg.MaxPoolSize = Unlimited
			}
		case "minPoolSize":
			cfg.MinPoolSize = int(f)
		case "maxConnecting":
			cfg.MaxConnecting = int(f)
		case "maxIdleTimeMS":
			cfg.MaxIdleTime = d
		case "waitQueueTimeoutMS":
			cfg.WaitQueueTimeout = d
		case "backgroundThreadIntervalMS":
			cfg.MaintainInterval = d
			if f < 0 {
				cfg.MaintainInterval = -1
			}
		case "appName":
			cfg.Conn.AppName = v.(string)
		default:
			t.Fatalf("unknown pool option %q", k)
		}
	}
	if tc.Description == "error during minPoolSize population clears pool" || tc.FailPoint != nil {
		// The topology's part: a background establishment error clears
		// the pool (SDAM "handle_pre_handshake_error").
		cfg.BackgroundError = func(err error) { r.pool.Clear(ClearOptions{Cause: err}) }
	}
	r.pool = New(addr, cfg)
	return r
}

func mockFailPoint(fp *cmapFailPoint) mockserver.FailPoint {
	out := mockserver.FailPoint{Commands: fp.Data.FailCommands, AppName: fp.Data.AppName, Code: fp.Data.ErrorCode}
	if fp.Data.BlockConnection {
		out.Delay = time.Duration(fp.Data.BlockTimeMS) * time.Millisecond
	}
	if m, ok := fp.Mode.(map[string]any); ok {
		out.Times = int(m["times"].(float64))
	}
	return out
}

func (r *cmapRunner) record(e Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func (r *cmapRunner) snapshot() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}

// finish stops the threads and closes the pool.
func (r *cmapRunner) finish() {
	for _, th := range r.threads {
		close(th.ops)
		<-th.done
	}
	r.mu.Lock()
	conns := r.labels
	r.labels = nil
	r.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.pool.Close(ctx); err != nil {
		r.t.Errorf("close: %v", err)
	}
	for _, c := range conns {
		_ = r.pool.CheckIn(c)
	}
}

// run executes the main thread's operations and returns its first error.
func (r *cmapRunner) run(ops []map[string]any) error {
	for _, op := range ops {
		if th, _ := op["thread"].(string); th != "" {
			t := r.threads[th]
			if t == nil {
				return fmt.Errorf("thread %q not started", th)
			}
			t.ops <- op
			continue
		}
		if err := r.do(op); err != nil {
			return err
		}
	}
	return nil
}

func (r *cmapRunner) do(op map[string]any) error {
	name, _ := op["name"].(string)
	switch name {
	case "start":
		target := op["target"].(string)
		th := &cmapThread{ops: make(chan map[string]any, 16), done: make(chan struct{})}
		r.threads[target] = th
		go func() {
			defer close(th.done)
			for op := range th.ops {
				if err := r.do(op); err != nil && th.err == nil {
					th.err = err
				}
			}
		}()
	case "wait":
		time.Sleep(time.Duration(op["ms"].(float64)) * time.Millisecond)
	case "waitForThread":
		th := r.threads[op["target"].(string)]
		close(th.ops)
		<-th.done
		delete(r.threads, op["target"].(string))
		return th.err
	case "waitForEvent":
		return r.waitForEvent(op)
	case "checkOut":
		c, err := r.pool.Checkout(context.Background())
		if err != nil {
			return err
		}
		r.mu.Lock()
		if label, _ := op["label"].(string); label != "" {
			r.labels[label] = c
		} else {
			r.labels[fmt.Sprintf("unlabelled-%p", c)] = c
		}
		r.mu.Unlock()
	case "checkIn":
		label := op["connection"].(string)
		r.mu.Lock()
		c := r.labels[label]
		delete(r.labels, label)
		r.mu.Unlock()
		if c == nil {
			return fmt.Errorf("no connection labelled %q", label)
		}
		return r.pool.CheckIn(c)
	case "clear":
		interrupt, _ := op["interruptInUseConnections"].(bool)
		r.pool.Clear(ClearOptions{InterruptInUse: interrupt})
	case "close":
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return r.pool.Close(ctx)
	case "ready":
		r.pool.Ready()
	default:
		return fmt.Errorf("unknown operation %q", name)
	}
	return nil
}

func (r *cmapRunner) waitForEvent(op map[string]any) error {
	typ := op["event"].(string)
	count := int(op["count"].(float64))
	timeout := 10 * time.Second
	if ms, ok := op["timeout"].(float64); ok {
		timeout = time.Duration(ms) * time.Millisecond
	}
	deadline := time.Now().Add(timeout)
	for {
		n := 0
		for _, e := range r.snapshot() {
			if e.Type.String() == typ {
				n++
			}
		}
		if n >= count {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("waitForEvent: %d of %d %s events after %v", n, count, typ, timeout)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// fakeNetConn is a connection that does no I/O: the unit tests never send
// anything on their connections.
type fakeNetConn struct {
	mu     sync.Mutex
	closed bool
}

func (c *fakeNetConn) Read([]byte) (int, error)  { return 0, errors.New("fake connection: no reads") }
func (c *fakeNetConn) Write([]byte) (int, error) { return 0, errors.New("fake connection: no writes") }
func (c *fakeNetConn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	return nil
}
func (c *fakeNetConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (c *fakeNetConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (c *fakeNetConn) SetDeadline(time.Time) error      { return nil }
func (c *fakeNetConn) SetReadDeadline(time.Time) error  { return nil }
func (c *fakeNetConn) SetWriteDeadline(time.Time) error { return nil }
func (c *fakeNetConn) isClosed() bool                   { c.mu.Lock(); defer c.mu.Unlock(); return c.closed }
