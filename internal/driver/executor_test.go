package driver

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/session"
	"github.com/torque-go/torque/topology"
)

func newExecutor(d *fakeDeployment) *Executor {
	return &Executor{Deployment: d, Sessions: session.NewPool(nil), Clock: &session.Clock{}, RetryWrites: true, RetryReads: true}
}

func insertOp(t testing.TB, docs ...bson.D) *Operation {
	op := simpleOp(t, "insert", Write, bson.D{bson.KV("insert", "c")})
	op.Retryable = true
	op.Batch = &Batch{Identifier: "documents", Ordered: true}
	for _, d := range docs {
		op.Batch.Docs = append(op.Batch.Docs, doc(t, d))
	}
	return op
}

func TestCommandFields(t *testing.T) {
	d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary)
	var log cmdLog
	ct := doc(t, bson.D{bson.KV("clusterTime", bson.Timestamp{T: 100, I: 1}), bson.KV("signature", bson.D{})})
	d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) {
		log.add(addr, cmd)
		return okDoc(t, bson.KV("$clusterTime", ct)), true, nil
	})
	x := newExecutor(d)
	op := simpleOp(t, "find", Read, bson.D{bson.KV("find", "c")})
	op.ReadPref = topology.ReadPref{Mode: topology.SecondaryPreferred}
	op.ReadConcern = session.ReadConcern{Level: "majority"}
	for i := 0; i < 2; i++ {
		if err := x.Execute(context.Background(), op); err != nil {
			t.Fatal(err)
		}
	}
	first, second := log.cmds[0], log.cmds[1]
	if db, _ := first.Lookup("$db").StringValue(); db != "db" {
		t.Errorf("$db = %q", db)
	}
	if first.Lookup("lsid", "id").Type != bson.TypeBinary {
		t.Errorf("no lsid in %s", first)
	}
	if !first.Lookup("$clusterTime").IsZero() {
		t.Errorf("first command gossips a cluster time it never saw: %s", first)
	}
	if got, _, _ := second.Lookup("$clusterTime", "clusterTime").Timestamp(); got != 100 {
		t.Errorf("second command's $clusterTime = %d, want the one the reply gave (100): %s", got, second)
	}
	if m, _ := first.Lookup("$readPreference", "mode").StringValue(); m != "secondaryPreferred" {
		t.Errorf("$readPreference mode = %q", m)
	}
	if l, _ := first.Lookup("readConcern", "level").StringValue(); l != "majority" {
		t.Errorf("readConcern = %s", first.Lookup("readConcern"))
	}
	if !first.Lookup("txnNumber").IsZero() {
		t.Error("a read carries a txnNumber")
	}
	if d.done != 2 {
		t.Errorf("Done called %d times for 2 operations", d.done)
	}
	if x.Sessions.Len() != 1 {
		t.Errorf("implicit session not returned to the pool: %d pooled", x.Sessions.Len())
	}
}

func TestReadPrefToSend(t *testing.T) {
	sp := topology.ReadPref{Mode: topology.SecondaryPreferred}
	p := topology.ReadPref{}
	for _, c := range []struct {
		name string
		rp   topology.ReadPref
		tt   topology.TopologyType
		st   topology.ServerType
		send bool
		mode topology.Mode
	}{
		{"standalone", sp, topology.Single, topology.Standalone, false, 0},
		{"single secondary, primary", p, topology.Single, topology.RSSecondary, true, topology.PrimaryPreferred},
		{"single secondary, sp", sp, topology.Single, topology.RSSecondary, true, topology.SecondaryPreferred},
		{"single mongos, primary", p, topology.Single, topology.Mongos, false, 0},
		{"sharded, sp", sp, topology.Sharded, topology.Mongos, true, topology.SecondaryPreferred},
		{"replica set, primary", p, topology.ReplicaSetWithPrimary, topology.RSPrimary, false, 0},
		{"load balanced, sp", sp, topology.LoadBalanced, topology.LoadBalancer, true, topology.SecondaryPreferred},
	} {
		got, send := readPrefToSend(c.rp, c.tt, c.st)
		if send != c.send || send && got.Mode != c.mode {
			t.Errorf("%s: got (%v, %v), want (%v, %v)", c.name, got.Mode, send, c.mode, c.send)
		}
	}
}

func TestRetryableWriteSameTxnNumber(t *testing.T) {
	// Behind mongos, the retry avoids the failed one (a replica set's
	// primary is not deprioritized: TestRetrySameReplicaSetServer).
	d := newFake(topology.Sharded, topology.Mongos, topology.Mongos)
	var log cmdLog
	d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) {
		log.add(addr, cmd)
		if len(log.cmds) == 1 {
			return nil, true, io.ErrUnexpectedEOF
		}
		return okDoc(t, bson.KV("n", 1)), true, nil
	})
	x := newExecutor(d)
	if err := x.Execute(context.Background(), insertOp(t, bson.D{bson.KV("_id", 1)})); err != nil {
		t.Fatal(err)
	}
	if len(log.cmds) != 2 {
		t.Fatalf("%d attempts, want 2", len(log.cmds))
	}
	sameTxnNumber(t, log.cmds[0], log.cmds[1])
	if !log.cmds[0].Lookup("lsid").Equal(log.cmds[1].Lookup("lsid")) {
		t.Error("the retry uses another session")
	}
	if log.addr[0] == log.addr[1] {
		t.Error("the retry went to the server that failed")
	}
	if c := d.criteria[1]; len(c.Deprioritized) != 1 || c.Deprioritized[0] != log.addr[0] {
		t.Errorf("retry criteria deprioritize %v, want %v", c.Deprioritized, log.addr[0])
	}
	var ne *NetworkError
	if len(d.sdamErrs) != 1 || !errors.As(d.sdamErrs[0], &ne) || !ne.Sent {
		t.Errorf("SDAM heard %v, want one network error with Sent", d.sdamErrs)
	}
}

func TestWriteNotRetriedOnStandalone(t *testing.T) {
	d := newFake(topology.Single, topology.Standalone)
	var log cmdLog
	d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) {
		log.add(addr, cmd)
		return nil, true, io.ErrUnexpectedEOF
	})
	err := newExecutor(d).Execute(context.Background(), insertOp(t, bson.D{bson.KV("_id", 1)}))
	if !IsNetworkError(err) || len(log.cmds) != 1 {
		t.Fatalf("err %v after %d attempts; want one network error", err, len(log.cmds))
	}
	if !log.cmds[0].Lookup("txnNumber").IsZero() {
		t.Error("a standalone was sent a txnNumber")
	}
	if HasLabel(err, LabelRetryableWrite) {
		t.Error("labelled retryable where no retry is possible")
	}
}

func TestRetryRules(t *testing.T) {
	errDoc := func(code int32, labels ...string) bson.Raw {
		d := bson.D{bson.KV("ok", 0.0), bson.KV("code", code), bson.KV("errmsg", "boom")}
		if len(labels) > 0 {
			d = append(d, bson.KV("errorLabels", labels))
		}
		return doc(t, d)
	}
	for _, c := range []struct {
		name     string
		kind     Kind
		first    bson.Raw
		second   bson.Raw
		attempts int
		wantCode int32
	}{
		{"read, retryable code", Read, errDoc(91), nil, 2, 0},
		{"read, other code", Read, errDoc(2), nil, 1, 2},
		{"write, labelled", Write, errDoc(91, LabelRetryableWrite), nil, 2, 0},
		{"write, code without label (4.4+)", Write, errDoc(91), nil, 1, 91},
		{"write, retry says NoWritesPerformed", Write, errDoc(91, LabelRetryableWrite), errDoc(11600, LabelNoWritesPerformed), 2, 91},
		{"write, retry fails", Write, errDoc(91, LabelRetryableWrite), errDoc(11600), 2, 11600},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary, topology.RSPrimary)
			n := 0
			d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) {
				n++
				switch {
				case n == 1:
					return c.first, true, nil
				case c.second != nil:
					return c.second, true, nil
				}
				return okDoc(t), true, nil
			})
			op := simpleOp(t, "x", c.kind, bson.D{bson.KV("x", 1)})
			op.Retryable = true
			err := newExecutor(d).Execute(context.Background(), op)
			if n != c.attempts {
				t.Errorf("%d attempts, want %d", n, c.attempts)
			}
			var se *Error
			switch {
			case c.wantCode == 0 && err != nil:
				t.Errorf("err = %v, want success", err)
			case c.wantCode != 0 && (!errors.As(err, &se) || se.Code != c.wantCode):
				t.Errorf("err = %v, want code %d", err, c.wantCode)
			}
		})
	}
}

func TestBatchSplitting(t *testing.T) {
	d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary)
	d.servers[0].desc.MaxWriteBatchSize = 2
	var log cmdLog
	d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) {
		log.add(addr, cmd)
		return okDoc(t, bson.KV("n", 2)), true, nil
	})
	var docs []bson.D
	for i := range 5 {
		docs = append(docs, bson.D{bson.KV("_id", i)})
	}
	op := insertOp(t, docs...)
	var starts []int
	op.Handle = func(r *Reply) error { starts = append(starts, r.BatchStart); return nil }
	if err := newExecutor(d).Execute(context.Background(), op); err != nil {
		t.Fatal(err)
	}
	var sizes []int
	var txns []int64
	for _, c := range log.cmds {
		arr, _ := c.Lookup("documents").Array()
		vals, _ := arr.Values()
		sizes = append(sizes, len(vals))
		n, _ := c.Lookup("txnNumber").Int64()
		txns = append(txns, n)
	}
	if len(sizes) != 3 || sizes[0] != 2 || sizes[1] != 2 || sizes[2] != 1 {
		t.Errorf("batches of %v, want [2 2 1]", sizes)
	}
	if len(starts) != 3 || starts[1] != 2 || starts[2] != 4 {
		t.Errorf("handler saw batch starts %v, want [0 2 4]", starts)
	}
	if txns[0] == txns[1] || txns[1] == txns[2] {
		t.Errorf("txnNumbers %v: each batch needs its own", txns)
	}
}

func TestBatchByMessageSize(t *testing.T) {
	d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary)
	d.servers[0].desc.MaxMessageSizeBytes = 3000
	var log cmdLog
	d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) {
		log.add(addr, cmd)
		return okDoc(t), true, nil
	})
	big := strings.Repeat("x", 1000)
	op := insertOp(t, bson.D{bson.KV("a", big)}, bson.D{bson.KV("a", big)}, bson.D{bson.KV("a", big)})
	if err := newExecutor(d).Execute(context.Background(), op); err != nil {
		t.Fatal(err)
	}
	if len(log.cmds) != 2 {
		t.Errorf("%d commands for 3 docs of 1KB under a 3000-byte message limit, want 2", len(log.cmds))
	}
}

func TestOversizedDocumentRejectedBeforeSending(t *testing.T) {
	d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary)
	d.servers[0].desc.MaxBSONObjectSize = 100
	sent := 0
	d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) { sent++; return okDoc(t), true, nil })
	op := insertOp(t, bson.D{bson.KV("a", 1)}, bson.D{bson.KV("a", strings.Repeat("x", 200))})
	err := newExecutor(d).Execute(context.Background(), op)
	if err == nil || !strings.Contains(err.Error(), "document 1") {
		t.Errorf("err = %v, want one naming document 1", err)
	}
	if sent != 0 {
		t.Errorf("%d commands sent", sent)
	}
}

func TestWriteErrorsAcrossBatches(t *testing.T) {
	for _, ordered := range []bool{true, false} {
		d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary)
		d.servers[0].desc.MaxWriteBatchSize = 2
		n := 0
		d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) {
			n++
			return okDoc(t, bson.KV("n", 1), bson.KV("writeErrors", bson.A{
				bson.D{bson.KV("index", 1), bson.KV("code", 11000), bson.KV("errmsg", "E11000 duplicate key"),
					bson.KV("keyPattern", bson.D{bson.KV("_id", 1)}), bson.KV("keyValue", bson.D{bson.KV("_id", 7)})}})), true, nil
		})
		op := insertOp(t, bson.D{bson.KV("a", 1)}, bson.D{bson.KV("a", 2)}, bson.D{bson.KV("a", 3)}, bson.D{bson.KV("a", 4)})
		op.Batch.Ordered = ordered
		err := newExecutor(d).Execute(context.Background(), op)
		var we *WriteException
		if !errors.As(err, &we) || !IsDuplicateKey(err) {
			t.Fatalf("ordered=%v: err = %v", ordered, err)
		}
		var idx []int
		for _, e := range we.WriteErrors {
			idx = append(idx, e.Index)
		}
		want := []int{1, 3}
		if ordered {
			want = []int{1}
		}
		if len(idx) != len(want) || idx[0] != want[0] || len(idx) > 1 && idx[1] != want[1] {
			t.Errorf("ordered=%v: write error indexes %v, want %v", ordered, idx, want)
		}
		if v, _ := we.WriteErrors[0].KeyValue.Lookup("_id").AsInt64(); v != 7 {
			t.Errorf("keyValue = %s", we.WriteErrors[0].KeyValue)
		}
	}
}

type recorder struct {
	started   []CommandStarted
	succeeded []CommandSucceeded
	failed    []CommandFailed
}

func (r *recorder) Started(e CommandStarted) {
	e.Command = append(bson.Raw(nil), e.Command...)
	r.started = append(r.started, e)
}
func (r *recorder) Succeeded(e CommandSucceeded) {
	e.Reply = append(bson.Raw(nil), e.Reply...)
	r.succeeded = append(r.succeeded, e)
}
func (r *recorder) Failed(e CommandFailed) { r.failed = append(r.failed, e) }

func TestMonitoringAndRedaction(t *testing.T) {
	d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary)
	d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) {
		if name := cmd.Lookup("saslStart"); !name.IsZero() {
			return doc(t, bson.D{bson.KV("ok", 0.0), bson.KV("code", 18), bson.KV("errmsg", "secret stuff")}), true, nil
		}
		return okDoc(t, bson.KV("payload", "secret reply")), true, nil
	})
	rec := &recorder{}
	x := newExecutor(d)
	x.Monitor = rec
	ctx := context.Background()
	_ = x.Execute(ctx, insertOp(t, bson.D{bson.KV("a", 1)}))
	_ = x.Execute(ctx, simpleOp(t, "saslStart", Command, bson.D{bson.KV("saslStart", 1), bson.KV("payload", "secret")}))
	_ = x.Execute(ctx, simpleOp(t, "hello", Command, bson.D{bson.KV("hello", 1), bson.KV("speculativeAuthenticate", bson.D{})}))
	_ = x.Execute(ctx, simpleOp(t, "hello", Command, bson.D{bson.KV("hello", 1)}))
	if len(rec.started) != 4 || len(rec.succeeded) != 3 || len(rec.failed) != 1 {
		t.Fatalf("events: %d started, %d succeeded, %d failed", len(rec.started), len(rec.succeeded), len(rec.failed))
	}
	ins := rec.started[0]
	arr, _ := ins.Command.Lookup("documents").Array()
	if vals, _ := arr.Values(); len(vals) != 1 {
		t.Errorf("started event's insert has no documents array: %s", ins.Command)
	}
	if ins.RequestID == 0 || ins.ConnectionID == "" || ins.ServerConnectionID != 42 || ins.DatabaseName != "db" {
		t.Errorf("started event fields: %+v", ins)
	}
	if rec.succeeded[0].RequestID != ins.RequestID || rec.succeeded[0].Duration <= 0 {
		t.Errorf("succeeded event: %+v", rec.succeeded[0])
	}
	if len(rec.started[1].Command) != 5 || strings.Contains(rec.failed[0].Failure.Error(), "secret") {
		t.Errorf("saslStart not redacted: %s / %v", rec.started[1].Command, rec.failed[0].Failure)
	}
	if len(rec.started[2].Command) != 5 || len(rec.succeeded[1].Reply) != 5 {
		t.Errorf("hello with speculativeAuthenticate not redacted: %s / %s", rec.started[2].Command, rec.succeeded[1].Reply)
	}
	if len(rec.started[3].Command) == 5 || len(rec.succeeded[2].Reply) == 5 {
		t.Error("plain hello redacted")
	}
}

func TestUnacknowledgedWrite(t *testing.T) {
	d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary)
	var log cmdLog
	d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) {
		log.add(addr, cmd)
		return nil, true, nil
	})
	op := insertOp(t, bson.D{bson.KV("a", 1)})
	op.WriteConcern = session.WriteConcern{W: "0"}
	if err := newExecutor(d).Execute(context.Background(), op); err != nil {
		t.Fatal(err)
	}
	c := log.cmds[0]
	if !c.Lookup("lsid").IsZero() || !c.Lookup("txnNumber").IsZero() {
		t.Errorf("w:0 write carries a session: %s", c)
	}
	if w, _ := c.Lookup("writeConcern", "w").AsInt64(); w != 0 || c.Lookup("writeConcern").IsZero() {
		t.Errorf("writeConcern = %s", c.Lookup("writeConcern"))
	}
}

func TestCheckoutFailureRetried(t *testing.T) {
	d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary, topology.RSPrimary)
	d.servers[0].connErr = &NetworkError{Addr: "hosta:27017", Err: io.ErrUnexpectedEOF}
	var log cmdLog
	d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) {
		log.add(addr, cmd)
		return okDoc(t, bson.KV("n", 1)), true, nil
	})
	if err := newExecutor(d).Execute(context.Background(), insertOp(t, bson.D{bson.KV("_id", 1)})); err != nil {
		t.Fatal(err)
	}
	if len(log.cmds) != 1 || log.addr[0] != d.servers[1].desc.Addr {
		t.Fatalf("sent %d commands to %v, want one to the second server", len(log.cmds), log.addr)
	}
	if log.cmds[0].Lookup("txnNumber").IsZero() {
		t.Error("the retried write has no txnNumber")
	}
}

// TestRetriedWriteFailsTwice: a write whose both attempts fail with a
// network error is sent exactly twice, with one txnNumber, and the error
// returned (the retry's) carries RetryableWriteError too.
func TestRetriedWriteFailsTwice(t *testing.T) {
	d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary, topology.RSPrimary)
	var log cmdLog
	d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) {
		log.add(addr, cmd)
		return nil, true, io.ErrUnexpectedEOF
	})
	err := newExecutor(d).Execute(context.Background(), insertOp(t, bson.D{bson.KV("_id", 1)}))
	if !IsNetworkError(err) || !HasLabel(err, LabelRetryableWrite) {
		t.Fatalf("error %v, want a network error labelled RetryableWriteError", err)
	}
	if len(log.cmds) != 2 {
		t.Fatalf("sent %d times, want 2", len(log.cmds))
	}
	sameTxnNumber(t, log.cmds[0], log.cmds[1])
}

// sameTxnNumber checks that two attempts of a write carry one txnNumber.
func sameTxnNumber(t *testing.T, first, retry bson.Raw) {
	t.Helper()
	a, _ := first.Lookup("txnNumber").Int64()
	b, _ := retry.Lookup("txnNumber").Int64()
	if a == 0 || a != b {
		t.Errorf("txnNumbers %d and %d: want the same, non-zero", a, b)
	}
}
