package wirehost

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/leakcheck"
	"github.com/torque-go/torque/wire"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestHelloStandalone(t *testing.T) {
	srv := New(t, Options{})
	c1, c2 := dial(t, srv.Addr()), dial(t, srv.Addr())
	r1 := c1.run(cmd(bson.KV("hello", 1), bson.KV("$db", "admin")))
	r2 := c2.run(cmd(bson.KV("hello", 1), bson.KV("$db", "admin")))

	if !boolean(r1, "isWritablePrimary") || !boolean(r1, "helloOk") {
		t.Errorf("standalone hello: %s", r1)
	}
	if got := num(t, r1, "maxWireVersion"); got != DefaultMaxWireVersion {
		t.Errorf("maxWireVersion %d, want %d", got, DefaultMaxWireVersion)
	}
	if !r1.Lookup("setName").IsZero() || !r1.Lookup("$clusterTime").IsZero() {
		t.Errorf("a standalone has no setName nor $clusterTime: %s", r1)
	}
	id1, id2 := num(t, r1, "connectionId"), num(t, r2, "connectionId")
	if id1 == id2 || id1 < 1 || id2 < 1 {
		t.Errorf("connectionIds %d and %d: want distinct, from 1", id1, id2)
	}
	pid, counter := srv.TopologyVersion()
	if got, _ := r1.Lookup("topologyVersion", "processId").ObjectID(); got != pid {
		t.Errorf("processId %v, want %v", got, pid)
	}
	if got := num(t, r1, "topologyVersion", "counter"); got != counter {
		t.Errorf("counter %d, want %d", got, counter)
	}
	for _, key := range []string{"maxBsonObjectSize", "maxMessageSizeBytes", "maxWriteBatchSize", "logicalSessionTimeoutMinutes"} {
		if r1.Lookup(key).IsZero() {
			t.Errorf("hello lacks %s", key)
		}
	}
}

func TestConfigurableHello(t *testing.T) {
	srv := New(t, Options{Hello: Hello{MaxWireVersion: 17, MaxWriteBatchSize: 10, LogicalSessionTimeoutMinutes: -1,
		Extra: bson.D{bson.KV("custom", "yes")}}})
	r := dial(t, srv.Addr()).run(cmd(bson.KV("hello", 1)))
	if num(t, r, "maxWireVersion") != 17 || num(t, r, "maxWriteBatchSize") != 10 || str(t, r, "custom") != "yes" {
		t.Errorf("hello ignores its configuration: %s", r)
	}
	if !r.Lookup("logicalSessionTimeoutMinutes").IsZero() {
		t.Errorf("negative session timeout must omit the field: %s", r)
	}
}

func TestLegacyOpQueryHelloGetsOpReply(t *testing.T) {
	srv := New(t, Options{})
	c := dial(t, srv.Addr())
	q, err := wire.AppendQuery(nil, 7, &wire.Query{FullCollectionName: "admin.$cmd", NumberToReturn: -1,
		Query: Doc(bson.KV("isMaster", 1), bson.KV("helloOk", true))})
	if err != nil {
		t.Fatal(err)
	}
	c.write(q)
	r := c.recv()
	if r.h.OpCode != wire.OpReply || r.h.ResponseTo != 7 {
		t.Fatalf("got %s responseTo %d, want OP_REPLY to 7", r.h.OpCode, r.h.ResponseTo)
	}
	if !boolean(r.doc, "ismaster") || !r.doc.Lookup("isWritablePrimary").IsZero() {
		t.Errorf("legacy hello answers ismaster only: %s", r.doc)
	}
	req := srv.CommandsNamed("hello")
	if len(req) != 1 || req[0].OpCode != wire.OpQuery || req[0].DB != "admin" || req[0].Name != "isMaster" {
		t.Errorf("recorded %v", req)
	}
}

func TestDefaultCommands(t *testing.T) {
	srv := New(t, Options{})
	c := dial(t, srv.Addr())
	if r := c.run(cmd(bson.KV("ping", 1))); num(t, r, "ok") != 1 {
		t.Errorf("ping: %s", r)
	}
	if r := c.run(cmd(bson.KV("buildInfo", 1))); str(t, r, "version") != "7.0.0" {
		t.Errorf("buildInfo: %s", r)
	}
	r := c.run(cmd(bson.KV("getMore", int64(5)), bson.KV("collection", "c")))
	if num(t, r, "cursor", "id") != 0 || str(t, r, "cursor", "ns") != "test.c" {
		t.Errorf("getMore: %s", r)
	}
	r = c.run(cmd(bson.KV("killCursors", "c"), bson.KV("cursors", bson.A{int64(5)})))
	if killed, _ := r.Lookup("cursorsKilled").Array(); len(mustValues(t, killed)) != 1 {
		t.Errorf("killCursors: %s", r)
	}
	r = c.run(cmd(bson.KV("saslStart", 1)))
	if num(t, r, "ok") != 0 || num(t, r, "code") != 18 {
		t.Errorf("saslStart must fail unless scripted: %s", r)
	}
	r = c.run(cmd(bson.KV("frobnicate", 1)))
	if num(t, r, "code") != 59 || str(t, r, "codeName") != "CommandNotFound" {
		t.Errorf("unknown command: %s", r)
	}
}

func mustValues(t *testing.T, a bson.RawArray) []bson.RawValue {
	vs, err := a.Values()
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

func TestScriptedHandlerAndQueue(t *testing.T) {
	srv := New(t, Options{})
	doc := Doc(bson.KV("_id", 1), bson.KV("x", "scripted"))
	srv.Handle("find", func(req *Request) Reply {
		return CursorReply(req.DB+".c", 0, doc)
	})
	srv.Queue("find", Error(11600, "InterruptedAtShutdown", "first"), OK(bson.KV("second", true)))
	c := dial(t, srv.Addr())
	find := cmd(bson.KV("find", "c"), bson.KV("filter", bson.D{}))
	if r := c.run(find); num(t, r, "code") != 11600 {
		t.Errorf("first queued reply: %s", r)
	}
	if r := c.run(find); !boolean(r, "second") {
		t.Errorf("second queued reply: %s", r)
	}
	r := c.run(find)
	batch, _ := r.Lookup("cursor", "firstBatch").Array()
	first, err := batch.Index(0)
	firstDoc, _ := first.Document()
	if err != nil || firstDoc.Lookup("x").String() != `"scripted"` {
		t.Errorf("handler reply: %s", r)
	}
}

func TestRequestsRecordedWithSequencesMerged(t *testing.T) {
	srv := New(t, Options{})
	c := dial(t, srv.Addr())
	a, b := Doc(bson.KV("_id", 1)), Doc(bson.KV("_id", 2))
	r := c.run(cmd(bson.KV("insert", "c"), bson.KV("$db", "shop")), seq("documents", a, b))
	if num(t, r, "n") != 2 {
		t.Fatalf("insert: %s", r)
	}
	got, err := srv.WaitFor(testCtx(t), "insert", 1)
	if err != nil {
		t.Fatal(err)
	}
	req := got[0]
	if req.Name != "insert" || req.DB != "shop" || req.ConnID != 1 || req.Host != srv.Addr() || req.Seq != 1 {
		t.Errorf("recorded %v", req)
	}
	if docs := req.Documents("documents"); len(docs) != 2 || !slices.Equal(docs[1], b) {
		t.Errorf("documents %v", docs)
	}
	if n := len(srv.Store().Docs("shop.c")); n != 2 {
		t.Errorf("store holds %d documents, want 2", n)
	}
	// The same argument as an array in the body reads the same.
	c.run(cmd(bson.KV("insert", "d"), bson.KV("documents", bson.A{Doc(bson.KV("_id", 3))})))
	if docs := srv.CommandsNamed("insert")[1].Documents("documents"); len(docs) != 1 {
		t.Errorf("documents from the body: %v", docs)
	}
	if all := srv.Requests(); len(all) != 2 || all[1].Seq != 2 {
		t.Errorf("requests: %v", all)
	}
}

func TestWaitForGivesUpWithContext(t *testing.T) {
	srv := New(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got, err := srv.WaitFor(ctx, "insert", 1); err == nil || len(got) != 0 {
		t.Errorf("WaitFor on a cancelled context: %v, %v", got, err)
	}
}

func TestMoreToComeRequestGetsNoReply(t *testing.T) {
	srv := New(t, Options{})
	c := dial(t, srv.Addr())
	c.send(wire.MoreToCome, cmd(bson.KV("insert", "c"), bson.KV("writeConcern", bson.D{bson.KV("w", 0)})), seq("documents", Doc(bson.KV("_id", 1))))
	ping := c.send(0, cmd(bson.KV("ping", 1)))
	// The next reply on the connection answers the ping: the insert had none.
	if r := c.recv(); r.h.ResponseTo != ping {
		t.Fatalf("reply to %d, want the ping %d: %s", r.h.ResponseTo, ping, r.doc)
	}
	if n := len(srv.Store().Docs("test.c")); n != 1 {
		t.Errorf("the unacknowledged insert stored %d documents, want 1", n)
	}
	if !srv.CommandsNamed("insert")[0].MoreToCome() {
		t.Error("the recorded insert lost its moreToCome flag")
	}
}

func TestCompressionBothWays(t *testing.T) {
	srv := New(t, Options{Hello: Hello{Compressors: []string{"snappy", "zlib", "zstd"}}})
	c := dial(t, srv.Addr())
	r := c.run(cmd(bson.KV("hello", 1), bson.KV("compression", bson.A{"zstd", "noop", "snappy"})))
	agreed, _ := r.Lookup("compression").Array()
	var names []string
	for _, v := range mustValues(t, agreed) {
		s, _ := v.StringValue()
		names = append(names, s)
	}
	if !slices.Equal(names, []string{"zstd", "snappy"}) {
		t.Errorf("compression %v, want the client's order of the shared ones", names)
	}
	for _, id := range []wire.CompressorID{wire.CompressorSnappy, wire.CompressorZlib, wire.CompressorZstd, wire.CompressorNoop} {
		c.compressor = &id
		reqID := c.send(0, cmd(bson.KV("ping", 1)))
		got := c.recv()
		if !got.compressed || got.compressor != id || got.h.ResponseTo != reqID || num(t, got.doc, "ok") != 1 {
			t.Errorf("%s: reply compressed=%v with %s: %s", id, got.compressed, got.compressor, got.doc)
		}
		last := srv.Requests()[len(srv.Requests())-1]
		if !last.Compressed || last.Compressor != id || last.Name != "ping" {
			t.Errorf("%s: recorded %v compressed=%v %s", id, last, last.Compressed, last.Compressor)
		}
	}
	c.compressor = nil
	if got := c.run(cmd(bson.KV("ping", 1))); got == nil {
		t.Error("uncompressed ping unanswered")
	}
}

func TestMalformedRequestClosesOnlyThatConnection(t *testing.T) {
	srv := New(t, Options{})
	bad := dial(t, srv.Addr())
	bad.write([]byte{0x10, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xdd, 0x07, 0, 0}) // OP_MSG with no body
	bad.expectClosed()
	if r := dial(t, srv.Addr()).run(cmd(bson.KV("ping", 1))); num(t, r, "ok") != 1 {
		t.Errorf("server stopped serving after bad input: %s", r)
	}
}

func TestRoles(t *testing.T) {
	for _, tc := range []struct {
		role  Role
		check func(t *testing.T, lb, plain bson.Raw)
	}{
		{Mongos, func(t *testing.T, _, r bson.Raw) {
			if str(t, r, "msg") != "isdbgrid" || r.Lookup("$clusterTime").IsZero() {
				t.Errorf("mongos hello: %s", r)
			}
		}},
		{LoadBalanced, func(t *testing.T, lb, plain bson.Raw) {
			if lb.Lookup("serviceId").IsZero() || !plain.Lookup("serviceId").IsZero() {
				t.Errorf("serviceId only when loadBalanced: %s / %s", lb, plain)
			}
		}},
		{Ghost, func(t *testing.T, _, r bson.Raw) {
			if !boolean(r, "isreplicaset") || boolean(r, "isWritablePrimary") {
				t.Errorf("ghost hello: %s", r)
			}
		}},
	} {
		t.Run(tc.role.String(), func(t *testing.T) {
			srv := New(t, Options{Hello: Hello{Role: tc.role}})
			c := dial(t, srv.Addr())
			lb := c.run(cmd(bson.KV("hello", 1), bson.KV("loadBalanced", true)))
			plain := c.run(cmd(bson.KV("hello", 1)))
			tc.check(t, lb, plain)
		})
	}
}

func TestCloseLeavesNoGoroutine(t *testing.T) {
	leakcheck.Check(t)
	srv, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv.FailCommand(FailPoint{Commands: []string{"find"}, Action: Hang})
	srv.FailCommand(FailPoint{Commands: []string{"count"}, Delay: time.Hour})
	pid, counter := srv.TopologyVersion()
	tv := bson.D{bson.KV("processId", pid), bson.KV("counter", counter)}

	held := dial(t, srv.Addr())
	held.send(0, cmd(bson.KV("hello", 1), bson.KV("topologyVersion", tv), bson.KV("maxAwaitTimeMS", int64(3_600_000))))
	streaming := dial(t, srv.Addr())
	streaming.send(wire.ExhaustAllowed, cmd(bson.KV("hello", 1), bson.KV("topologyVersion", bson.D{bson.KV("processId", pid), bson.KV("counter", int64(-1))}), bson.KV("maxAwaitTimeMS", int64(3_600_000))))
	streaming.recv() // the first of the stream; the next waits for a change
	hanging := dial(t, srv.Addr())
	hanging.send(0, cmd(bson.KV("find", "c")))
	delayed := dial(t, srv.Addr())
	delayed.send(0, cmd(bson.KV("count", "c")))
	idle := dial(t, srv.Addr())
	idle.run(cmd(bson.KV("ping", 1)))
	if _, err := srv.WaitFor(testCtx(t), "count", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.WaitFor(testCtx(t), "find", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.WaitFor(testCtx(t), "hello", 2); err != nil {
		t.Fatal(err)
	}

	if err := srv.Close(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*rawClient{held, streaming, hanging, delayed, idle} {
		c.expectClosed()
	}
}

func TestConnectionCountsAndCommandsLog(t *testing.T) {
	srv := New(t, Options{})
	a, b := dial(t, srv.Addr()), dial(t, srv.Addr())
	a.run(cmd(bson.KV("hello", 1)))
	a.run(cmd(bson.KV("ping", 1)))
	b.run(cmd(bson.KV("buildInfo", 1)))
	if got := srv.OpenConnections(); got != 2 {
		t.Errorf("%d open connections, want 2", got)
	}
	var names []string
	for _, r := range srv.Log().Commands() {
		names = append(names, r.Name)
	}
	if !slices.Equal(names, []string{"ping", "buildInfo"}) {
		t.Errorf("commands %v", names)
	}
	a.nc.Close()
	b.nc.Close()
	deadline := time.Now().Add(10 * time.Second)
	for srv.OpenConnections() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections still open after the client closed them", srv.OpenConnections())
		}
		time.Sleep(time.Millisecond)
	}
	if got := srv.ConnectionsAccepted(); got != 2 {
		t.Errorf("accepted %d, want 2", got)
	}
}
