package client_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/mockserver"
)

// The crud README's prose tests of Client.BulkWrite, against the mock
// server with small limits (the README's use 48 MB messages; the rules
// scale): a bulkWrite handler that answers every op {ok: 1, n: 1}, or as
// the test scripts it.

// bulkMock is a primary with the limits h whose bulkWrite answers each op
// with entry(i) (nil: {ok: 1, idx, n: 1}) and adds extra to the reply.
func bulkMock(t *testing.T, h mockserver.Hello, entry func(i int) bson.D, extra ...bson.E) *mockserver.Server {
	srv := primary(t, h)
	srv.Handle("bulkWrite", func(req *mockserver.Request) mockserver.Reply {
		var batch []bson.Raw
		nErrors := int32(0)
		for i := range req.Documents("ops") {
			d := bson.D{bson.KV("ok", 1.0), bson.KV("idx", int32(i)), bson.KV("n", int32(1))}
			if entry != nil {
				d = entry(i)
			}
			if ok, _ := d[0].Value.(float64); ok == 0 {
				nErrors++
			}
			batch = append(batch, mockserver.Doc(d...))
		}
		r := mockserver.CursorReply("admin.$cmd.bulkWrite", 0, batch...)
		var d bson.D
		_ = bson.Unmarshal(r.Doc, &d)
		d = append(d, bson.KV("nErrors", nErrors), bson.KV("nInserted", int32(len(batch))-nErrors))
		r.Doc = mockserver.Doc(append(d, extra...)...)
		return r
	})
	return srv
}

func inserts(n int, db, coll string, doc func(i int) any) []client.ClientWriteModel {
	models := make([]client.ClientWriteModel, n)
	for i := range models {
		models[i] = client.ClientWriteModel{Database: db, Collection: coll, Model: client.InsertOneModel{Document: doc(i)}}
	}
	return models
}

// batchShape is the number of ops and nsInfo entries of each bulkWrite
// sent.
func batchShape(srv *mockserver.Server) string {
	var out []string
	for _, r := range srv.CommandsNamed("bulkWrite") {
		out = append(out, fmt.Sprintf("%d/%d", len(r.Sequences["ops"]), len(r.Sequences["nsInfo"])))
	}
	return strings.Join(out, " ")
}

func TestClientBulkWriteSplitsByMaxWriteBatchSize(t *testing.T) {
	srv := bulkMock(t, mockserver.Hello{MaxWriteBatchSize: 3}, nil)
	c := connect(t, srv.URI())
	res, err := c.BulkWrite(ctxT(t), inserts(7, "db", "coll", func(i int) any { return bson.D{bson.KV("_id", i)} }))
	if err != nil {
		t.Fatal(err)
	}
	if got := batchShape(srv); got != "3/1 3/1 1/1" || res.InsertedCount != 7 {
		t.Errorf("batches %s, inserted %d; want 3/1 3/1 1/1, 7", got, res.InsertedCount)
	}
	cmds := srv.CommandsNamed("bulkWrite")
	if cmds[0].DB != "admin" || cmds[1].Lookup("txnNumber").IsZero() {
		t.Errorf("first command on %q, second %s", cmds[0].DB, cmds[1].Command)
	}
}

func TestClientBulkWriteSplitsByMaxMessageSize(t *testing.T) {
	const maxMsg, maxDoc = 10000, 2000
	srv := bulkMock(t, mockserver.Hello{MaxMessageSizeBytes: maxMsg, MaxBSONObjectSize: maxDoc}, nil)
	c := connect(t, srv.URI())
	n := maxMsg/maxDoc + 1
	_, err := c.BulkWrite(ctxT(t), inserts(n, "db", "coll", func(int) any { return bson.D{bson.KV("a", strings.Repeat("b", maxDoc-500))} }))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := batchShape(srv), fmt.Sprintf("%d/1 1/1", n-1); got != want {
		t.Errorf("batches %s, want %s", got, want)
	}
}

// TestClientBulkWriteSplitsOnNewNamespace is the README's "batch splits
// when the addition of a new namespace exceeds the maximum message size":
// ops that leave room for one more small op but not for its namespace.
func TestClientBulkWriteSplitsOnNewNamespace(t *testing.T) {
	const maxMsg, maxDoc = 10000, 2000
	srv := bulkMock(t, mockserver.Hello{MaxMessageSizeBytes: maxMsg, MaxBSONObjectSize: maxDoc}, nil)
	c := connect(t, srv.URI())
	opsBytes := maxMsg - 1122
	n, rest := opsBytes/maxDoc, opsBytes%maxDoc
	models := inserts(n, "db", "coll", func(int) any { return bson.D{bson.KV("a", strings.Repeat("b", maxDoc-57))} })
	models = append(models, inserts(1, "db", "coll", func(int) any { return bson.D{bson.KV("a", strings.Repeat("b", rest-57))} })...)
	long := strings.Repeat("c", 200)
	models = append(models, inserts(1, "db", long, func(int) any { return bson.D{bson.KV("a", "b")} })...)
	if _, err := c.BulkWrite(ctxT(t), models); err != nil {
		t.Fatal(err)
	}
	if got, want := batchShape(srv), fmt.Sprintf("%d/1 1/1", n+1); got != want {
		t.Fatalf("batches %s, want %s", got, want)
	}
	ns, _ := bson.Raw(srv.CommandsNamed("bulkWrite")[1].Sequences["nsInfo"][0]).Lookup("ns").StringValue()
	if ns != "db."+long {
		t.Errorf("second batch's nsInfo %q", ns)
	}
}

func TestClientBulkWriteRefusesWhatCannotFit(t *testing.T) {
	const maxMsg, maxDoc = 10000, 2000
	srv := bulkMock(t, mockserver.Hello{MaxMessageSizeBytes: maxMsg, MaxBSONObjectSize: maxDoc}, nil)
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	big := inserts(1, "db", "coll", func(int) any { return bson.D{bson.KV("a", strings.Repeat("b", maxMsg))} })
	longNS := inserts(1, "db", strings.Repeat("c", maxMsg), func(int) any { return bson.D{bson.KV("a", "b")} })
	for name, models := range map[string][]client.ClientWriteModel{"document": big, "namespace": longNS} {
		if _, err := c.BulkWrite(ctx, models); err == nil || !strings.Contains(err.Error(), "does not fit") {
			t.Errorf("%s of maxMessageSizeBytes: %v", name, err)
		}
	}
	// w: 0 checks the document limit itself (the server would not say).
	w0 := client.WriteConcern{W: "0"}
	tooBig := inserts(1, "db", "coll", func(int) any { return bson.D{bson.KV("a", strings.Repeat("b", maxDoc))} })
	_, err := c.BulkWrite(ctx, tooBig, client.ClientBulkWriteOptions{Unordered: true, WriteConcern: &w0})
	if err == nil || !strings.Contains(err.Error(), "maxBsonObjectSize") {
		t.Errorf("unacknowledged document over maxBsonObjectSize: %v", err)
	}
	if n := len(srv.CommandsNamed("bulkWrite")); n != 0 {
		t.Errorf("%d bulkWrite commands sent", n)
	}
}

func TestClientBulkWriteCollectsWriteConcernErrors(t *testing.T) {
	wce := bson.KV("writeConcernError", bson.D{bson.KV("code", int32(64)), bson.KV("errmsg", "waiting for replication timed out")})
	srv := bulkMock(t, mockserver.Hello{MaxWriteBatchSize: 2}, nil, wce)
	c := connect(t, srv.URI())
	_, err := c.BulkWrite(ctxT(t), inserts(3, "db", "coll", func(i int) any { return bson.D{bson.KV("_id", i)} }),
		client.ClientBulkWriteOptions{Unordered: true})
	var ex *client.ClientBulkWriteException
	if !errors.As(err, &ex) || len(ex.WriteConcernErrors) != 2 || ex.PartialResult == nil || ex.PartialResult.InsertedCount != 3 {
		t.Fatalf("err = %v, want 2 write concern errors and 3 inserted", err)
	}
}

func TestClientBulkWriteWriteErrorsAcrossBatches(t *testing.T) {
	dup := func(i int) bson.D {
		return bson.D{bson.KV("ok", 0.0), bson.KV("idx", int32(i)), bson.KV("code", int32(11000)), bson.KV("errmsg", "E11000 duplicate key")}
	}
	for _, unordered := range []bool{true, false} {
		srv := bulkMock(t, mockserver.Hello{MaxWriteBatchSize: 2}, dup)
		c := connect(t, srv.URI())
		_, err := c.BulkWrite(ctxT(t), inserts(3, "db", "coll", func(int) any { return bson.D{bson.KV("_id", 1)} }),
			client.ClientBulkWriteOptions{Unordered: unordered})
		var ex *client.ClientBulkWriteException
		if !errors.As(err, &ex) || ex.PartialResult != nil {
			t.Fatalf("unordered=%v: err = %v", unordered, err)
		}
		want, sent := 3, 2
		if !unordered {
			want, sent = 2, 1 // the mock fails every op; ordered stops after the first batch
		}
		if len(ex.WriteErrors) != want || len(srv.CommandsNamed("bulkWrite")) != sent || ex.WriteErrors[want-1].Index != want-1 {
			t.Errorf("unordered=%v: %d write errors, %d commands: %v", unordered, len(ex.WriteErrors), len(srv.CommandsNamed("bulkWrite")), err)
		}
	}
}

func TestClientBulkWriteReadsTheCursor(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	entry := func(i int) bson.Raw {
		return mockserver.Doc(bson.KV("ok", 1.0), bson.KV("idx", int32(i)), bson.KV("n", int32(1)))
	}
	srv.Handle("bulkWrite", func(*mockserver.Request) mockserver.Reply {
		r := mockserver.CursorReply("admin.$cmd.bulkWrite", 42, entry(0))
		var d bson.D
		_ = bson.Unmarshal(r.Doc, &d)
		r.Doc = mockserver.Doc(append(d, bson.KV("nErrors", int32(0)), bson.KV("nInserted", int32(2)))...)
		return r
	})
	srv.Queue("getMore", mockserver.NextBatch("admin.$cmd.bulkWrite", 0, entry(1)))
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	models := inserts(2, "db", "coll", func(i int) any { return bson.D{bson.KV("_id", i)} })
	res, err := c.BulkWrite(ctx, models, client.ClientBulkWriteOptions{VerboseResults: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.InsertResults) != 2 || res.InsertResults[1].InsertedID != int32(1) {
		t.Errorf("insert results %v", res.InsertResults)
	}
	gm := srv.CommandsNamed("getMore")
	if coll, _ := gm[0].Lookup("collection").StringValue(); len(gm) != 1 || coll != "$cmd.bulkWrite" {
		t.Errorf("getMore %v", gm)
	}
	if !gm[0].Lookup("lsid").Equal(srv.CommandsNamed("bulkWrite")[0].Lookup("lsid")) {
		t.Error("getMore on another session than the bulkWrite's")
	}

	// A failed getMore ends the bulk write: the error is top-level, the
	// cursor killed.
	srv.Queue("getMore", mockserver.Error(8, "UnknownError", "getMore failed"))
	_, err = c.BulkWrite(ctx, models, client.ClientBulkWriteOptions{VerboseResults: true})
	var ex *client.ClientBulkWriteException
	var ce *client.CommandError
	if !errors.As(err, &ex) || !errors.As(err, &ce) || ce.Code != 8 || ex.PartialResult == nil {
		t.Errorf("after a failed getMore: %v", err)
	}
	if n := len(srv.CommandsNamed("killCursors")); n != 1 {
		t.Errorf("%d killCursors", n)
	}
}

func TestClientBulkWriteRetries(t *testing.T) {
	srv := bulkMock(t, mockserver.Hello{}, nil)
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	fail := mockserver.FailPoint{Commands: []string{"bulkWrite"}, Times: 1, Code: 89, Labels: []string{"RetryableWriteError"}}
	srv.FailCommand(fail)
	if _, err := c.BulkWrite(ctx, inserts(2, "db", "coll", func(i int) any { return bson.D{bson.KV("_id", i)} })); err != nil {
		t.Fatalf("a retryable error once: %v", err)
	}
	cmds := srv.CommandsNamed("bulkWrite")
	if len(cmds) != 2 || !cmds[0].Lookup("txnNumber").Equal(cmds[1].Lookup("txnNumber")) {
		t.Errorf("%d attempts; txnNumbers %s %s", len(cmds), cmds[0].Lookup("txnNumber"), cmds[len(cmds)-1].Lookup("txnNumber"))
	}
	srv.FailCommand(fail)
	many := []client.ClientWriteModel{{Database: "db", Collection: "coll", Model: client.DeleteManyModel{Filter: bson.D{}}}}
	if _, err := c.BulkWrite(ctx, many); !client.HasErrorLabel(err, "RetryableWriteError") {
		t.Errorf("a DeleteManyModel is not retried: %v", err)
	}
	if n := len(srv.CommandsNamed("bulkWrite")); n != 3 {
		t.Errorf("%d bulkWrite commands, want 3", n)
	}
}

// TestClientBulkWriteRetriesByBatch: a batch with a multi write is not
// retried, the batches around it are.
func TestClientBulkWriteRetriesByBatch(t *testing.T) {
	ok := mockserver.OK(bson.KV("cursor", bson.D{bson.KV("id", int64(0)), bson.KV("firstBatch", bson.A{}),
		bson.KV("ns", "admin.$cmd.bulkWrite")}), bson.KV("nErrors", int32(0)))
	fail := mockserver.Error(89, "NetworkTimeout", "timed out", "RetryableWriteError")
	insert := client.ClientWriteModel{Database: "db", Collection: "coll", Model: client.InsertOneModel{Document: bson.D{bson.KV("_id", 1)}}}
	many := client.ClientWriteModel{Database: "db", Collection: "coll", Model: client.UpdateManyModel{Filter: bson.D{},
		Update: bson.D{bson.KV("$set", bson.D{bson.KV("x", 1)})}}}
	for _, tc := range []struct {
		models []client.ClientWriteModel
		sent   int
		fails  bool
	}{{[]client.ClientWriteModel{insert, many}, 2, true}, {[]client.ClientWriteModel{many, insert}, 3, false}} {
		srv := primary(t, mockserver.Hello{MaxWriteBatchSize: 1})
		srv.Queue("bulkWrite", ok, fail, ok)
		c := connect(t, srv.URI())
		_, err := c.BulkWrite(ctxT(t), tc.models, client.ClientBulkWriteOptions{Unordered: true})
		cmds := srv.CommandsNamed("bulkWrite")
		if (err != nil) != tc.fails || len(cmds) != tc.sent {
			t.Errorf("models %v: %d commands, err %v", tc.models, len(cmds), err)
			continue
		}
		for _, cmd := range cmds {
			_, isMulti := tc.models[0].Model.(client.UpdateManyModel)
			first := cmd == cmds[0]
			if hasTxn := !cmd.Lookup("txnNumber").IsZero(); hasTxn == (isMulti == first) {
				t.Errorf("models %v: command %s has txnNumber %v", tc.models, cmd.Command, hasTxn)
			}
		}
	}
}

// TestClientBulkWriteMalformedReplies: a reply without a cursor, or with
// a result whose idx is not in the batch, is an error that says so.
func TestClientBulkWriteMalformedReplies(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI())
	models := inserts(1, "db", "coll", func(i int) any { return bson.D{bson.KV("_id", i)} })
	for msg, reply := range map[string]mockserver.Reply{
		"no cursor document": mockserver.OK(bson.KV("nErrors", int32(0))),
		"valid idx": mockserver.CursorReply("admin.$cmd.bulkWrite", 0,
			mockserver.Doc(bson.KV("ok", 1.0), bson.KV("idx", int32(5)), bson.KV("n", int32(1)))),
		"no cursor id": mockserver.OK(bson.KV("cursor", bson.D{bson.KV("firstBatch", bson.A{})})),
	} {
		srv.Queue("bulkWrite", reply)
		_, err := c.BulkWrite(ctxT(t), models)
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: %v", msg, err)
		}
		var ex *client.ClientBulkWriteException
		if errors.As(err, &ex) {
			t.Errorf("%s: a partial result from a reply that could not be read: %v", msg, err)
		}
	}
}
