package wirehost

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/wire"
)

func insertCmd(id int) (bson.Raw, wire.Sequence) {
	return cmd(bson.KV("insert", "c")), seq("documents", Doc(bson.KV("_id", int32(id))))
}

func labels(doc bson.Raw) []string {
	arr, _ := doc.Lookup("errorLabels").Array()
	var out []string
	for _, v := range arr.All() {
		s, _ := v.StringValue()
		out = append(out, s)
	}
	return out
}

func TestFailPointErrorThenNormal(t *testing.T) {
	srv := New(t, Options{})
	srv.FailCommand(FailPoint{Commands: []string{"insert"}, Times: 1, Code: 91, ErrMsg: "shutting down", Labels: []string{"RetryableWriteError"}})
	c := dial(t, srv.Addr())
	r := c.run(insertCmd(1))
	if num(t, r, "ok") != 0 || num(t, r, "code") != 91 || str(t, r, "codeName") != "ShutdownInProgress" ||
		str(t, r, "errmsg") != "shutting down" || !slices.Equal(labels(r), []string{"RetryableWriteError"}) {
		t.Errorf("failed insert: %s", r)
	}
	if n := len(srv.Store().Docs("test.c")); n != 0 {
		t.Errorf("a failed insert stored %d documents", n)
	}
	if r := c.run(insertCmd(1)); num(t, r, "ok") != 1 || num(t, r, "n") != 1 {
		t.Errorf("the fail point fired twice: %s", r)
	}
	if r := c.run(cmd(bson.KV("ping", 1))); num(t, r, "ok") != 1 {
		t.Errorf("a fail point for insert hit ping: %s", r)
	}
}

func TestFailPointWriteConcernErrorApplies(t *testing.T) {
	srv := New(t, Options{})
	srv.FailCommand(FailPoint{Commands: []string{"insert"}, Times: 1, WriteConcernError: true, Code: 64, ErrMsg: "waiting for replication timed out"})
	r := dial(t, srv.Addr()).run(insertCmd(1))
	if num(t, r, "ok") != 1 || num(t, r, "n") != 1 || num(t, r, "writeConcernError", "code") != 64 ||
		str(t, r, "writeConcernError", "codeName") != "WriteConcernFailed" {
		t.Errorf("insert with a write concern error: %s", r)
	}
	if n := len(srv.Store().Docs("test.c")); n != 1 {
		t.Errorf("store holds %d documents, want 1 (the write applies)", n)
	}
}

func TestCloseFaults(t *testing.T) {
	for _, tc := range []struct {
		action   Action
		recorded int // inserts the server saw
		stored   int // documents it applied
	}{
		{CloseBeforeRead, 0, 0},
		{CloseAfterRead, 1, 0},
		{CloseAfterApply, 1, 1},
	} {
		t.Run(tc.action.String(), func(t *testing.T) {
			srv := New(t, Options{})
			c := dial(t, srv.Addr())
			c.run(cmd(bson.KV("ping", 1)))
			fp := FailPoint{Commands: []string{"insert"}, Times: 1, Action: tc.action}
			if tc.action == CloseBeforeRead {
				fp.Commands = nil
			}
			srv.FailCommand(fp)
			c.send(0, cmd(bson.KV("insert", "c")), seq("documents", Doc(bson.KV("_id", 1))))
			c.expectClosed()
			if got := len(srv.CommandsNamed("insert")); got != tc.recorded {
				t.Errorf("recorded %d inserts, want %d", got, tc.recorded)
			}
			if got := len(srv.Store().Docs("test.c")); got != tc.stored {
				t.Errorf("stored %d documents, want %d", got, tc.stored)
			}
			if r := dial(t, srv.Addr()).run(cmd(bson.KV("ping", 1))); num(t, r, "ok") != 1 {
				t.Errorf("next connection: %s", r)
			}
		})
	}
}

// A retryable write whose connection closes after it applied is retried
// with the same lsid and txnNumber: the mock answers the retry from memory,
// and the document exists exactly once.
func TestRetriedWriteAppliesExactlyOnce(t *testing.T) {
	srv := New(t, Options{})
	srv.FailCommand(FailPoint{Commands: []string{"insert"}, Times: 1, Action: CloseAfterApply})
	lsid := bson.D{bson.KV("id", bson.Binary{Subtype: bson.BinaryUUID, Data: make([]byte, 16)})}
	insert := cmd(bson.KV("insert", "c"), bson.KV("lsid", lsid), bson.KV("txnNumber", int64(1)))
	doc := seq("documents", Doc(bson.KV("_id", 1)))

	first := dial(t, srv.Addr())
	first.send(0, insert, doc)
	first.expectClosed()
	r := dial(t, srv.Addr()).run(insert, doc)
	if num(t, r, "ok") != 1 || num(t, r, "n") != 1 || !r.Lookup("writeErrors").IsZero() {
		t.Errorf("retry: %s", r)
	}
	if got := len(srv.Store().Docs("test.c")); got != 1 {
		t.Errorf("the document exists %d times, want once", got)
	}
	// Without a transaction number the same insert is a new write: a
	// duplicate key.
	r = dial(t, srv.Addr()).run(cmd(bson.KV("insert", "c")), doc)
	if num(t, r, "writeErrors", "0", "code") != 11000 {
		t.Errorf("plain second insert: %s", r)
	}
}

func TestHangEndsWhenClientCloses(t *testing.T) {
	srv := New(t, Options{})
	srv.FailCommand(FailPoint{Commands: []string{"find"}, Times: 1, Action: Hang})
	c := dial(t, srv.Addr())
	c.send(0, cmd(bson.KV("find", "c")))
	if _, err := srv.WaitFor(testCtx(t), "find", 1); err != nil {
		t.Fatal(err)
	}
	c.nc.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if _, _, err := wire.ReadMessage(c.nc, nil, 0); err == nil {
		t.Fatal("a hanging command was answered")
	}
	c.nc.Close()
	if r := dial(t, srv.Addr()).run(cmd(bson.KV("find", "c"))); num(t, r, "ok") != 1 {
		t.Errorf("after the hang: %s", r)
	}
}

func TestDelayedReplyArrives(t *testing.T) {
	srv := New(t, Options{})
	srv.FailCommand(FailPoint{Commands: []string{"ping"}, Times: 1, Delay: 20 * time.Millisecond})
	if r := dial(t, srv.Addr()).run(cmd(bson.KV("ping", 1))); num(t, r, "ok") != 1 {
		t.Errorf("delayed ping: %s", r)
	}
}

func TestMalformedReplies(t *testing.T) {
	for _, tc := range []struct {
		name   string
		action Action
		check  func(t *testing.T, c *rawClient, reqID int32)
	}{
		{"garbage", ReplyGarbage, func(t *testing.T, c *rawClient, _ int32) {
			var we *wire.Error
			if _, err := c.tryRecv(); !errors.As(err, &we) {
				t.Errorf("want a wire.Error, got %v", err)
			}
		}},
		{"truncated", ReplyTruncated, func(t *testing.T, c *rawClient, _ int32) {
			if _, err := c.tryRecv(); err == nil {
				t.Error("a truncated reply parsed")
			}
		}},
		{"badBSON", ReplyBadBSON, func(t *testing.T, c *rawClient, _ int32) {
			r, err := c.tryRecv()
			if err != nil {
				t.Fatalf("the framing must be fine: %v", err)
			}
			if r.doc.Validate() == nil {
				t.Errorf("body %x validates", []byte(r.doc))
			}
		}},
		{"wrongResponseTo", ReplyWrongResponseTo, func(t *testing.T, c *rawClient, reqID int32) {
			r, err := c.tryRecv()
			if err != nil {
				t.Fatal(err)
			}
			if wire.CheckResponseTo(r.h, reqID) == nil {
				t.Errorf("responseTo %d matches request %d", r.h.ResponseTo, reqID)
			}
		}},
		{"raw", WriteRaw, func(t *testing.T, c *rawClient, _ int32) {
			c.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
			b := make([]byte, 3)
			if _, err := c.nc.Read(b); err != nil || string(b) != "abc" {
				t.Errorf("raw bytes %q, %v", b, err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := New(t, Options{})
			srv.FailCommand(FailPoint{Commands: []string{"ping"}, Times: 1, Action: tc.action, Raw: []byte("abc")})
			c := dial(t, srv.Addr())
			tc.check(t, c, c.send(0, cmd(bson.KV("ping", 1))))
		})
	}
}

func TestFailPointByAppName(t *testing.T) {
	srv := New(t, Options{})
	srv.FailCommand(FailPoint{Commands: []string{"ping"}, AppName: "victim", Code: 6})
	handshake := func(app string) *rawClient {
		c := dial(t, srv.Addr())
		c.run(cmd(bson.KV("hello", 1), bson.KV("client", bson.D{bson.KV("application", bson.D{bson.KV("name", app)})})))
		return c
	}
	if r := handshake("bystander").run(cmd(bson.KV("ping", 1))); num(t, r, "ok") != 1 {
		t.Errorf("other app failed: %s", r)
	}
	if r := handshake("victim").run(cmd(bson.KV("ping", 1))); num(t, r, "code") != 6 {
		t.Errorf("named app did not fail: %s", r)
	}
}

func TestConfigureFailPointCommand(t *testing.T) {
	srv := New(t, Options{})
	c := dial(t, srv.Addr())
	r := c.run(cmd(bson.KV("configureFailPoint", "failCommand"), bson.KV("$db", "admin"),
		bson.KV("mode", bson.D{bson.KV("times", 1)}),
		bson.KV("data", bson.D{bson.KV("failCommands", bson.A{"insert"}), bson.KV("errorCode", 10107),
			bson.KV("errorLabels", bson.A{"RetryableWriteError"})})))
	if num(t, r, "ok") != 1 {
		t.Fatalf("configureFailPoint: %s", r)
	}
	r = c.run(insertCmd(1))
	if num(t, r, "code") != 10107 || str(t, r, "codeName") != "NotWritablePrimary" || !slices.Equal(labels(r), []string{"RetryableWriteError"}) {
		t.Errorf("armed insert: %s", r)
	}
	if r = c.run(insertCmd(1)); num(t, r, "n") != 1 {
		t.Errorf("second insert: %s", r)
	}
	c.run(cmd(bson.KV("configureFailPoint", "failCommand"), bson.KV("mode", "alwaysOn"),
		bson.KV("data", bson.D{bson.KV("failCommands", bson.A{"ping"}), bson.KV("closeConnection", true)})))
	c.send(0, cmd(bson.KV("ping", 1)))
	c.expectClosed()
	c = dial(t, srv.Addr())
	c.run(cmd(bson.KV("configureFailPoint", "failCommand"), bson.KV("mode", "off")))
	if r := c.run(cmd(bson.KV("ping", 1))); num(t, r, "ok") != 1 {
		t.Errorf("after mode off: %s", r)
	}
}

func TestFailPointWithoutCommandsSparesHello(t *testing.T) {
	srv := New(t, Options{})
	srv.FailCommand(FailPoint{Times: 1, Code: 11602})
	c := dial(t, srv.Addr())
	if r := c.run(cmd(bson.KV("hello", 1))); num(t, r, "ok") != 1 {
		t.Errorf("hello used up the fail point: %s", r)
	}
	if r := c.run(cmd(bson.KV("ping", 1))); str(t, r, "codeName") != "InterruptedDueToReplStateChange" {
		t.Errorf("ping: %s", r)
	}
	if r := c.run(cmd(bson.KV("ping", 1))); num(t, r, "ok") != 1 {
		t.Errorf("second ping: %s", r)
	}
}
