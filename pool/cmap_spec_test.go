package pool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
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
	// A trailing "wait" of the spec lets the last events arrive: wait for
	// as many as the case expects (never by firing timers), then compare.
	_ = r.await(func() bool { return len(r.relevant(tc.Ignore)) >= len(tc.Events) }, 0, false)
	actual := r.relevant(tc.Ignore)
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
	for i, want := range tc.Events {
		if i >= len(actual) {
			t.Fatalf("%s: want event %d %v, have only %d events:\n%s", tc.Description, i, want, len(actual), dumpEvents(actual))
		}
		if err := match(want, actual[i], "event "+fmt.Sprint(i)); err != nil {
			t.Fatalf("%s: %v\nevents:\n%s", tc.Description, err, dumpEvents(actual))
		}
	}
}

// relevant returns the events recorded so far that the case does not
// ignore, as maps.
func (r *cmapRunner) relevant(ignore []string) []map[string]any {
	var out []map[string]any
	for _, e := range r.snapshot() {
		if !contains(ignore, e.Type.String()) {
			out = append(out, eventMap(e))
		}
	}
	return out
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
//
// Timing is virtual (vclock): the pool's wait-queue timer and idle times,
// the spec's "wait" operations and waitForEvent timeouts, and the
// fail point's blockConnection (played by the runner's Connect, which
// sleeps on the virtual clock before dialing the mock server for real).
// Virtual time advances only when the test has settled: every thread is
// idle or parked (queued in the pool, or in a blocked establishment), every
// establishment is blocked, and the background goroutine has nothing to
// do. The spec's timings thus hold however slow the machine is.
type cmapRunner struct {
	t     *testing.T
	pool  *Pool
	clock *vclock

	mu     sync.Mutex
	events []Event
	labels map[string]*Conn

	main      *cmapThread
	threads   map[string]*cmapThread
	checkouts atomic.Int64 // Checkout calls of the runner's threads in progress
}

type cmapThread struct {
	ops     chan map[string]any
	done    chan struct{}
	pending atomic.Int64 // operations sent and not finished
	err     error        // the first error; read after done
}

// checkoutKey marks the context of a runner's checkout, so that the clock
// tells a checkout's establishment from the background goroutine's.
type checkoutKey struct{}

func newCMAPRunner(t *testing.T, tc *cmapTest) *cmapRunner {
	r := &cmapRunner{t: t, labels: map[string]*Conn{}, threads: map[string]*cmapThread{}, clock: newVClock()}
	cfg := Config{Monitor: r.record, clock: r.clock}
	addr := "fake:27017"
	if tc.Style == "integration" {
		srv := mockserver.New(t, mockserver.Options{})
		addr = srv.Addr()
		var block time.Duration
		if fp := tc.FailPoint; fp != nil {
			if fp.Data.BlockConnection {
				block = time.Duration(fp.Data.BlockTimeMS) * time.Millisecond
			}
			if fp.Data.ErrorCode != 0 || fp.Data.CloseConnection {
				srv.FailCommand(mockFailPoint(fp))
			}
		}
		cfg.Connect = func(ctx context.Context, addr string) (*Conn, error) {
			if block > 0 {
				if err := r.clock.sleep(ctx, block, ctx.Value(checkoutKey{}) != nil); err != nil {
					return nil, &ConnError{Addr: addr, Stage: StageHello, Err: err}
				}
			}
			return r.pool.dial(ctx, addr)
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
		// The topology's part: an establishment error clears the pool
		// (SDAM "handle_pre_handshake_error").
		cfg.EstablishError = func(err error) { r.pool.Clear(ClearOptions{Cause: err}) }
	}
	r.pool = New(addr, cfg)
	r.main = r.startThread()
	return r
}

// mockFailPoint is the part of a failCommand fail point that the mock
// server plays: error codes and closed connections (blockConnection is the
// runner's, on the virtual clock).
func mockFailPoint(fp *cmapFailPoint) mockserver.FailPoint {
	out := mockserver.FailPoint{Commands: fp.Data.FailCommands, AppName: fp.Data.AppName, Code: fp.Data.ErrorCode}
	if fp.Data.CloseConnection {
		out.Action = mockserver.CloseAfterRead
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

func (r *cmapRunner) startThread() *cmapThread {
	th := &cmapThread{ops: make(chan map[string]any, 16), done: make(chan struct{})}
	go func() {
		defer close(th.done)
		for op := range th.ops {
			if err := r.do(op); err != nil && th.err == nil {
				th.err = err
			}
			th.pending.Add(-1)
		}
	}()
	return th
}

func (th *cmapThread) send(op map[string]any) {
	th.pending.Add(1)
	th.ops <- op
}

// finish lets the threads end (firing timers as needed), then closes the
// pool.
func (r *cmapRunner) finish() {
	for _, th := range r.threads {
		if err := r.await(func() bool { return th.pending.Load() == 0 }, 0, true); err != nil {
			r.t.Errorf("finish: %v", err)
		}
	}
	for _, th := range r.threads {
		close(th.ops)
		<-th.done
	}
	close(r.main.ops)
	<-r.main.done
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

// run executes the operations and returns the main thread's first error.
// The main thread's operations run on their own goroutine while this one
// drives the clock.
func (r *cmapRunner) run(ops []map[string]any) error {
	for _, op := range ops {
		name, _ := op["name"].(string)
		if th, _ := op["thread"].(string); th != "" {
			t := r.threads[th]
			if t == nil {
				return fmt.Errorf("thread %q not started", th)
			}
			t.send(op)
			continue
		}
		var err error
		switch name {
		case "start":
			r.threads[op["target"].(string)] = r.startThread()
		case "wait":
			err = r.wait(time.Duration(op["ms"].(float64)) * time.Millisecond)
		case "waitForThread":
			target := op["target"].(string)
			th := r.threads[target]
			if err = r.await(func() bool { return th.pending.Load() == 0 }, 0, true); err == nil {
				close(th.ops)
				<-th.done
				delete(r.threads, target)
				err = th.err
			}
		case "waitForEvent":
			err = r.waitForEvent(op)
		default:
			r.main.send(op)
			if err = r.await(func() bool { return r.main.pending.Load() == 0 }, 0, true); err == nil {
				err = r.main.err
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (r *cmapRunner) do(op map[string]any) error {
	name, _ := op["name"].(string)
	switch name {
	case "checkOut":
		ctx := context.WithValue(context.Background(), checkoutKey{}, true)
		r.checkouts.Add(1)
		c, err := r.pool.Checkout(ctx)
		r.checkouts.Add(-1)
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
	n := func() int {
		n := 0
		for _, e := range r.snapshot() {
			if e.Type.String() == typ {
				n++
			}
		}
		return n
	}
	if err := r.await(func() bool { return n() >= count }, timeout, true); err != nil {
		return fmt.Errorf("waitForEvent: %d of %d %s events: %w", n(), count, typ, err)
	}
	return nil
}

// realLimit bounds every wait of the runner in real time: reached only
// when the pool is broken (an event that never comes, a thread that never
// ends), never because the machine is slow.
const realLimit = 20 * time.Second

// wait is the spec's "wait": virtual time passes by d, firing the timers
// due meanwhile, each once everything else has settled.
func (r *cmapRunner) wait(d time.Duration) error {
	target := r.clock.elapsed() + d
	for {
		if err := r.settle(); err != nil {
			return err
		}
		if at, ok := r.clock.next(); ok && at <= target {
			r.clock.fireNext()
			continue
		}
		r.clock.advanceTo(target)
		return nil
	}
}

// await waits until cond holds. With fire, whenever the test has settled
// and cond still fails, it fires the next timer that is due within
// timeout of virtual time (0: any); when none is, it keeps polling in
// real time (events that finish an action already taken may still come)
// up to realLimit.
func (r *cmapRunner) await(cond func() bool, timeout time.Duration, fire bool) error {
	limit := time.Now().Add(realLimit)
	vlimit := r.clock.elapsed() + timeout
	for !cond() {
		if fire && r.settledTwice() && !cond() { // cond again: it may hold now
			if at, ok := r.clock.next(); ok && (timeout == 0 || at <= vlimit) {
				r.clock.fireNext()
				continue
			}
		}
		if time.Now().After(limit) {
			return fmt.Errorf("nothing happened for %v (virtual time %v): %s", realLimit, r.clock.elapsed(), r.state())
		}
		time.Sleep(50 * time.Microsecond)
	}
	return nil
}

// settle waits until the test has settled.
func (r *cmapRunner) settle() error {
	limit := time.Now().Add(realLimit)
	for !r.settledTwice() {
		if time.Now().After(limit) {
			return fmt.Errorf("the test never settled in %v: %s", realLimit, r.state())
		}
		time.Sleep(50 * time.Microsecond)
	}
	return nil
}

// settledTwice checks twice, a moment apart, so that a goroutine between
// two of the counters read does not pass for parked.
func (r *cmapRunner) settledTwice() bool {
	if !r.settled() {
		return false
	}
	runtime.Gosched()
	time.Sleep(20 * time.Microsecond)
	return r.settled()
}

// settled reports whether nothing can happen until a timer fires: every
// operation sent to a thread is a checkout parked in the pool's wait
// queue or in a blocked establishment, every establishment is blocked,
// no fired timer is still being acted upon, and the background goroutine
// has nothing to do now.
func (r *cmapRunner) settled() bool {
	busy := r.main.pending.Load()
	for _, th := range r.threads {
		n := th.pending.Load()
		if n > 1 {
			return false
		}
		busy += n
	}
	if busy != r.checkouts.Load() {
		return false // some operation is running outside Checkout
	}
	sleeping, sleepingCheckouts, inFlight := r.clock.blocked()
	if inFlight > 0 {
		return false
	}
	p := r.pool
	p.mu.Lock()
	defer p.mu.Unlock()
	if busy != int64(p.queue.n+sleepingCheckouts) || len(p.pendings) != sleeping {
		return false
	}
	return !p.backgroundHasWorkLocked()
}

func (r *cmapRunner) state() string {
	sleeping, sc, inFlight := r.clock.blocked()
	return fmt.Sprintf("main busy %d, checkouts %d, sleeping %d (%d of checkouts), timers in flight %d, stats %+v",
		r.main.pending.Load(), r.checkouts.Load(), sleeping, sc, inFlight, r.pool.Stats())
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
