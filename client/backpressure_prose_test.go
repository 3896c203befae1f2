package client_test

// The prose tests of the client backpressure spec (its tests/README.md:
// 1, 3, 4; and 4 of the earlier adaptive-retries version, for the token
// bucket) and the backpressure sections of the retryable reads README
// (3.1-3.3, 4, 5) and retryable writes README (6, cases 1-5), and, while
// the client-backpressure test directory is not in the specs, two of its
// unified cases written in Go (runCommand requirements, connection
// checkin), against
// mongotest (a standalone server, or a replica set where the test says
// so), whose failCommand fail points take errorLabels. Fail points armed
// "via the CommandFailedEvent" are armed from the command monitor. The
// backoff runs on a virtual clock (client.SetBackoff): the waits are
// recorded, not waited.

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/mockserver"
	"github.com/torque-go/torque/mongotest"
	"github.com/torque-go/torque/pool"
)

var overloadLabels = []string{"RetryableError", "SystemOverloadedError"}

// bpEvents records command events and the backoff's waits.
type bpEvents struct {
	mu        sync.Mutex
	started   []string // command names
	addrs     []string // the address of each started command
	succeeded []string // the address of each succeeded command
	failed    []string // the address of each failed command
	waits     []time.Duration
	onFailed  func(client.CommandFailedEvent)
}

func (e *bpEvents) monitor() client.CommandMonitor {
	return client.MonitorFuncs{
		OnStarted: func(ev client.CommandStartedEvent) {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.started = append(e.started, ev.CommandName)
			e.addrs = append(e.addrs, ev.Address)
		},
		OnSucceeded: func(ev client.CommandSucceededEvent) {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.succeeded = append(e.succeeded, ev.Address)
		},
		OnFailed: func(ev client.CommandFailedEvent) {
			e.mu.Lock()
			e.failed = append(e.failed, ev.Address)
			f := e.onFailed
			e.mu.Unlock()
			if f != nil {
				f(ev)
			}
		},
	}
}

func (e *bpEvents) sleep(ctx context.Context, d time.Duration) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.waits = append(e.waits, d)
	return ctx.Err()
}

// count is the number of name commands started.
func (e *bpEvents) count(name string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, s := range e.started {
		if s == name {
			n++
		}
	}
	return n
}

// reset forgets the events so far.
func (e *bpEvents) reset() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.started, e.addrs, e.succeeded, e.failed, e.waits = nil, nil, nil, nil, nil
}

// bpClient connects to uri with ev's monitor and ev's virtual clock, the
// jitter fixed at j.
func bpClient(t *testing.T, uri string, ev *bpEvents, j float64, opts client.Options) *client.Client {
	opts.Monitor = ev.monitor()
	c := connect(t, uri, opts)
	client.SetBackoff(c, func() float64 { return j }, ev.sleep)
	return c
}

// wantOverload fails unless err is a server error carrying both labels
// (and code, when not 0).
func wantOverload(t *testing.T, what string, err error, code int32) {
	t.Helper()
	var ce *client.CommandError
	if !errors.As(err, &ce) || code != 0 && ce.Code != code {
		t.Fatalf("%s: %v, want a server error %d", what, err, code)
	}
	if !client.HasErrorLabel(err, "RetryableError") || !client.HasErrorLabel(err, "SystemOverloadedError") {
		t.Errorf("%s: %v lacks the RetryableError and SystemOverloadedError labels", what, err)
	}
}

// Backpressure 1: retries after an overload error back off: with the
// jitter at 0 there is no wait, at 1 the two retries wait 100ms + 200ms.
func TestBackpressureProse1ExponentialBackoff(t *testing.T) {
	srv := mongotest.New(t)
	srv.FailCommand(mongotest.FailPoint{Commands: []string{"insert"}, ErrorCode: 2, ErrorLabels: overloadLabels})
	for _, tc := range []struct {
		jitter float64
		waits  []time.Duration
	}{{0, nil}, {1, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}}} {
		var ev bpEvents
		coll := bpClient(t, srv.URI(), &ev, tc.jitter, client.Options{}).Database("db").Collection("c")
		_, err := coll.InsertOne(testContext(t), bson.D{bson.KV("a", 1)})
		wantOverload(t, "InsertOne", err, 2)
		if len(ev.waits) != len(tc.waits) || len(tc.waits) == 2 && (ev.waits[0] != tc.waits[0] || ev.waits[1] != tc.waits[1]) {
			t.Errorf("jitter %v: waits %v, want %v", tc.jitter, ev.waits, tc.waits)
		}
		if ev.count("insert") != 3 {
			t.Errorf("jitter %v: %d inserts, want 3", tc.jitter, ev.count("insert"))
		}
	}
}

// Backpressure 3 and 4: an overload error is retried MAX_RETRIES (2)
// times, or maxAdaptiveRetries times when set (1, and 0 for none).
func TestBackpressureProse3And4MaxRetries(t *testing.T) {
	srv := mongotest.New(t)
	srv.FailCommand(mongotest.FailPoint{Commands: []string{"find"}, ErrorCode: 462, ErrorLabels: overloadLabels})
	one, zero := 1, 0
	for _, tc := range []struct {
		name  string
		uri   string
		opts  client.Options
		finds int
	}{
		{"default", srv.URI(), client.Options{}, 3},
		{"maxAdaptiveRetries=1", srv.URI(), client.Options{MaxAdaptiveRetries: &one}, 2},
		{"maxAdaptiveRetries=0 in the URI", srv.URI() + "&maxAdaptiveRetries=0", client.Options{}, 1},
		{"maxAdaptiveRetries=0", srv.URI(), client.Options{MaxAdaptiveRetries: &zero}, 1},
	} {
		var ev bpEvents
		coll := bpClient(t, tc.uri, &ev, 0, tc.opts).Database("db").Collection("c")
		_, err := coll.Find(testContext(t), bson.D{})
		wantOverload(t, tc.name, err, 462)
		if ev.count("find") != tc.finds {
			t.Errorf("%s: %d finds started, want %d", tc.name, ev.count("find"), tc.finds)
		}
	}
}

// The token bucket (adaptive retries, opt-in): a new client's bucket is
// full (1000) and a success does not overfill it; with two tokens, three
// overload errors allow two retries, whatever maxAdaptiveRetries allows.
func TestBackpressureProseTokenBucket(t *testing.T) {
	srv := mongotest.New(t)
	five := 5
	var ev bpEvents
	c := bpClient(t, srv.URI(), &ev, 0, client.Options{AdaptiveRetries: true, MaxAdaptiveRetries: &five})
	if got := client.RetryTokens(c, -1); got != 1000 {
		t.Fatalf("a new client's bucket holds %v tokens, want 1000", got)
	}
	ctx := testContext(t)
	if err := c.Database("admin").RunCommand(ctx, bson.D{bson.KV("ping", 1)}).Err(); err != nil {
		t.Fatal(err)
	}
	if got := client.RetryTokens(c, -1); got != 1000 {
		t.Errorf("after a ping the bucket holds %v tokens, want 1000 (its capacity)", got)
	}
	client.RetryTokens(c, 2)
	srv.FailCommand(mongotest.FailPoint{Commands: []string{"find"}, Times: 3, ErrorCode: 462, ErrorLabels: overloadLabels})
	_, err := c.Database("db").Collection("c").Find(ctx, bson.D{})
	wantOverload(t, "Find", err, 462)
	if ev.count("find") != 3 {
		t.Errorf("%d finds started, want 3: the first and two retries, one token each", ev.count("find"))
	}
	if got := client.RetryTokens(c, -1); got != 0 {
		t.Errorf("%v tokens left, want 0", got)
	}
	if d := connect(t, srv.URI()); client.RetryTokens(d, -1) != -1 {
		t.Error("a client without AdaptiveRetries has a token bucket")
	}
}

// Commands that no other rule retries are retried after overload errors
// (two failures: success; three: the overload error): updateMany,
// RunCommand, a getMore.
func TestBackpressureAnyCommand(t *testing.T) {
	srv := mongotest.New(t)
	var ev bpEvents
	c := bpClient(t, srv.URI(), &ev, 0, client.Options{})
	ctx := testContext(t)
	coll := c.Database("db").Collection("c")
	for i := range 5 {
		if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", i)}); err != nil {
			t.Fatal(err)
		}
	}
	ops := map[string]func() error{
		"update": func() error {
			_, err := coll.UpdateMany(ctx, bson.D{}, bson.D{bson.KV("$set", bson.D{bson.KV("x", 1)})})
			return err
		},
		"count": func() error {
			return c.Database("db").RunCommand(ctx, bson.D{bson.KV("count", "c")}).Err()
		},
		"getMore": func() error {
			cur, err := coll.Find(ctx, bson.D{}, client.FindOptions{BatchSize: 2})
			if err != nil {
				return err
			}
			defer cur.Close(ctx)
			n := 0
			for cur.Next(ctx) {
				n++
			}
			if cur.Err() == nil && n != 5 {
				t.Errorf("getMore: %d documents, want 5", n)
			}
			return cur.Err()
		},
	}
	for name, op := range ops {
		for _, times := range []int{2, 3} {
			ev.reset()
			srv.FailCommand(mongotest.FailPoint{Commands: []string{name}, Times: times, ErrorCode: 462, ErrorLabels: overloadLabels})
			err := op()
			if times == 2 && err != nil {
				t.Errorf("%s after 2 overload errors: %v, want success", name, err)
			}
			if times == 3 {
				wantOverload(t, name, err, 462)
			}
			srv.FailCommand(mongotest.FailPoint{Off: true})
		}
	}
}

// Retryable reads 3.1-3.3, on a replica set with primaryPreferred: a
// find that fails once on the primary is retried on a secondary only for
// an overload error with enableOverloadRetargeting; otherwise on the
// primary again.
func TestRetryableReadsProse3ReplicaSetRetargeting(t *testing.T) {
	rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{})
	on := true
	for _, tc := range []struct {
		name     string
		labels   []string
		retarget *bool
		sameHost bool
	}{
		{"3.1 overload, enableOverloadRetargeting", overloadLabels, &on, false},
		{"3.2 other error", []string{"RetryableError"}, nil, true},
		{"3.3 overload, no retargeting", overloadLabels, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ev bpEvents
			c := bpClient(t, rs.URI(), &ev, 0, client.Options{
				ReadPreference: client.ReadPref{Mode: client.PrimaryPreferred}, EnableOverloadRetargeting: tc.retarget})
			ctx := testContext(t)
			// Let the client know a secondary first.
			sec := client.ReadPref{Mode: client.Secondary}
			if err := c.Database("db", client.CollectionOptions{ReadPreference: &sec}).RunCommand(ctx, bson.D{bson.KV("ping", 1)}).Err(); err != nil {
				t.Fatal(err)
			}
			rs.FailCommand(rs.Primary(), mongotest.FailPoint{Commands: []string{"find"}, Times: 1, ErrorCode: 6, ErrorLabels: tc.labels})
			ev.reset()
			if _, err := c.Database("db").Collection("c").Find(ctx, bson.D{}); err != nil {
				t.Fatal(err)
			}
			if len(ev.failed) != 1 || len(ev.succeeded) != 1 {
				t.Fatalf("%d failed and %d succeeded events, want 1 and 1", len(ev.failed), len(ev.succeeded))
			}
			if same := ev.failed[0] == ev.succeeded[0]; same != tc.sameHost {
				t.Errorf("failed on %s, succeeded on %s; want the same server: %v", ev.failed[0], ev.succeeded[0], tc.sameHost)
			}
		})
	}
}

// Retryable reads 4 and 5: after an overload error, later retryable
// errors (without the overload label) are retried up to MAX_RETRIES (2)
// times in all, and only the overload error backs off.
func TestRetryableReadsProse4And5OverloadBound(t *testing.T) {
	srv := mongotest.New(t)
	var ev bpEvents
	coll := bpClient(t, srv.URI(), &ev, 1, client.Options{}).Database("db").Collection("c")
	srv.FailCommand(mongotest.FailPoint{Commands: []string{"find"}, Times: 1, ErrorCode: 91, ErrorLabels: overloadLabels})
	var once sync.Once
	ev.onFailed = func(e client.CommandFailedEvent) {
		if client.HasErrorLabel(e.Failure, "SystemOverloadedError") {
			once.Do(func() {
				srv.FailCommand(mongotest.FailPoint{Commands: []string{"find"}, ErrorCode: 91, ErrorLabels: []string{"RetryableError"}})
			})
		}
	}
	err := coll.FindOne(testContext(t), bson.D{}).Err()
	var ce *client.CommandError
	if !errors.As(err, &ce) || ce.Code != 91 {
		t.Fatalf("FindOne: %v, want the server error 91", err)
	}
	if ev.count("find") != 3 {
		t.Errorf("%d finds started, want MAX_RETRIES + 1 = 3", ev.count("find"))
	}
	if len(ev.waits) != 1 || ev.waits[0] != 100*time.Millisecond {
		t.Errorf("backoffs %v, want one (100ms at jitter 1) for the overload error only", ev.waits)
	}
}

// Retryable writes 6, cases 1-5, on a replica set: which error an
// insertOne returns after an overload error and later errors with or
// without NoWritesPerformed; MAX_RETRIES bounds the later
// RetryableWriteErrors; only the overload error backs off.
func TestRetryableWritesProse6ErrorPropagation(t *testing.T) {
	nwp := append([]string{"NoWritesPerformed"}, overloadLabels...)
	for _, tc := range []struct {
		name        string
		first       []string
		laterCode   int32
		later       []string
		wantCode    int32
		wantNWP     bool
		inserts     int
		waits       int
		overloadAll bool
	}{
		{"1 no NoWritesPerformed", overloadLabels, 10107, overloadLabels, 10107, false, 3, 2, true},
		{"2 all NoWritesPerformed", nwp, 10107, nwp, 91, true, 3, 2, true},
		{"3 first without, then with", overloadLabels, 91, nwp, 91, false, 3, 2, true},
		{"4 and 5 then RetryableWriteErrors", overloadLabels, 91, []string{"RetryableError", "RetryableWriteError"}, 91, false, 3, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{})
			var ev bpEvents
			coll := bpClient(t, rs.URI(), &ev, 1, client.Options{}).Database("db").Collection("c")
			ctx := testContext(t)
			if err := coll.Database().RunCommand(ctx, bson.D{bson.KV("ping", 1)}).Err(); err != nil {
				t.Fatal(err)
			}
			p := rs.Primary()
			rs.FailCommand(p, mongotest.FailPoint{Commands: []string{"insert"}, Times: 1, ErrorCode: 91, ErrorLabels: tc.first})
			var once sync.Once
			ev.onFailed = func(e client.CommandFailedEvent) {
				var ce *client.CommandError
				if errors.As(e.Failure, &ce) && ce.Code == 91 {
					once.Do(func() {
						rs.FailCommand(p, mongotest.FailPoint{Commands: []string{"insert"}, ErrorCode: tc.laterCode, ErrorLabels: tc.later})
					})
				}
			}
			_, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1)})
			var ce *client.CommandError
			if !errors.As(err, &ce) || ce.Code != tc.wantCode {
				t.Fatalf("InsertOne: %v, want the server error %d", err, tc.wantCode)
			}
			if got := client.HasErrorLabel(err, "NoWritesPerformed"); got != tc.wantNWP {
				t.Errorf("InsertOne: %v has NoWritesPerformed: %v, want %v", err, got, tc.wantNWP)
			}
			if ev.count("insert") != tc.inserts || len(ev.waits) != tc.waits {
				t.Errorf("%d inserts and %d backoffs, want %d and %d", ev.count("insert"), len(ev.waits), tc.inserts, tc.waits)
			}
		})
	}
}

// Handshake prose test 9: every handshake document (the connection
// handshakes of the pool and of the monitors, those with client
// metadata) carries backpressure: "2".
func TestHandshakeProse9Backpressure(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	c := connect(t, srv.URI())
	if err := c.Ping(testContext(t)); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range srv.Requests() {
		if r.Lookup("client").IsZero() {
			continue // a monitor's later hellos: not handshakes
		}
		n++
		if v, _ := r.Lookup("backpressure").StringValue(); v != "2" {
			t.Errorf("handshake %s: backpressure %v, want \"2\"", r.Command, r.Lookup("backpressure"))
		}
	}
	if n < 2 {
		t.Errorf("%d handshakes recorded, want the monitor's and the pool's", n)
	}
}

// RunCommand is retried after an overload error only when both
// retryReads and retryWrites are on (the client-backpressure suite's
// backpressure-runCommand-requirements cases, written here while that
// directory is not in the specs).
func TestBackpressureRunCommandRequirements(t *testing.T) {
	srv := mongotest.New(t)
	off := false
	for _, tc := range []struct {
		name  string
		opts  client.Options
		pings int
	}{
		{"defaults", client.Options{}, 2},
		{"retryReads=false", client.Options{RetryReads: &off}, 1},
		{"retryWrites=false", client.Options{RetryWrites: &off}, 1},
	} {
		var ev bpEvents
		c := bpClient(t, srv.URI(), &ev, 0, tc.opts)
		srv.FailCommand(mongotest.FailPoint{Commands: []string{"ping"}, Times: 1, ErrorCode: 2, ErrorLabels: overloadLabels})
		err := c.Database("db").RunCommand(testContext(t), bson.D{bson.KV("ping", 1)}).Err()
		if (err == nil) != (tc.pings == 2) || ev.count("ping") != tc.pings {
			t.Errorf("%s: %v after %d pings, want %d pings", tc.name, err, ev.count("ping"), tc.pings)
		}
		srv.FailCommand(mongotest.FailPoint{Off: true})
	}
}

// The connection of a failed attempt is back in its pool before the
// backoff (the client-backpressure suite's backpressure-connection-checkin
// case): no connection is checked out during a wait, and the checkouts
// and checkins pair up, one per attempt.
func TestBackpressureConnectionCheckedInDuringBackoff(t *testing.T) {
	srv := mongotest.New(t)
	srv.FailCommand(mongotest.FailPoint{Commands: []string{"find"}, ErrorCode: 2, ErrorLabels: overloadLabels})
	var mu sync.Mutex
	out, in := 0, 0
	var ev bpEvents
	c := bpClient(t, srv.URI(), &ev, 1, client.Options{PoolMonitor: func(e pool.Event) {
		mu.Lock()
		defer mu.Unlock()
		switch e.Type {
		case pool.ConnectionCheckedOut:
			out++
		case pool.ConnectionCheckedIn:
			in++
		}
	}})
	var during []int
	client.SetBackoff(c, func() float64 { return 1 }, func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		during = append(during, out-in)
		return nil
	})
	_, err := c.Database("db").Collection("c").Find(testContext(t), bson.D{})
	wantOverload(t, "Find", err, 2)
	mu.Lock()
	defer mu.Unlock()
	if len(during) != 2 || during[0] != 0 || during[1] != 0 {
		t.Errorf("connections checked out during the backoffs: %v, want [0 0]", during)
	}
	if out != 3 || in != 3 {
		t.Errorf("%d checkouts and %d checkins, want 3 and 3", out, in)
	}
}
