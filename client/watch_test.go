package client_test

// Change streams need a replica set: FerretDB has none (no oplog, no
// $changeStream), so every test here runs against internal/mockserver
// playing a replica-set primary, with a small scripted oplog
// (fakeOplog) that answers aggregate and getMore as a server would:
// resumeAfter and startAfter start after the given token, each getMore
// returns the next events.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/changestream"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/mockserver"
)

// fakeOplog scripts a change stream: a list of events, each with the
// resume token {_data: "tok<n>"}; cursors remember their position.
type fakeOplog struct {
	mu      sync.Mutex
	ns      string
	events  []bson.Raw
	cursors map[int64]int // cursor id -> index of its next event
	nextID  int64
	perMore int  // events per getMore (default 1)
	pbrt    bool // send postBatchResumeToken
	// invalidateAt closes the cursor (id 0) in the reply holding that
	// event (by index), as an invalidate does; -1 for never.
	invalidateAt int
}

func token(n int) bson.Raw { return mockserver.Doc(bson.KV("_data", fmt.Sprintf("tok%d", n))) }

func newFakeOplog(srv *mockserver.Server, ns string, ops ...string) *fakeOplog {
	o := &fakeOplog{ns: ns, cursors: map[int64]int{}, nextID: 100, perMore: 1, invalidateAt: -1}
	for i, op := range ops {
		o.events = append(o.events, mockserver.Doc(bson.KV("_id", token(i+1)), bson.KV("operationType", op),
			bson.KV("ns", bson.D{bson.KV("db", "test"), bson.KV("coll", "c")}),
			bson.KV("documentKey", bson.D{bson.KV("_id", int32(i+1))}), bson.KV("seq", int32(i+1))))
	}
	srv.Handle("aggregate", o.aggregate)
	srv.Handle("getMore", o.getMore)
	return o
}

// start finds where a $changeStream stage starts: after the token of
// resumeAfter or startAfter, else at the beginning.
func (o *fakeOplog) start(stage bson.Raw) (int, error) {
	for _, key := range []string{"resumeAfter", "startAfter"} {
		tok, ok := stage.Lookup(key).Document()
		if !ok {
			continue
		}
		for i, e := range o.events {
			if id, _ := e.Lookup("_id").Document(); string(id) == string(tok) {
				return i + 1, nil
			}
		}
		return 0, errors.New("resume token not found")
	}
	return 0, nil
}

func (o *fakeOplog) aggregate(req *mockserver.Request) mockserver.Reply {
	stage, ok := req.Lookup("pipeline", "0", "$changeStream").Document()
	if !ok {
		return mockserver.Error(40324, "Location40324", "not a change stream")
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	pos, err := o.start(stage)
	if err != nil {
		return mockserver.Error(280, "ChangeStreamFatalError", err.Error())
	}
	o.nextID++
	o.cursors[o.nextID] = pos
	return o.reply(o.nextID, pos, pos, "firstBatch")
}

func (o *fakeOplog) getMore(req *mockserver.Request) mockserver.Reply {
	id, _ := req.Lookup("getMore").AsInt64()
	o.mu.Lock()
	defer o.mu.Unlock()
	pos, ok := o.cursors[id]
	if !ok {
		return mockserver.Error(43, "CursorNotFound", "cursor id not found")
	}
	end := min(pos+o.perMore, len(o.events))
	o.cursors[id] = end
	return o.reply(id, pos, end, "nextBatch")
}

// reply is a batch of the events [from, to).
func (o *fakeOplog) reply(id int64, from, to int, key string) mockserver.Reply {
	batch := bson.A{}
	for i := from; i < to; i++ {
		batch = append(batch, o.events[i])
		if i == o.invalidateAt {
			delete(o.cursors, id)
			id = 0
		}
	}
	cur := bson.D{bson.KV("id", id), bson.KV("ns", o.ns), bson.KV(key, batch)}
	if o.pbrt {
		tok := mockserver.Doc(bson.KV("_data", fmt.Sprintf("pbrt%d", to)))
		cur = append(cur, bson.KV("postBatchResumeToken", tok))
	}
	return mockserver.OK(bson.KV("cursor", cur))
}

// seq is the test events' sequence number.
func seq(t *testing.T, ev bson.Raw) int32 {
	t.Helper()
	n, ok := ev.Lookup("seq").Int32()
	if !ok {
		t.Fatalf("event without seq: %s", ev)
	}
	return n
}

func TestWatchEventsInOrder(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	newFakeOplog(srv, "test.c", "insert", "update", "delete")
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	cs, err := c.Database("test").Collection("c").Watch(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close(ctx)
	var ops []string
	for len(ops) < 3 && cs.Next(ctx) {
		var ev client.ChangeEvent
		if err := cs.Decode(&ev); err != nil {
			t.Fatal(err)
		}
		ops = append(ops, ev.OperationType)
		if ev.NS.DB != "test" || ev.NS.Coll != "c" {
			t.Errorf("event ns %+v", ev.NS)
		}
		if string(cs.ResumeToken()) != string(ev.ID) {
			t.Errorf("ResumeToken %s, want the event's _id %s", cs.ResumeToken(), ev.ID)
		}
	}
	if err := cs.Err(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"insert", "update", "delete"}; !slices.Equal(ops, want) {
		t.Errorf("events %v, want %v", ops, want)
	}
	agg := srv.CommandsNamed("aggregate")[0]
	if name, _ := agg.Lookup("aggregate").StringValue(); name != "c" || agg.DB != "test" {
		t.Errorf("aggregate %s on %s", agg.Lookup("aggregate"), agg.DB)
	}
	for _, gm := range srv.CommandsNamed("getMore") {
		if coll, _ := gm.Lookup("collection").StringValue(); coll != "c" {
			t.Errorf("getMore on collection %q", coll)
		}
	}
	if err := cs.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if kills := srv.CommandsNamed("killCursors"); len(kills) != 1 {
		t.Errorf("%d killCursors after Close, want 1", len(kills))
	}
	if cs.Next(ctx) {
		t.Error("Next after Close returned an event")
	}
}

// TestWatchResumesAfterDroppedConnection: the server drops the connection
// on the getMore after the third event; the stream resumes with the
// third event's token, and the fourth and fifth arrive, nothing lost or
// repeated.
func TestWatchResumesAfterDroppedConnection(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	newFakeOplog(srv, "test.c", "insert", "insert", "insert", "update", "delete")
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	cs, err := c.Database("test").Collection("c").Watch(ctx, bson.A{bson.D{bson.KV("$match", bson.D{})}})
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close(ctx)
	var got []int32
	for len(got) < 5 && cs.Next(ctx) {
		got = append(got, seq(t, cs.Current))
		if len(got) == 3 {
			srv.FailCommand(mockserver.FailPoint{Commands: []string{"getMore"}, Times: 1, Action: mockserver.CloseAfterRead})
		}
	}
	if err := cs.Err(); err != nil {
		t.Fatal(err)
	}
	if want := []int32{1, 2, 3, 4, 5}; !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	if cs.Resumes() != 1 {
		t.Errorf("%d resumes, want 1", cs.Resumes())
	}
	aggs := srv.CommandsNamed("aggregate")
	if len(aggs) != 2 {
		t.Fatalf("%d aggregates, want 2", len(aggs))
	}
	stage, _ := aggs[1].Lookup("pipeline", "0", "$changeStream").Document()
	ra, _ := stage.Lookup("resumeAfter").Document()
	if string(ra) != string(token(3)) {
		t.Errorf("resumed with resumeAfter %s, want the third event's token %s", ra, token(3))
	}
	if !stage.Lookup("startAfter").IsZero() || !stage.Lookup("startAtOperationTime").IsZero() {
		t.Errorf("resume stage %s has another start option", stage)
	}
	if m, _ := aggs[1].Lookup("pipeline", "1").Document(); m.Lookup("$match").IsZero() {
		t.Errorf("the resumed aggregate lost the user's pipeline: %s", aggs[1].Command)
	}
	if !aggs[0].Lookup("lsid").Equal(aggs[1].Lookup("lsid")) {
		t.Errorf("the resume used lsid %s, the stream %s", aggs[1].Lookup("lsid"), aggs[0].Lookup("lsid"))
	}
	// No killCursors here: the network error cleared the pool, so the
	// kill (whose errors a resume ignores) found no connection.
}

// TestWatchResumableErrors: which getMore errors resume the stream.
func TestWatchResumableErrors(t *testing.T) {
	cases := []struct {
		name   string
		fp     mockserver.FailPoint
		resume bool
		wire   int32 // the server's maxWireVersion, 0 for 21
	}{
		{"labelled", mockserver.FailPoint{Code: 6, CodeName: "HostUnreachable", Labels: []string{changestream.LabelResumable}}, true, 0},
		{"CursorNotFound", mockserver.FailPoint{Code: 43, CodeName: "CursorNotFound"}, true, 0},
		{"network", mockserver.FailPoint{Action: mockserver.CloseAfterRead}, true, 0},
		{"unlabelled on 4.4+", mockserver.FailPoint{Code: 6, CodeName: "HostUnreachable"}, false, 0},
		{"ChangeStreamFatalError", mockserver.FailPoint{Code: 280, CodeName: "ChangeStreamFatalError"}, false, 0},
		{"Interrupted", mockserver.FailPoint{Code: 11601, CodeName: "Interrupted"}, false, 0},
		{"listed code on 4.2", mockserver.FailPoint{Code: 63, CodeName: "StaleShardVersion"}, true, 8},
		{"unlisted code on 4.2", mockserver.FailPoint{Code: 11601, CodeName: "Interrupted", Labels: []string{changestream.LabelResumable}}, false, 8},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := mockserver.New(t, mockserver.Options{Hello: mockserver.Hello{Role: mockserver.Primary, SetName: "rs0",
				MaxWireVersion: tc.wire}})
			newFakeOplog(srv, "test.c", "insert", "insert")
			c := connect(t, srv.URI())
			ctx := ctxT(t)
			cs, err := c.Database("test").Collection("c").Watch(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer cs.Close(ctx)
			if !cs.Next(ctx) || seq(t, cs.Current) != 1 {
				t.Fatalf("first event: %v", cs.Err())
			}
			fp := tc.fp
			fp.Commands, fp.Times = []string{"getMore"}, 1
			srv.FailCommand(fp)
			ok := cs.Next(ctx)
			if ok != tc.resume {
				t.Fatalf("Next = %v (err %v), want %v", ok, cs.Err(), tc.resume)
			}
			if tc.resume {
				if seq(t, cs.Current) != 2 {
					t.Errorf("after the resume, event %d, want 2", seq(t, cs.Current))
				}
				if kills := srv.CommandsNamed("killCursors"); tc.fp.Code != 0 && len(kills) != 1 {
					t.Errorf("%d killCursors of the old cursor, want 1", len(kills))
				}
				return
			}
			var ce *client.CommandError
			if !errors.As(cs.Err(), &ce) || ce.Code != fp.Code {
				t.Errorf("Err() = %v, want the server's error %d", cs.Err(), fp.Code)
			}
			if n := len(srv.CommandsNamed("aggregate")); n != 1 {
				t.Errorf("%d aggregates after a non-resumable error, want 1", n)
			}
			if cs.ID() != 0 || cs.Next(ctx) {
				t.Error("the stream is still open after a non-resumable error")
			}
		})
	}
}

// TestWatchResumesOncePerError: a second failure, of the resume's
// aggregate, is returned.
func TestWatchResumesOncePerError(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	newFakeOplog(srv, "test.c", "insert", "insert")
	c := connect(t, srv.URI(), client.Options{RetryReads: new(bool)})
	ctx := ctxT(t)
	cs, err := c.Database("test").Collection("c").Watch(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close(ctx)
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"getMore"}, Times: 1, Code: 43, CodeName: "CursorNotFound"})
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"aggregate"}, Times: 1, Code: 43, CodeName: "CursorNotFound"})
	if cs.Next(ctx) {
		t.Fatal("Next succeeded although the resume failed")
	}
	var ce *client.CommandError
	if !errors.As(cs.Err(), &ce) || ce.Code != 43 {
		t.Errorf("Err() = %v, want the resume's error", cs.Err())
	}
	if n := len(srv.CommandsNamed("aggregate")); n != 2 {
		t.Errorf("%d aggregates, want 2 (one resume, not retried)", n)
	}
}

// TestWatchMissingResumeToken: an event whose _id a $project removed
// stops the stream.
func TestWatchMissingResumeToken(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	srv.Queue("aggregate", mockserver.CursorReply("test.c", 7, mockserver.Doc(bson.KV("operationType", "insert"))))
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	cs, err := c.Database("test").Collection("c").Watch(ctx, bson.A{bson.D{bson.KV("$project", bson.D{bson.KV("_id", 0)})}})
	if err != nil {
		t.Fatal(err)
	}
	if cs.Next(ctx) {
		t.Fatal("Next returned an event without a resume token")
	}
	if !errors.Is(cs.Err(), changestream.ErrMissingResumeToken) {
		t.Errorf("Err() = %v, want ErrMissingResumeToken", cs.Err())
	}
	if kills := srv.CommandsNamed("killCursors"); len(kills) != 1 {
		t.Errorf("%d killCursors, want the stream closed on the server too", len(kills))
	}
	if n := len(srv.CommandsNamed("aggregate")); n != 1 {
		t.Errorf("%d aggregates, want no resume", n)
	}
}

// TestWatchStartAfterInvalidate: a stream ends with an invalidate event;
// a new one starts after it with StartAfter, and resumes with startAfter
// until it has returned an event, then with resumeAfter.
func TestWatchStartAfterInvalidate(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	oplog := newFakeOplog(srv, "test.c", "insert", "invalidate", "insert", "insert")
	oplog.invalidateAt = 1
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	coll := c.Database("test").Collection("c")
	cs, err := coll.Watch(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	for cs.Next(ctx) {
		op, _ := cs.Current.Lookup("operationType").StringValue()
		ops = append(ops, op)
	}
	if err := cs.Err(); err != nil || !slices.Equal(ops, []string{"insert", "invalidate"}) {
		t.Fatalf("first stream: %v, %v", ops, err)
	}
	tok := bson.Raw(slices.Clone(cs.ResumeToken()))
	if string(tok) != string(token(2)) {
		t.Fatalf("ResumeToken after invalidate %s, want %s", tok, token(2))
	}

	cs2, err := coll.Watch(ctx, nil, client.ChangeStreamOptions{StartAfter: tok})
	if err != nil {
		t.Fatal(err)
	}
	defer cs2.Close(ctx)
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"getMore"}, Times: 1, Action: mockserver.CloseAfterRead})
	if !cs2.Next(ctx) || seq(t, cs2.Current) != 3 {
		t.Fatalf("second stream's first event: %v", cs2.Err())
	}
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"getMore"}, Times: 1, Action: mockserver.CloseAfterRead})
	if !cs2.Next(ctx) || seq(t, cs2.Current) != 4 {
		t.Fatalf("second stream's second event: %v", cs2.Err())
	}
	aggs := srv.CommandsNamed("aggregate")
	if len(aggs) != 4 {
		t.Fatalf("%d aggregates, want 4", len(aggs))
	}
	wantKeys := []string{"startAfter", "startAfter", "resumeAfter"}
	wantToks := []bson.Raw{token(2), token(2), token(3)}
	for i, agg := range aggs[1:] {
		stage, _ := agg.Lookup("pipeline", "0", "$changeStream").Document()
		got, ok := stage.Lookup(wantKeys[i]).Document()
		if !ok || string(got) != string(wantToks[i]) {
			t.Errorf("aggregate %d: $changeStream %s, want %s: %s", i+2, stage, wantKeys[i], wantToks[i])
		}
		other := "resumeAfter"
		if wantKeys[i] == "resumeAfter" {
			other = "startAfter"
		}
		if !stage.Lookup(other).IsZero() {
			t.Errorf("aggregate %d has both start options: %s", i+2, stage)
		}
	}
}

// TestWatchStartAtOperationTime: with no event and no
// postBatchResumeToken, a resume starts at the first aggregate's
// operationTime.
func TestWatchStartAtOperationTime(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	newFakeOplog(srv, "test.c") // no events: empty batches
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	cs, err := c.Database("test").Collection("c").Watch(ctx, nil, client.ChangeStreamOptions{MaxAwaitTime: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close(ctx)
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"getMore"}, Times: 1, Action: mockserver.CloseAfterRead})
	if cs.TryNext(ctx) {
		t.Fatal("TryNext returned an event from an empty oplog")
	}
	if err := cs.Err(); err != nil {
		t.Fatal(err)
	}
	aggs := srv.CommandsNamed("aggregate")
	if len(aggs) != 2 {
		t.Fatalf("%d aggregates, want 2", len(aggs))
	}
	opTime := aggs[0].Lookup("pipeline", "0", "$changeStream", "startAtOperationTime")
	if !opTime.IsZero() {
		t.Errorf("the first aggregate has startAtOperationTime %s", opTime)
	}
	got := aggs[1].Lookup("pipeline", "0", "$changeStream", "startAtOperationTime")
	gt, gi, ok := got.Timestamp()
	if !ok || gt == 0 {
		t.Fatalf("resume without startAtOperationTime: %s", aggs[1].Command)
	}
	// The mock's operationTime: its clock, which no write moved.
	lt, li, _ := aggs[1].Lookup("$clusterTime", "clusterTime").Timestamp()
	if gt != lt || gi != li {
		t.Errorf("startAtOperationTime %d,%d, want the first reply's operationTime %d,%d", gt, gi, lt, li)
	}
	if cs.ResumeToken() != nil {
		t.Errorf("ResumeToken %s with no event and no postBatchResumeToken", cs.ResumeToken())
	}
}

// TestWatchPostBatchResumeToken: the last event of a batch and an empty
// batch leave the postBatchResumeToken as the resume token.
func TestWatchPostBatchResumeToken(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	oplog := newFakeOplog(srv, "test.c", "insert", "insert", "insert")
	oplog.pbrt, oplog.perMore = true, 2
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	cs, err := c.Database("test").Collection("c").Watch(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close(ctx)
	if got, want := cs.ResumeToken(), mockserver.Doc(bson.KV("_data", "pbrt0")); string(got) != string(want) {
		t.Errorf("token after an empty first batch %s, want %s", got, want)
	}
	want := []string{`{"_data":"tok1"}`, `{"_data":"pbrt2"}`, `{"_data":"pbrt3"}`}
	for i, w := range want {
		if !cs.Next(ctx) {
			t.Fatalf("event %d: %v", i+1, cs.Err())
		}
		if got := cs.ResumeToken().String(); got != w {
			t.Errorf("after event %d, token %s, want %s", i+1, got, w)
		}
	}
	if cs.TryNext(ctx) {
		t.Fatal("an event beyond the oplog")
	}
	if got := cs.ResumeToken().String(); got != `{"_data":"pbrt3"}` {
		t.Errorf("after an empty batch, token %s", got)
	}
}

// TestWatchOptionsOnTheWire: every option lands where the specification
// puts it.
func TestWatchOptionsOnTheWire(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	newFakeOplog(srv, "test.c", "insert")
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	ts := bson.Timestamp{T: 1700000000, I: 3}
	cs, err := c.Database("test").Collection("c").Watch(ctx, nil, client.ChangeStreamOptions{
		FullDocument: "updateLookup", FullDocumentBeforeChange: "whenAvailable", StartAtOperationTime: &ts,
		BatchSize: 5, MaxAwaitTime: 250 * time.Millisecond, Collation: &client.Collation{Locale: "fr"},
		ShowExpandedEvents: true, Comment: "watching"})
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close(ctx)
	if !cs.Next(ctx) {
		t.Fatal(cs.Err())
	}
	agg := srv.CommandsNamed("aggregate")[0]
	stage, _ := agg.Lookup("pipeline", "0", "$changeStream").Document()
	checks := map[string]string{
		"fullDocument": `"updateLookup"`, "fullDocumentBeforeChange": `"whenAvailable"`,
		"showExpandedEvents": "true", "startAtOperationTime": `{"$timestamp":{"t":1700000000,"i":3}}`,
	}
	for k, want := range checks {
		if got := stage.Lookup(k).String(); got != want {
			t.Errorf("$changeStream.%s = %s, want %s", k, got, want)
		}
	}
	if n, _ := agg.Lookup("cursor", "batchSize").Int32(); n != 5 {
		t.Errorf("aggregate cursor.batchSize %d", n)
	}
	if l, _ := agg.Lookup("collation", "locale").StringValue(); l != "fr" {
		t.Errorf("collation %s", agg.Lookup("collation"))
	}
	if s, _ := agg.Lookup("comment").StringValue(); s != "watching" {
		t.Errorf("aggregate comment %s", agg.Lookup("comment"))
	}
	if !agg.Lookup("maxTimeMS").IsZero() {
		t.Errorf("maxAwaitTimeMS went to the aggregate: %s", agg.Command)
	}
	gm := srv.CommandsNamed("getMore")[0]
	if ms, _ := gm.Lookup("maxTimeMS").AsInt64(); ms != 250 {
		t.Errorf("getMore maxTimeMS %d, want 250", ms)
	}
	if n, _ := gm.Lookup("batchSize").Int32(); n != 5 {
		t.Errorf("getMore batchSize %d", n)
	}
	if s, _ := gm.Lookup("comment").StringValue(); s != "watching" {
		t.Errorf("getMore comment %s (the server is 4.4+)", gm.Lookup("comment"))
	}
}

func TestWatchDatabaseAndCluster(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	newFakeOplog(srv, "test.$cmd.aggregate", "insert")
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	for _, open := range []func() (*client.ChangeStream, error){
		func() (*client.ChangeStream, error) { return c.Database("test").Watch(ctx, nil) },
		func() (*client.ChangeStream, error) { return c.Watch(ctx, nil) },
	} {
		cs, err := open()
		if err != nil {
			t.Fatal(err)
		}
		if !cs.Next(ctx) {
			t.Fatal(cs.Err())
		}
		cs.Close(ctx)
	}
	aggs := srv.CommandsNamed("aggregate")
	if n, _ := aggs[0].Lookup("aggregate").AsInt64(); n != 1 || aggs[0].DB != "test" {
		t.Errorf("database watch: %s on %s", aggs[0].Lookup("aggregate"), aggs[0].DB)
	}
	if !aggs[0].Lookup("pipeline", "0", "$changeStream", "allChangesForCluster").IsZero() {
		t.Error("database watch sent allChangesForCluster")
	}
	if aggs[1].DB != "admin" || aggs[1].Lookup("pipeline", "0", "$changeStream", "allChangesForCluster").String() != "true" {
		t.Errorf("cluster watch: %s on %s", aggs[1].Command, aggs[1].DB)
	}
	for _, gm := range srv.CommandsNamed("getMore") {
		if coll, _ := gm.Lookup("collection").StringValue(); coll != "$cmd.aggregate" {
			t.Errorf("getMore collection %q, want the ns of the reply", coll)
		}
	}
}

// TestWatchIterAndContext: the range iterator yields events; a context
// that ends leaves the stream open for the next call.
func TestWatchIterAndContext(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	newFakeOplog(srv, "test.c", "insert", "insert")
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	cs, err := c.Database("test").Collection("c").Watch(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close(ctx)
	for ev, err := range cs.Iter(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if seq(t, ev) != 1 {
			t.Fatalf("first event %s", ev)
		}
		break
	}
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"getMore"}, Times: 1, Action: mockserver.Hang})
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if cs.Next(short) {
		t.Fatal("an event through a hung getMore")
	}
	if cs.Err() == nil || !errors.Is(cs.Err(), context.DeadlineExceeded) {
		t.Fatalf("Err() = %v, want the deadline", cs.Err())
	}
	if !cs.Next(ctx) || seq(t, cs.Current) != 2 {
		t.Fatalf("after the deadline, Next: %v", cs.Err())
	}
	if n := cs.Resumes(); n != 0 {
		t.Errorf("%d resumes after a context error, want 0", n)
	}
}

// TestWatchInExplicitSession: every command of the stream carries the
// session's lsid, and Close leaves the session to its owner.
func TestWatchInExplicitSession(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	newFakeOplog(srv, "test.c", "insert", "insert")
	c := connect(t, srv.URI())
	sess, err := c.StartSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.EndSession(context.Background())
	ctx := client.WithSession(ctxT(t), sess)
	cs, err := c.Database("test").Collection("c").Watch(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"getMore"}, Times: 1, Code: 43, CodeName: "CursorNotFound"})
	for i := 0; i < 2; i++ {
		if !cs.Next(ctx) {
			t.Fatal(cs.Err())
		}
	}
	if err := cs.Close(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	for _, r := range srv.Requests() {
		switch r.Name {
		case "aggregate", "getMore", "killCursors":
			n++
			if lsid, _ := r.Lookup("lsid").Document(); string(lsid) != string(sess.ID()) {
				t.Errorf("%s with lsid %s, want the session's %s", r.Name, r.Lookup("lsid"), sess.ID())
			}
		}
	}
	if n < 5 { // aggregate, getMore (failed), killCursors, aggregate, getMore..., killCursors
		t.Errorf("only %d stream commands recorded", n)
	}
	if err := c.Database("test").Collection("c").FindOne(ctx, bson.D{}).Err(); err != nil && !errors.Is(err, client.ErrNoDocuments) {
		t.Errorf("the session is unusable after the stream closed: %v", err)
	}
}
