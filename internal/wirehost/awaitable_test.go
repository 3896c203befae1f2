package wirehost

import (
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/wire"
)

// awaitableHello is the hello a streaming monitor sends.
func awaitableHello(srv *Server, counter int64, waitMS int64) bson.Raw {
	pid, _ := srv.TopologyVersion()
	return cmd(bson.KV("hello", 1), bson.KV("$db", "admin"),
		bson.KV("topologyVersion", bson.D{bson.KV("processId", pid), bson.KV("counter", counter)}),
		bson.KV("maxAwaitTimeMS", waitMS))
}

func TestAwaitableHelloAnswersOnChange(t *testing.T) {
	srv := New(t, Options{Hello: Hello{Role: Mongos}})
	_, counter := srv.TopologyVersion()
	c := dial(t, srv.Addr())
	id := c.send(0, awaitableHello(srv, counter, 3_600_000)) // an hour: only a change answers it
	if _, err := srv.WaitFor(testCtx(t), "hello", 1); err != nil {
		t.Fatal(err)
	}
	if !srv.Update(func(h *Hello) { h.MaxWireVersion = 25 }) {
		t.Fatal("Update saw no change")
	}
	r := c.recv()
	if r.h.ResponseTo != id || num(t, r.doc, "topologyVersion", "counter") != counter+1 || num(t, r.doc, "maxWireVersion") != 25 {
		t.Errorf("held hello answered %s", r.doc)
	}
	if srv.Update(func(h *Hello) { h.MaxWireVersion = 25 }) {
		t.Error("an Update that changes nothing bumped the counter")
	}
}

func TestAwaitableHelloAnswersOnTimeout(t *testing.T) {
	srv := New(t, Options{})
	_, counter := srv.TopologyVersion()
	r := dial(t, srv.Addr()).run(awaitableHello(srv, counter, 30))
	if num(t, r, "topologyVersion", "counter") != counter || !boolean(r, "isWritablePrimary") {
		t.Errorf("hello after maxAwaitTimeMS: %s", r)
	}
}

func TestAwaitableHelloWithStaleVersionAnswersAtOnce(t *testing.T) {
	srv := New(t, Options{})
	srv.Update(func(h *Hello) { h.Tags = map[string]string{"dc": "east"} })
	_, counter := srv.TopologyVersion()
	// An hour's wait would trip the raw client's read deadline: the stale
	// counter must be answered at once.
	r := dial(t, srv.Addr()).run(awaitableHello(srv, counter-1, 3_600_000))
	if num(t, r, "topologyVersion", "counter") != counter {
		t.Errorf("stale hello answered %s", r)
	}
}

func TestExhaustHelloStreams(t *testing.T) {
	srv := New(t, Options{})
	_, counter := srv.TopologyVersion()
	c := dial(t, srv.Addr())
	id := c.send(wire.ExhaustAllowed, awaitableHello(srv, counter-1, 3_600_000))
	first := c.recv()
	if first.flags&wire.MoreToCome == 0 || first.h.ResponseTo != id {
		t.Fatalf("first streamed reply: flags %s responseTo %d", first.flags, first.h.ResponseTo)
	}
	for i := int64(1); i <= 2; i++ {
		srv.Update(func(h *Hello) { h.MaxWriteBatchSize = int32(1000 * i) })
		next := c.recv()
		if next.flags&wire.MoreToCome == 0 || next.h.ResponseTo != first.h.RequestID {
			t.Errorf("streamed reply %d: flags %s responseTo %d, want the previous reply %d", i, next.flags, next.h.ResponseTo, first.h.RequestID)
		}
		if num(t, next.doc, "topologyVersion", "counter") != counter+i || num(t, next.doc, "maxWriteBatchSize") != 1000*i {
			t.Errorf("streamed reply %d: %s", i, next.doc)
		}
		first = next
	}
	if got := len(srv.CommandsNamed("hello")); got != 1 {
		t.Errorf("the client sent one hello, the log has %d", got)
	}
}

func TestStopAndRestartOnTheSamePort(t *testing.T) {
	srv := New(t, Options{})
	pid, _ := srv.TopologyVersion()
	c := dial(t, srv.Addr())
	c.run(cmd(bson.KV("ping", 1)))
	if err := srv.Stop(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	c.expectClosed()
	if srv.Running() {
		t.Error("Running after Stop")
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	r := dial(t, srv.Addr()).run(cmd(bson.KV("hello", 1)))
	if got, _ := r.Lookup("topologyVersion", "processId").ObjectID(); got == pid {
		t.Errorf("a restarted host kept its processId %v", got)
	}
	if num(t, r, "topologyVersion", "counter") != 0 {
		t.Errorf("a restarted host's counter: %s", r)
	}
}

// A client that hangs up while its hello is held is seen at once, not when
// maxAwaitTimeMS (an hour here) ends: the connection stops counting as
// open, as after any other request.
func TestHeldHelloSeesClientHangUp(t *testing.T) {
	srv := New(t, Options{})
	_, counter := srv.TopologyVersion()
	c := dial(t, srv.Addr())
	c.send(wire.ExhaustAllowed, awaitableHello(srv, counter, 3_600_000))
	if _, err := srv.WaitFor(testCtx(t), "hello", 1); err != nil {
		t.Fatal(err)
	}
	c.nc.Close()
	ctx := testCtx(t)
	for srv.OpenConnections() != 0 {
		if ctx.Err() != nil {
			t.Fatalf("%d connections still open after the client hung up during a held hello", srv.OpenConnections())
		}
		time.Sleep(time.Millisecond)
	}
}

// A request that arrives while a hello is held ends the wait: the hello
// is answered, then the request, in order.
func TestHeldHelloThenRequest(t *testing.T) {
	srv := New(t, Options{})
	_, counter := srv.TopologyVersion()
	c := dial(t, srv.Addr())
	id := c.send(0, awaitableHello(srv, counter, 3_600_000))
	if _, err := srv.WaitFor(testCtx(t), "hello", 1); err != nil {
		t.Fatal(err)
	}
	ping := c.send(0, cmd(bson.KV("ping", 1), bson.KV("$db", "admin")))
	if r := c.recv(); r.h.ResponseTo != id || num(t, r.doc, "topologyVersion", "counter") != counter {
		t.Errorf("first reply %s (responseTo %d), want the held hello's (%d)", r.doc, r.h.ResponseTo, id)
	}
	if r := c.recv(); r.h.ResponseTo != ping || num(t, r.doc, "ok") != 1 {
		t.Errorf("second reply %s (responseTo %d), want ping's (%d)", r.doc, r.h.ResponseTo, ping)
	}
}
