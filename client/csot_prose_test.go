package client_test

// The CSOT README's prose tests that need no mongocryptd, no
// authentication handshake fail point and no tailable cursor, against
// mongotest (standalone, or a replica set where the test says so): a
// fail point with blockTimeMS makes a command slower than timeoutMS. The
// timings are the README's or, where a shared machine could miss them,
// ten times larger with the same ratio; the only bounds on elapsed time
// are generous ones (a failure that should come at once must not take
// 20s). 4 is in csot_prose_pool_test.go (an authenticated mongotest), 11
// in csot_prose_bulkwrite_test.go. Not here: 2 and 3 (mongocryptd,
// client-side encryption: torque has neither), the tailable-cursor half
// of 5 (mongotest has no tailable cursors), the handshake cases of 8.

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/gridfs"
	"github.com/torque-go/torque/internal/mockserver"
	"github.com/torque-go/torque/mongotest"
)

// csotEvents records command events from any goroutine.
type csotEvents struct {
	mu      sync.Mutex
	started []string // "name ns-or-db"
	failed  []client.CommandFailedEvent
	cmds    []bson.Raw
}

func (e *csotEvents) monitor() client.CommandMonitor {
	return client.MonitorFuncs{
		OnStarted: func(ev client.CommandStartedEvent) {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.started = append(e.started, ev.CommandName)
			e.cmds = append(e.cmds, bytes.Clone(ev.Command))
		},
		OnFailed: func(ev client.CommandFailedEvent) {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.failed = append(e.failed, ev)
		},
	}
}

// count returns how many name commands started (on collection coll when
// not "").
func (e *csotEvents) count(name, coll string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for i, s := range e.started {
		if s != name {
			continue
		}
		if c, _ := e.cmds[i].Lookup(name).StringValue(); coll == "" || c == coll {
			n++
		}
	}
	return n
}

// failedWithTimeout reports whether a name command failed with a timeout.
func (e *csotEvents) failedWithTimeout(name string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, f := range e.failed {
		if f.CommandName == name && client.IsTimeout(f.Failure) {
			return true
		}
	}
	return false
}

func wantTimeout(t *testing.T, what string, err error) {
	t.Helper()
	if !client.IsTimeout(err) {
		t.Fatalf("%s: %v (%T), want a timeout", what, err, err)
	}
}

// 1. Multi-batch inserts: timeoutMS bounds the whole insertMany, not each
// batch. The README's version (50 documents of 1 MB against a standalone
// server, blocks of 1010ms, timeoutMS=2000) leaves under a second for
// encoding and storing 47 MB, which a loaded machine or the race detector
// exceeds; the mock server gets the same two batches from a
// maxWriteBatchSize of 2 and four small documents, each insert answered
// after 300ms, with timeoutMS=500: each batch fits the timeout, the two
// together do not.
func TestCSOTProseMultiBatchInsert(t *testing.T) {
	srv := primary(t, mockserver.Hello{MaxWriteBatchSize: 2})
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"insert"}, Delay: 300 * time.Millisecond})
	var ev csotEvents
	coll := connect(t, srv.URI(), client.Options{Timeout: 500 * time.Millisecond, Monitor: ev.monitor()}).Database("db").Collection("coll")
	docs := []any{bson.D{bson.KV("_id", 1)}, bson.D{bson.KV("_id", 2)}, bson.D{bson.KV("_id", 3)}, bson.D{bson.KV("_id", 4)}}
	_, err := coll.InsertMany(testContext(t), docs)
	wantTimeout(t, "InsertMany", err)
	if n := ev.count("insert", "coll"); n != 2 {
		t.Errorf("%d insert commands (%v), want 2 (the second batch is cut by the timeout)", n, ev.started)
	}
}

// 5. Blocking iteration of a change stream: one Next is bounded by
// timeoutMS as a whole (its getMores together), and a timeout leaves the
// stream usable: the next call resumes.
func TestCSOTProseChangeStreamNext(t *testing.T) {
	ctx := testContext(t)
	rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{})
	var ev csotEvents
	coll := connect(t, rs.URI(), client.Options{Timeout: 200 * time.Millisecond, Monitor: ev.monitor()}).Database("db").Collection("coll")
	cs, err := coll.Watch(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close(ctx)
	rs.FailCommand(rs.Primary(), mongotest.FailPoint{Commands: []string{"getMore"}, BlockTime: 150 * time.Millisecond})
	start := time.Now()
	if cs.Next(ctx) {
		t.Fatal("an event on an empty collection")
	}
	wantTimeout(t, "Next", cs.Err())
	if !errors.Is(cs.Err(), context.DeadlineExceeded) {
		t.Errorf("Next: %v, want errors.Is(err, context.DeadlineExceeded)", cs.Err())
	}
	if time.Since(start) > 20*time.Second {
		t.Errorf("Next took %v with timeoutMS=200", time.Since(start))
	}
	if ev.count("aggregate", "coll") != 1 || ev.count("getMore", "") < 1 {
		t.Errorf("commands %v, want one aggregate and getMores", ev.started)
	}
	rs.FailCommand(rs.Primary(), mongotest.FailPoint{Commands: []string{"getMore"}, Off: true})
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	if !cs.Next(ctx) {
		t.Fatalf("Next after a timeout: %v, want the insert event (the stream stays usable)", cs.Err())
	}
}

// 6. GridFS upload: a stream's Close and Abort are bounded by timeoutMS.
func TestCSOTProseGridFSUpload(t *testing.T) {
	for _, tc := range []struct {
		name, cmd string
		end       func(*gridfs.UploadStream) error
	}{
		{"close", "insert", (*gridfs.UploadStream).Close},
		{"abort", "delete", (*gridfs.UploadStream).Abort},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := testContext(t)
			srv := mongotest.New(t)
			c := connect(t, srv.URI(), client.Options{Timeout: 150 * time.Millisecond})
			b, err := gridfs.NewBucket(c.Database("db"), gridfs.BucketOptions{ChunkSize: 2})
			if err != nil {
				t.Fatal(err)
			}
			u, err := b.OpenUploadStream(ctx, "filename")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := u.Write([]byte{1, 2, 3, 4}); err != nil {
				t.Fatal(err)
			}
			srv.FailCommand(mongotest.FailPoint{Commands: []string{tc.cmd}, Times: 1, BlockTime: 200 * time.Millisecond})
			wantTimeout(t, tc.name, tc.end(u))
		})
	}
}

// 7. GridFS download: reading a stream is bounded by the timeoutMS that
// started when it was opened.
func TestCSOTProseGridFSDownload(t *testing.T) {
	ctx := testContext(t)
	srv := mongotest.New(t)
	internal := connect(t, srv.URI())
	file := bson.D{bson.KV("_id", bson.ObjectID{5}), bson.KV("length", int64(10)), bson.KV("chunkSize", int32(4)),
		bson.KV("uploadDate", bson.DateTime(0)), bson.KV("filename", "length-10")}
	if _, err := internal.Database("db").Collection("fs.files").InsertOne(ctx, file); err != nil {
		t.Fatal(err)
	}
	var ev csotEvents
	c := connect(t, srv.URI(), client.Options{Timeout: 150 * time.Millisecond, Monitor: ev.monitor()})
	b, err := gridfs.NewBucket(c.Database("db"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := b.OpenDownloadStream(ctx, bson.ObjectID{5})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	srv.FailCommand(mongotest.FailPoint{Commands: []string{"find"}, Times: 1, BlockTime: 200 * time.Millisecond})
	_, err = d.Read(make([]byte, 10))
	wantTimeout(t, "Read", err)
	if ev.count("find", "fs.files") != 1 || ev.count("find", "fs.chunks") != 1 {
		t.Errorf("commands %v, want a find on fs.files and one on fs.chunks", ev.started)
	}
}

// 8. Server selection: timeoutMS bounds it when lower than
// serverSelectionTimeoutMS; with timeoutMS=0, serverSelectionTimeoutMS
// does. Nothing listens on port 1.
func TestCSOTProseServerSelection(t *testing.T) {
	for _, uri := range []string{
		"mongodb://127.0.0.1:1/?timeoutMS=100&serverSelectionTimeoutMS=30000",
		"mongodb://127.0.0.1:1/?timeoutMS=0&serverSelectionTimeoutMS=100",
		"mongodb://127.0.0.1:1/?timeoutMS=30000&serverSelectionTimeoutMS=100",
	} {
		t.Run(uri[strings.Index(uri, "?")+1:], func(t *testing.T) {
			c := connect(t, uri)
			start := time.Now()
			err := c.Ping(testContext(t))
			var se *client.ServerSelectionError
			if !errors.As(err, &se) || !client.IsTimeout(err) {
				t.Fatalf("Ping: %v (%T), want a server selection timeout", err, err)
			}
			if time.Since(start) > 20*time.Second {
				t.Errorf("selection took %v, want the lower limit (100ms)", time.Since(start))
			}
		})
	}
}

// 9. endSession: the abortTransaction it sends is bounded by timeoutMS,
// set on the client, as the session's DefaultTimeout, or on EndSession's
// context.
func TestCSOTProseEndSession(t *testing.T) {
	ms150 := 150 * time.Millisecond
	for _, tc := range []struct {
		name    string
		opts    client.Options
		sess    client.SessionOptions
		withCtx bool
	}{
		{"client", client.Options{Timeout: ms150}, client.SessionOptions{}, false},
		{"session", client.Options{}, client.SessionOptions{DefaultTimeout: &ms150}, false},
		{"operation", client.Options{}, client.SessionOptions{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := testContext(t)
			rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{})
			rs.FailCommand(rs.Primary(), mongotest.FailPoint{Commands: []string{"abortTransaction"}, Times: 1, BlockTime: 200 * time.Millisecond})
			var ev csotEvents
			tc.opts.Monitor = ev.monitor()
			c := connect(t, rs.URI(), tc.opts)
			s, err := c.StartSession(tc.sess)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.StartTransaction(); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Database("db").Collection("coll").InsertOne(client.WithSession(ctx, s), bson.D{bson.KV("x", 1)}); err != nil {
				t.Fatal(err)
			}
			endCtx := ctx
			if tc.withCtx {
				endCtx = client.WithTimeout(ctx, ms150)
			}
			s.EndSession(endCtx)
			if !ev.failedWithTimeout("abortTransaction") {
				t.Errorf("abortTransaction did not fail with a timeout: failures %v", ev.failed)
			}
		})
	}
}

// 10. Convenient transactions: WithTransaction is bounded by timeoutMS,
// and the abort after its callback failed gets timeoutMS afresh (so it
// is sent, and times out on its own).
func TestCSOTProseWithTransactionAbortRefreshed(t *testing.T) {
	ctx := testContext(t)
	rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{})
	rs.FailCommand(rs.Primary(), mongotest.FailPoint{Commands: []string{"insert", "abortTransaction"}, Times: 2, BlockTime: 200 * time.Millisecond})
	var ev csotEvents
	c := connect(t, rs.URI(), client.Options{Timeout: 150 * time.Millisecond, Monitor: ev.monitor()})
	s, err := c.StartSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.EndSession(ctx)
	coll := c.Database("db").Collection("coll")
	err = s.WithTransaction(ctx, func(ctx context.Context) error {
		_, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1)})
		return err
	})
	wantTimeout(t, "WithTransaction", err)
	if ev.count("insert", "coll") != 1 || !ev.failedWithTimeout("insert") ||
		ev.count("abortTransaction", "") != 1 || !ev.failedWithTimeout("abortTransaction") {
		t.Errorf("commands %v, failures %v; want insert and abortTransaction, each started and failed with a timeout", ev.started, ev.failed)
	}
}

// WithTimeout on one operation overrides the client's timeoutMS; 0 lifts
// it; a negative one is an error before anything is sent.
func TestCSOTWithTimeoutOverrides(t *testing.T) {
	ctx := testContext(t)
	srv := mongotest.New(t)
	srv.FailCommand(mongotest.FailPoint{Commands: []string{"ping"}, Times: 2, BlockTime: 100 * time.Millisecond})
	var ev csotEvents
	c := connect(t, srv.URI(), client.Options{Timeout: 30 * time.Second, Monitor: ev.monitor()})
	db := c.Database("admin")
	ping := bson.D{bson.KV("ping", 1)}
	wantTimeout(t, "ping with WithTimeout(50ms)", db.RunCommand(client.WithTimeout(ctx, 50*time.Millisecond), ping).Err())
	if err := db.RunCommand(client.WithTimeout(ctx, 0), ping).Err(); err != nil {
		t.Fatalf("ping with WithTimeout(0): %v", err)
	}
	if v := ev.cmds[len(ev.cmds)-1].Lookup("maxTimeMS"); !v.IsZero() {
		t.Errorf("timeoutMS=0 sent maxTimeMS %s", v)
	}
	err := db.RunCommand(client.WithTimeout(ctx, -time.Second), ping).Err()
	if err == nil || !strings.Contains(err.Error(), "negative") {
		t.Errorf("a negative timeout: %v, want an error naming it", err)
	}
	// A database's and a collection's own timeoutMS.
	short := 50 * time.Millisecond
	srv.FailCommand(mongotest.FailPoint{Commands: []string{"find"}, Times: 1, BlockTime: 100 * time.Millisecond})
	coll := c.Database("db", client.CollectionOptions{Timeout: &short}).Collection("coll")
	if d, ok := coll.Timeout(); !ok || d != short {
		t.Errorf("collection inherits timeoutMS %v, %v; want %v", d, ok, short)
	}
	wantTimeout(t, "FindOne on a database with timeoutMS=50ms", coll.FindOne(ctx, bson.D{}).Err())
}

// A cursor's timeout mode: CursorLifetime bounds every getMore by the
// deadline set when the cursor opened; Iteration gives each Next its own;
// the combinations the spec forbids are errors.
func TestCSOTCursorTimeoutModes(t *testing.T) {
	ctx := testContext(t)
	srv := mongotest.New(t)
	coll := connect(t, srv.URI()).Database("db").Collection("coll")
	for i := range 4 {
		if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := coll.Find(client.WithTimeoutMode(ctx, client.Iteration), bson.D{}); err == nil {
		t.Error("a timeout mode without timeoutMS was accepted")
	}
	tctx := client.WithTimeout(ctx, time.Minute)
	if _, err := coll.Find(client.WithTimeoutMode(tctx, client.CursorLifetime), bson.D{}, client.FindOptions{Tailable: true}); err == nil {
		t.Error("CursorLifetime on a tailable cursor was accepted")
	}
	out := bson.D{bson.KV("$out", "other")}
	if _, err := coll.Aggregate(client.WithTimeoutMode(tctx, client.Iteration), []bson.D{out}); err == nil {
		t.Error("Iteration on an aggregate with $out was accepted")
	}
	// Iteration: each getMore gets the timeout afresh, so a slow getMore
	// (100ms) fits a 300ms timeoutMS even when the cursor is older.
	ictx := client.WithTimeoutMode(client.WithTimeout(ctx, 300*time.Millisecond), client.Iteration)
	cur, err := coll.Find(ictx, bson.D{}, client.FindOptions{BatchSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer cur.Close(ctx)
	srv.FailCommand(mongotest.FailPoint{Commands: []string{"getMore"}, BlockTime: 100 * time.Millisecond})
	n := 0
	for cur.Next(ctx) {
		n++
	}
	if cur.Err() != nil || n != 4 {
		t.Errorf("Iteration cursor: %d documents, err %v; want 4", n, cur.Err())
	}
	// CursorLifetime: the getMores share the deadline of the find.
	lctx := client.WithTimeout(ctx, 150*time.Millisecond)
	cur2, err := coll.Find(lctx, bson.D{}, client.FindOptions{BatchSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer cur2.Close(ctx)
	for cur2.Next(ctx) {
	}
	wantTimeout(t, "CursorLifetime cursor with slow getMores", cur2.Err())
	srv.FailCommand(mongotest.FailPoint{Commands: []string{"getMore"}, Off: true})
}
