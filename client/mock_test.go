package client_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/leakcheck"
	"github.com/torque-go/torque/internal/mockserver"
)

// primary starts a mock replica-set primary, reached directly.
func primary(t *testing.T, h mockserver.Hello) *mockserver.Server {
	h.Role, h.SetName = mockserver.Primary, "rs0"
	return mockserver.New(t, mockserver.Options{Hello: h})
}

// connect makes a client of uri that is disconnected when the test ends.
func connect(t testing.TB, uri string, opts ...client.Options) *client.Client {
	t.Helper()
	c, err := client.Connect(context.Background(), uri, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := c.Disconnect(ctx); err != nil {
			t.Errorf("Disconnect: %v", err)
		}
	})
	return c
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestRetryableWriteWrittenOnce(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	coll := c.Database("test").Collection("people")
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"insert"}, Times: 1, Action: mockserver.CloseAfterApply})
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1), bson.KV("name", "Ada")}); err != nil {
		t.Fatal(err)
	}
	inserts := srv.CommandsNamed("insert")
	if len(inserts) != 2 {
		t.Fatalf("%d insert commands, want 2 (the first closed after applying)", len(inserts))
	}
	a, okA := inserts[0].Lookup("txnNumber").AsInt64()
	b, okB := inserts[1].Lookup("txnNumber").AsInt64()
	if !okA || !okB || a != b {
		t.Errorf("txnNumbers %d (%v) and %d (%v), want the same", a, okA, b, okB)
	}
	if docs := srv.Store().Docs("test.people"); len(docs) != 1 {
		t.Errorf("%d documents stored, want exactly 1", len(docs))
	}
}

func TestRetryableRead(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	coll := c.Database("test").Collection("people")
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"find"}, Times: 1, Code: 91, CodeName: "ShutdownInProgress"})
	var got bson.M
	if err := coll.FindOne(ctx, bson.D{bson.KV("_id", 1)}).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.CommandsNamed("find")); n != 2 {
		t.Errorf("%d find commands, want 2", n)
	}
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"find"}, Times: 1, Code: 2, CodeName: "BadValue"})
	err := coll.FindOne(ctx, bson.D{bson.KV("_id", 1)}).Err()
	var ce *client.CommandError
	if !errors.As(err, &ce) || ce.Code != 2 || ce.CodeName != "BadValue" {
		t.Errorf("err = %v, want BadValue", err)
	}
	if n := len(srv.CommandsNamed("find")); n != 3 {
		t.Errorf("%d find commands, want 3 (BadValue is not retried)", n)
	}
}

func TestUpdateOptionsOnTheWire(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	srv.Handle("update", func(*mockserver.Request) mockserver.Reply {
		return mockserver.OK(bson.KV("n", 1), bson.KV("nModified", 1))
	})
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	coll := c.Database("test").Collection("grades")
	res, err := coll.UpdateMany(ctx, bson.D{bson.KV("grades", bson.D{bson.KV("$gte", 100)})},
		bson.D{bson.KV("$set", bson.D{bson.KV("grades.$[el]", 100)})},
		client.UpdateOptions{ArrayFilters: []any{bson.D{bson.KV("el", bson.D{bson.KV("$gte", 100)})}},
			Upsert: true, Hint: "grades_1", Collation: &client.Collation{Locale: "fr"}, Let: bson.D{bson.KV("x", 1)}})
	if err != nil {
		t.Fatal(err)
	}
	if res.MatchedCount != 1 || res.ModifiedCount != 1 {
		t.Errorf("result %+v", res)
	}
	req := srv.CommandsNamed("update")[0]
	stmts := req.Documents("updates")
	if len(stmts) != 1 {
		t.Fatalf("%d statements", len(stmts))
	}
	s := stmts[0]
	if v, _ := s.Lookup("arrayFilters").Array(); len(v) == 0 || s.Lookup("arrayFilters", "0", "el", "$gte").IsZero() {
		t.Errorf("arrayFilters = %s", s.Lookup("arrayFilters"))
	}
	if multi, _ := s.Lookup("multi").Boolean(); !multi {
		t.Error("UpdateMany without multi: true")
	}
	if up, _ := s.Lookup("upsert").Boolean(); !up {
		t.Error("no upsert: true")
	}
	if h, _ := s.Lookup("hint").StringValue(); h != "grades_1" {
		t.Errorf("hint = %s", s.Lookup("hint"))
	}
	if l, _ := s.Lookup("collation", "locale").StringValue(); l != "fr" {
		t.Errorf("collation = %s", s.Lookup("collation"))
	}
	if req.Lookup("let", "x").IsZero() {
		t.Error("let missing from the command")
	}
	if !req.Lookup("txnNumber").IsZero() {
		t.Error("UpdateMany is not retryable but carries a txnNumber")
	}
}

func TestClusterTimeGossip(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	db := c.Database("test")
	if err := db.RunCommand(ctx, bson.D{bson.KV("ping", 1)}).Err(); err != nil {
		t.Fatal(err)
	}
	reply, err := db.RunCommand(ctx, bson.D{bson.KV("ping", 1)}).Raw()
	if err != nil {
		t.Fatal(err)
	}
	pings := srv.CommandsNamed("ping")
	sent := pings[1].Lookup("$clusterTime")
	if sent.IsZero() {
		t.Fatalf("second ping carries no $clusterTime: %s", pings[1].Command)
	}
	st, _ := sent.Document()
	first := pings[0].Lookup("$clusterTime")
	if !first.IsZero() {
		t.Errorf("first ping gossips %s before any reply", first)
	}
	if _, ok := reply.Lookup("$clusterTime").Document(); !ok {
		t.Fatalf("the mock primary sent no $clusterTime: %s", reply)
	}
	ts, _, ok := st.Lookup("clusterTime").Timestamp()
	if !ok || ts == 0 {
		t.Errorf("gossiped $clusterTime %s has no timestamp", st)
	}
}

type events struct {
	started   []client.CommandStartedEvent
	succeeded []client.CommandSucceededEvent
	failed    []client.CommandFailedEvent
}

func (e *events) monitor() client.CommandMonitor {
	return client.MonitorFuncs{
		OnStarted: func(ev client.CommandStartedEvent) {
			ev.Command = append(bson.Raw(nil), ev.Command...)
			e.started = append(e.started, ev)
		},
		OnSucceeded: func(ev client.CommandSucceededEvent) {
			ev.Reply = append(bson.Raw(nil), ev.Reply...)
			e.succeeded = append(e.succeeded, ev)
		},
		OnFailed: func(ev client.CommandFailedEvent) { e.failed = append(e.failed, ev) },
	}
}

func TestCommandMonitoring(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	srv.Handle("saslStart", func(*mockserver.Request) mockserver.Reply {
		return mockserver.Error(18, "AuthenticationFailed", "user secret-user not found")
	})
	var ev events
	c := connect(t, srv.URI(), client.Options{Monitor: ev.monitor()})
	ctx := ctxT(t)
	db := c.Database("test")
	if _, err := db.Collection("c").InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	err := db.RunCommand(ctx, bson.D{bson.KV("saslStart", 1), bson.KV("payload", "c2VjcmV0")}).Err()
	if err == nil {
		t.Fatal("saslStart succeeded")
	}
	if len(ev.started) != 2 || len(ev.succeeded) != 1 || len(ev.failed) != 1 {
		t.Fatalf("events: %d started, %d succeeded, %d failed", len(ev.started), len(ev.succeeded), len(ev.failed))
	}
	ins := ev.started[0]
	if ins.CommandName != "insert" || ins.DatabaseName != "test" || ins.Address != srv.Addr() || ins.ServerConnectionID == 0 {
		t.Errorf("insert started: %+v", ins)
	}
	if d, _ := ins.Command.Lookup("documents", "0", "_id").AsInt64(); d != 1 {
		t.Errorf("insert event command lacks its documents: %s", ins.Command)
	}
	if ev.succeeded[0].RequestID != ins.RequestID {
		t.Error("succeeded event does not match the started one")
	}
	if n, _ := ev.succeeded[0].Reply.Lookup("n").AsInt64(); n != 1 {
		t.Errorf("insert reply in event: %s", ev.succeeded[0].Reply)
	}
	sasl := ev.started[1]
	if len(sasl.Command) != 5 {
		t.Errorf("saslStart command not redacted: %s", sasl.Command)
	}
	if f := ev.failed[0].Failure.Error(); strings.Contains(f, "secret") {
		t.Errorf("saslStart failure not redacted: %s", f)
	}
}

func TestBatchSplittingOnTheWire(t *testing.T) {
	srv := primary(t, mockserver.Hello{MaxWriteBatchSize: 3})
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	docs := make([]any, 10)
	for i := range docs {
		docs[i] = bson.D{bson.KV("_id", i)}
	}
	res, err := c.Database("test").Collection("c").InsertMany(ctx, docs)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.InsertedIDs) != 10 {
		t.Errorf("%d ids", len(res.InsertedIDs))
	}
	var sizes []int
	for _, r := range srv.CommandsNamed("insert") {
		sizes = append(sizes, len(r.Documents("documents")))
		if _, ok := r.Sequences["documents"]; !ok {
			t.Error("documents not sent as a kind-1 sequence")
		}
	}
	if len(sizes) != 4 || sizes[0] != 3 || sizes[3] != 1 {
		t.Errorf("batches %v, want [3 3 3 1]", sizes)
	}
	if n := len(srv.Store().Docs("test.c")); n != 10 {
		t.Errorf("%d documents stored", n)
	}
}

func TestServerErrorsFerretDBCannotMake(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	coll := c.Database("test").Collection("c")

	srv.FailCommand(mockserver.FailPoint{Commands: []string{"insert"}, Times: 1, WriteConcernError: true,
		Code: 64, CodeName: "WriteConcernFailed", ErrMsg: "waiting for replication timed out"})
	_, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1)})
	var we *client.WriteException
	if !errors.As(err, &we) || we.WriteConcernError == nil || we.WriteConcernError.Code != 64 {
		t.Errorf("err = %v, want a write concern error 64", err)
	}

	srv.Queue("insert", mockserver.OK(bson.KV("n", 0), bson.KV("writeErrors", bson.A{bson.D{
		bson.KV("index", 0), bson.KV("code", 11000), bson.KV("errmsg", "E11000 duplicate key error"),
		bson.KV("keyPattern", bson.D{bson.KV("email", 1)}), bson.KV("keyValue", bson.D{bson.KV("email", "a@b.c")})}})))
	_, err = coll.InsertOne(ctx, bson.D{bson.KV("email", "a@b.c")})
	if !client.IsDuplicateKey(err) || !errors.As(err, &we) {
		t.Fatalf("err = %v, want a duplicate key", err)
	}
	if v, _ := we.WriteErrors[0].KeyValue.Lookup("email").StringValue(); v != "a@b.c" {
		t.Errorf("KeyValue = %s", we.WriteErrors[0].KeyValue)
	}
	if k := we.WriteErrors[0].KeyPattern.Lookup("email"); k.IsZero() {
		t.Errorf("KeyPattern = %s", we.WriteErrors[0].KeyPattern)
	}

	srv.FailCommand(mockserver.FailPoint{Commands: []string{"find"}, Times: 1, Code: 50, CodeName: "MaxTimeMSExpired"})
	if err := coll.FindOne(ctx, bson.D{}).Err(); !client.IsTimeout(err) {
		t.Errorf("err = %v, want a timeout", err)
	}

	srv.FailCommand(mockserver.FailPoint{Commands: []string{"find"}, Times: 2, Action: mockserver.CloseAfterRead})
	err = coll.FindOne(ctx, bson.D{}).Err()
	var ne *client.NetworkError
	if !client.IsNetworkError(err) || !errors.As(err, &ne) || !ne.Sent {
		t.Errorf("err = %v, want a network error after sending", err)
	}
}

func TestBadInputSendsNothing(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	coll := c.Database("test").Collection("c")
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	before := len(srv.Log().Commands())
	set := bson.D{bson.KV("$set", bson.D{bson.KV("a", 1)})}
	cases := map[string]func() error{
		"nil filter":         func() error { _, err := coll.Find(ctx, nil); return err },
		"string filter":      func() error { return coll.FindOne(ctx, "a").Err() },
		"nil document":       func() error { _, err := coll.InsertOne(ctx, nil); return err },
		"int document":       func() error { _, err := coll.InsertOne(ctx, 42); return err },
		"update w/o $":       func() error { _, err := coll.UpdateOne(ctx, bson.D{}, bson.D{bson.KV("a", 1)}); return err },
		"empty update":       func() error { _, err := coll.UpdateOne(ctx, bson.D{}, bson.D{}); return err },
		"replacement with $": func() error { _, err := coll.ReplaceOne(ctx, bson.D{}, set); return err },
		"findAndModify w/o $": func() error {
			return coll.FindOneAndUpdate(ctx, bson.D{}, bson.D{bson.KV("a", 1)}).Err()
		},
		"oversized document": func() error {
			_, err := coll.InsertOne(ctx, bson.D{bson.KV("big", strings.Repeat("x", 17<<20))})
			return err
		},
		"two options": func() error {
			_, err := coll.Find(ctx, bson.D{}, client.FindOptions{}, client.FindOptions{})
			return err
		},
		"bad pipeline":      func() error { _, err := coll.Aggregate(ctx, bson.A{"$match"}); return err },
		"nil delete filter": func() error { _, err := coll.DeleteMany(ctx, nil); return err },
	}
	for name, f := range cases {
		if err := f(); err == nil {
			t.Errorf("%s: no error", name)
		} else if !strings.HasPrefix(err.Error(), "client:") {
			t.Errorf("%s: error %q does not say it is the client's", name, err)
		}
	}
	if after := srv.Log().Commands(); len(after) != before {
		t.Errorf("bad input sent %d commands: %v", len(after)-before, after[before:])
	}
}

func TestDisconnectEndsSessionsAndGoroutines(t *testing.T) {
	leakcheck.Check(t)
	srv := primary(t, mockserver.Hello{})
	// A short heartbeat: the mock holds a streaming monitor's hello for
	// that long before it notices that the client closed the socket.
	c, err := client.Connect(context.Background(), srv.URI(), client.Options{HeartbeatFrequency: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	coll := c.Database("test").Collection("c")
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	lsid := srv.CommandsNamed("insert")[0].Lookup("lsid")
	if err := c.Disconnect(ctx); err != nil {
		t.Fatal(err)
	}
	ends := srv.CommandsNamed("endSessions")
	if len(ends) != 1 {
		t.Fatalf("%d endSessions commands, want 1", len(ends))
	}
	if got := ends[0].Lookup("endSessions", "0"); !got.Equal(lsid) {
		t.Errorf("endSessions ended %s, the insert used %s", got, lsid)
	}
	if _, err := coll.InsertOne(ctx, bson.D{}); !errors.Is(err, client.ErrClientDisconnected) {
		t.Errorf("insert after Disconnect: %v", err)
	}
	// The host notices the closed sockets when it reads their ends: wait
	// for that (bounded by the test's context, not by a guess).
	for srv.OpenConnections() > 0 && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	if n := srv.OpenConnections(); n != 0 {
		t.Errorf("%d connections left open", n)
	}
}

func TestUnacknowledgedWrite(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	w0 := client.WriteConcern{W: "0"}
	coll := c.Database("test").Collection("c").WithOptions(client.CollectionOptions{WriteConcern: &w0})
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	reqs, err := srv.WaitFor(ctx, "insert", 1)
	if err != nil {
		t.Fatal(err)
	}
	if !reqs[0].MoreToCome() {
		t.Error("w: 0 insert sent without moreToCome")
	}
	if !reqs[0].Lookup("lsid").IsZero() {
		t.Error("w: 0 insert carries an implicit session")
	}
}

func TestCursorGetMoreAndKill(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	d := func(i int) bson.Raw { return mockserver.Doc(bson.KV("i", i)) }
	srv.Queue("find", mockserver.CursorReply("test.c", 77, d(1), d(2)), mockserver.CursorReply("test.c", 78, d(1)))
	srv.Queue("getMore", mockserver.NextBatch("test.c", 0, d(3)))
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	coll := c.Database("test").Collection("c")
	cur, err := coll.Find(ctx, bson.D{}, client.FindOptions{BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for doc, err := range cur.Iter(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		n, _ := doc.Lookup("i").AsInt64()
		got = append(got, n)
	}
	if len(got) != 3 || got[2] != 3 || cur.ID() != 0 {
		t.Errorf("read %v, cursor id %d", got, cur.ID())
	}
	gm := srv.CommandsNamed("getMore")
	if len(gm) != 1 {
		t.Fatalf("%d getMores", len(gm))
	}
	if id, _ := gm[0].Lookup("getMore").Int64(); id != 77 {
		t.Errorf("getMore %d, want 77", id)
	}
	if b, _ := gm[0].Lookup("batchSize").AsInt64(); b != 2 {
		t.Errorf("getMore batchSize %d", b)
	}
	if !gm[0].Lookup("lsid").Equal(srv.CommandsNamed("find")[0].Lookup("lsid")) {
		t.Error("getMore does not use the find's session")
	}

	cur, err = coll.Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	if !cur.Next(ctx) {
		t.Fatal(cur.Err())
	}
	if err := cur.Close(ctx); err != nil {
		t.Fatal(err)
	}
	kc := srv.CommandsNamed("killCursors")
	if len(kc) != 1 {
		t.Fatalf("%d killCursors", len(kc))
	}
	if id, _ := kc[0].Lookup("cursors", "0").Int64(); id != 78 {
		t.Errorf("killCursors %s", kc[0].Command)
	}
}

func TestFindOneNoDocuments(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI())
	err := c.Database("test").Collection("none").FindOne(ctxT(t), bson.D{bson.KV("_id", 5)}).Err()
	if !errors.Is(err, client.ErrNoDocuments) {
		t.Errorf("err = %v", err)
	}
}

func TestClientTimeout(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI(), client.Options{Timeout: 5 * time.Second})
	ctx := context.Background()
	coll := c.Database("test").Collection("c")
	if err := coll.FindOne(ctx, bson.D{}).Err(); !errors.Is(err, client.ErrNoDocuments) {
		t.Fatal(err)
	}
	ms, ok := srv.CommandsNamed("find")[0].Lookup("maxTimeMS").AsInt64()
	if !ok || ms <= 0 || ms > 5000 {
		t.Errorf("maxTimeMS = %d (%v), want in (0, 5000]", ms, ok)
	}
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"find"}, Action: mockserver.Hang})
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	err := coll.FindOne(short, bson.D{}).Err()
	if !client.IsTimeout(err) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want a timeout", err)
	}
}

func TestExplicitSession(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI())
	other := connect(t, srv.URI())
	sess, err := c.StartSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.EndSession(context.Background())
	ctx := client.WithSession(ctxT(t), sess)
	coll := c.Database("test").Collection("c")
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	if err := coll.FindOne(ctx, bson.D{bson.KV("_id", 1)}).Err(); err != nil {
		t.Fatal(err)
	}
	ins, find := srv.CommandsNamed("insert")[0], srv.CommandsNamed("find")[0]
	if ins.Lookup("lsid").IsZero() || !ins.Lookup("lsid").Equal(find.Lookup("lsid")) {
		t.Errorf("lsids %s and %s, want the session's", ins.Lookup("lsid"), find.Lookup("lsid"))
	}
	if find.Lookup("readConcern", "afterClusterTime").IsZero() {
		t.Errorf("causally consistent read without afterClusterTime: %s", find.Command)
	}
	if err := other.Database("test").Collection("c").FindOne(ctx, bson.D{}).Err(); err == nil {
		t.Error("a session of one client was accepted by another")
	}
}

func TestFindAndModifyOnTheWire(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	srv.Handle("findAndModify", func(*mockserver.Request) mockserver.Reply {
		return mockserver.OK(bson.KV("value", bson.D{bson.KV("_id", 1), bson.KV("n", 2)}))
	})
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	coll := c.Database("test").Collection("c")
	var got bson.M
	err := coll.FindOneAndUpdate(ctx, bson.D{bson.KV("_id", 1)}, bson.D{bson.KV("$set", bson.D{bson.KV("a.$[x]", 1)})},
		client.FindOneAndUpdateOptions{ReturnAfter: true, Upsert: true, Projection: bson.D{bson.KV("n", 1)},
			Sort: bson.D{bson.KV("n", -1)}, ArrayFilters: []any{bson.D{bson.KV("x", 0)}}}).Decode(&got)
	if err != nil || got["n"] != int32(2) {
		t.Fatalf("got %v, %v", got, err)
	}
	req := srv.CommandsNamed("findAndModify")[0]
	for _, path := range [][]string{{"new"}, {"upsert"}, {"fields", "n"}, {"sort", "n"}, {"arrayFilters", "0", "x"}, {"update", "$set"}, {"txnNumber"}} {
		if req.Lookup(path...).IsZero() {
			t.Errorf("findAndModify lacks %v: %s", path, req.Command)
		}
	}
	if err := coll.FindOneAndDelete(ctx, bson.D{}).Err(); err != nil {
		t.Fatal(err)
	}
	del := srv.CommandsNamed("findAndModify")[1]
	if rm, _ := del.Lookup("remove").Boolean(); !rm || !del.Lookup("update").IsZero() {
		t.Errorf("FindOneAndDelete sent %s", del.Command)
	}
}

func TestTailableCursorOnTheWire(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	srv.Queue("find", mockserver.CursorReply("test.capped", 5))
	srv.Queue("getMore", mockserver.NextBatch("test.capped", 5), mockserver.NextBatch("test.capped", 5, mockserver.Doc(bson.KV("i", 1))))
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	cur, err := c.Database("test").Collection("capped").Find(ctx, bson.D{},
		client.FindOptions{Tailable: true, AwaitData: true, MaxAwaitTime: 300 * time.Millisecond, MaxTime: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if cur.TryNext(ctx) {
		t.Fatal("TryNext found a document in an empty batch")
	}
	if cur.Err() != nil || cur.ID() != 5 {
		t.Fatalf("after an empty getMore: err %v, id %d", cur.Err(), cur.ID())
	}
	if !cur.Next(ctx) {
		t.Fatalf("Next: %v", cur.Err())
	}
	find := srv.CommandsNamed("find")[0]
	if ta, _ := find.Lookup("tailable").Boolean(); !ta {
		t.Error("find without tailable")
	}
	if aw, _ := find.Lookup("awaitData").Boolean(); !aw {
		t.Error("find without awaitData")
	}
	if ms, _ := find.Lookup("maxTimeMS").AsInt64(); ms != 1000 {
		t.Errorf("find maxTimeMS = %d, want 1000", ms)
	}
	for _, gm := range srv.CommandsNamed("getMore") {
		if ms, _ := gm.Lookup("maxTimeMS").AsInt64(); ms != 300 {
			t.Errorf("getMore maxTimeMS = %d, want maxAwaitTimeMS 300", ms)
		}
	}
	_ = cur.Close(ctx)
}

// TestCursorGivesBackImplicitSession: a cursor's implicit session goes
// back to the pool when the cursor is exhausted by Next, by TryNext, and
// when a getMore kills it (CursorNotFound), without a Close.
func TestCursorGivesBackImplicitSession(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	d := func(i int) bson.Raw { return mockserver.Doc(bson.KV("i", i)) }
	srv.Queue("find", mockserver.CursorReply("test.c", 7, d(1)), mockserver.CursorReply("test.c", 8, d(1)),
		mockserver.CursorReply("test.c", 9, d(1)))
	srv.Queue("getMore", mockserver.NextBatch("test.c", 0, d(2)), mockserver.NextBatch("test.c", 0),
		mockserver.Error(43, "CursorNotFound", "cursor id 9 not found"))
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	idle := client.IdleSessions(c)
	coll := c.Database("test").Collection("c")
	for i, step := range []func(*client.Cursor) bool{
		func(cur *client.Cursor) bool { return cur.Next(ctx) },
		func(cur *client.Cursor) bool { return cur.TryNext(ctx) },
		func(cur *client.Cursor) bool { return cur.Next(ctx) },
	} {
		cur, err := coll.Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		if client.IdleSessions(c) != idle-1 {
			t.Fatalf("cursor %d: %d idle sessions while it is open, want %d", i, client.IdleSessions(c), idle-1)
		}
		for step(cur) {
		}
		if got := client.IdleSessions(c); got != idle {
			t.Errorf("cursor %d (err %v): %d idle sessions after its end, want %d", i, cur.Err(), got, idle)
		}
	}
}

// TestLoadBalancedCursorPinsConnection: behind a load balancer a
// cursor's getMore and killCursors use the connection that opened it
// (another one might reach another mongos), so a second cursor opened
// meanwhile gets a connection of its own; the connections go back to
// the pool when the cursors end.
func TestLoadBalancedCursorPinsConnection(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{Hello: mockserver.Hello{Role: mockserver.LoadBalanced}})
	d := func(i int) bson.Raw { return mockserver.Doc(bson.KV("i", i)) }
	srv.Queue("find", mockserver.CursorReply("test.c", 7, d(1)), mockserver.CursorReply("test.c", 8, d(1)))
	srv.Queue("getMore", mockserver.NextBatch("test.c", 7, d(2)), mockserver.NextBatch("test.c", 0, d(2)))
	c := connect(t, "mongodb://"+srv.Addr()+"/?loadBalanced=true")
	ctx := ctxT(t)
	coll := c.Database("test").Collection("c")
	a, err := coll.Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := coll.Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	for _, cur := range []*client.Cursor{a, b} {
		for range 2 {
			if !cur.Next(ctx) {
				t.Fatalf("Next: %v", cur.Err())
			}
		}
	}
	if err := a.Close(ctx); err != nil {
		t.Fatal(err)
	}
	finds, gms, kcs := srv.CommandsNamed("find"), srv.CommandsNamed("getMore"), srv.CommandsNamed("killCursors")
	if len(finds) != 2 || len(gms) != 2 || len(kcs) != 1 {
		t.Fatalf("%d finds, %d getMores, %d killCursors; want 2, 2, 1", len(finds), len(gms), len(kcs))
	}
	if finds[0].ConnID == finds[1].ConnID {
		t.Errorf("both cursors opened on connection %d: the first cursor's connection went back to the pool", finds[0].ConnID)
	}
	if gms[0].ConnID != finds[0].ConnID || kcs[0].ConnID != finds[0].ConnID {
		t.Errorf("cursor A: find on %d, getMore on %d, killCursors on %d", finds[0].ConnID, gms[0].ConnID, kcs[0].ConnID)
	}
	if gms[1].ConnID != finds[1].ConnID {
		t.Errorf("cursor B: find on %d, getMore on %d", finds[1].ConnID, gms[1].ConnID)
	}
	// The connections went back to the pool: the next operation reuses one.
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	pings := srv.CommandsNamed("ping")
	if id := pings[len(pings)-1].ConnID; id != finds[0].ConnID && id != finds[1].ConnID {
		t.Errorf("ping on a new connection %d: the cursors' connections did not go back to the pool", id)
	}
}

// TestBadInputFailsBeforeSelection: argument errors come before any I/O,
// so they show even when no server can be reached (rather than a server
// selection error after the timeout).
func TestBadInputFailsBeforeSelection(t *testing.T) {
	c := connect(t, "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=5000")
	ctx := ctxT(t)
	coll := c.Database("test").Collection("c")
	cases := map[string]func() error{
		"find":          func() error { _, err := coll.Find(ctx, 42); return err },
		"findOne":       func() error { return coll.FindOne(ctx, "a").Err() },
		"distinct":      func() error { _, err := coll.Distinct(ctx, "a", 42); return err },
		"count":         func() error { _, err := coll.CountDocuments(ctx, 42); return err },
		"findAndModify": func() error { return coll.FindOneAndDelete(ctx, 42).Err() },
		"aggregate":     func() error { _, err := coll.Aggregate(ctx, bson.A{"$match"}); return err },
		"runCommand":    func() error { return c.Database("test").RunCommand(ctx, 42).Err() },
	}
	for name, f := range cases {
		if err := f(); err == nil || !strings.HasPrefix(err.Error(), "client:") {
			t.Errorf("%s: error %v, want the client's argument error", name, err)
		}
	}
}
