package session

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
)

func prepare(t *testing.T, s *ClientSession, op Op) Fields {
	t.Helper()
	if op.WireVersion == 0 {
		op.WireVersion = 25
	}
	f, err := s.Prepare(op, ClusterTime{})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// finishWith reports a reply with operationTime (t, 1) to the session.
func finishWith(t *testing.T, s *ClientSession, kind OpKind, opTime uint32) {
	t.Helper()
	if err := s.Finish(kind, reply(&bson.Timestamp{T: opTime, I: 1}, nil, nil), nil); err != nil {
		t.Fatal(err)
	}
}

func TestCausalConsistency(t *testing.T) {
	majority := ReadConcern{Level: "majority"}
	tests := []struct {
		name     string
		opts     Options
		implicit bool
		first    Op
		second   Op
		want1    string // fields of the first command
		want2    string // fields of the second, after a reply with operationTime (100, 1)
	}{
		{"first read has no afterClusterTime; later read does", Options{},
			false, Op{Kind: OpRead}, Op{Kind: OpRead},
			`{}`, `{"readConcern":{"afterClusterTime":{"$timestamp":{"t":100,"i":1}}}}`},
		{"merged with the level", Options{},
			false, Op{Kind: OpRead, ReadConcern: majority}, Op{Kind: OpRead, ReadConcern: majority},
			`{"readConcern":{"level":"majority"}}`,
			`{"readConcern":{"level":"majority","afterClusterTime":{"$timestamp":{"t":100,"i":1}}}}`},
		{"after a write", Options{},
			false, Op{Kind: OpWrite}, Op{Kind: OpRead},
			`{}`, `{"readConcern":{"afterClusterTime":{"$timestamp":{"t":100,"i":1}}}}`},
		{"writes carry afterClusterTime without a level", Options{},
			false, Op{Kind: OpRead}, Op{Kind: OpWrite},
			`{}`, `{"readConcern":{"afterClusterTime":{"$timestamp":{"t":100,"i":1}}}}`},
		{"a writing aggregate's level is merged", Options{},
			false, Op{Kind: OpRead}, Op{Kind: OpWrite, ReadConcern: majority},
			`{}`, `{"readConcern":{"level":"majority","afterClusterTime":{"$timestamp":{"t":100,"i":1}}}}`},
		{"first write carries nothing", Options{},
			false, Op{Kind: OpWrite}, Op{Kind: OpWrite},
			`{}`, `{"readConcern":{"afterClusterTime":{"$timestamp":{"t":100,"i":1}}}}`},
		{"not causally consistent write", Options{CausalConsistency: ptr(false)},
			false, Op{Kind: OpWrite}, Op{Kind: OpWrite},
			`{}`, `{}`},
		{"getMore and runCommand carry none", Options{},
			false, Op{Kind: OpGetMore}, Op{Kind: OpCommand},
			`{}`, `{}`},
		{"not causally consistent", Options{CausalConsistency: ptr(false)},
			false, Op{Kind: OpRead}, Op{Kind: OpRead, ReadConcern: majority},
			`{}`, `{"readConcern":{"level":"majority"}}`},
		{"implicit session", Options{},
			true, Op{Kind: OpRead}, Op{Kind: OpRead},
			`{}`, `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s *ClientSession
			if tt.implicit {
				s = NewImplicit(NewPool(nil))
				if err := s.Acquire(timeout30); err != nil {
					t.Fatal(err)
				}
			} else {
				s = newSession(t, tt.opts)
			}
			if got := render(prepare(t, s, tt.first)); got != tt.want1 {
				t.Errorf("first: %s, want %s", got, tt.want1)
			}
			finishWith(t, s, tt.first.Kind, 100)
			if got := render(prepare(t, s, tt.second)); got != tt.want2 {
				t.Errorf("second: %s, want %s", got, tt.want2)
			}
		})
	}
}

func TestOperationTimeAdvancesOnly(t *testing.T) {
	s := newSession(t, Options{})
	if _, ok := s.OperationTime(); ok {
		t.Fatal("new session has an operation time")
	}
	for _, ts := range []bson.Timestamp{{T: 10, I: 2}, {T: 10, I: 1}, {T: 9, I: 50}} {
		s.AdvanceOperationTime(ts)
	}
	if got, _ := s.OperationTime(); got != (bson.Timestamp{T: 10, I: 2}) {
		t.Errorf("operationTime = %v, want the greatest", got)
	}
	finishWith(t, s, OpRead, 11)
	if got, _ := s.OperationTime(); got != (bson.Timestamp{T: 11, I: 1}) {
		t.Errorf("after reply: %v", got)
	}
}

func TestSnapshotSession(t *testing.T) {
	s := newSession(t, Options{Snapshot: true})
	if _, err := s.Prepare(Op{Kind: OpRead, WireVersion: 12}, ClusterTime{}); !errors.Is(err, &Error{Kind: ErrSnapshotWireVersion}) {
		t.Errorf("wire 12: err = %v", err)
	}
	if got, want := render(prepare(t, s, Op{Kind: OpRead})), `{"readConcern":{"level":"snapshot"}}`; got != want {
		t.Errorf("first read: %s, want %s", got, want)
	}
	// find: cursor.atClusterTime; the first one sticks.
	cursorReply := reply(&bson.Timestamp{T: 50, I: 1}, nil, func(d []byte) []byte {
		start, d := bson.AppendDocumentElementStart(d, "cursor")
		d = bson.AppendTimestampElement(d, "atClusterTime", 40, 3)
		d, _ = bson.AppendDocumentEnd(d, start)
		return d
	})
	if err := s.Finish(OpRead, cursorReply, nil); err != nil {
		t.Fatal(err)
	}
	later := reply(nil, nil, func(d []byte) []byte { return bson.AppendTimestampElement(d, "atClusterTime", 45, 0) })
	if err := s.Finish(OpRead, later, nil); err != nil {
		t.Fatal(err)
	}
	want := `{"readConcern":{"level":"snapshot","atClusterTime":{"$timestamp":{"t":40,"i":3}}}}`
	for _, kind := range []OpKind{OpRead, OpWrite, OpCommand} {
		if got := render(prepare(t, s, Op{Kind: kind, ReadConcern: ReadConcern{Level: "local"}})); got != want {
			t.Errorf("kind %d: %s, want %s", kind, got, want)
		}
	}
	if got := render(prepare(t, s, Op{Kind: OpGetMore})); got != `{}` {
		t.Errorf("getMore: %s", got)
	}

	// distinct: top-level atClusterTime.
	s2 := newSession(t, Options{Snapshot: true})
	if err := s2.Finish(OpRead, later, nil); err != nil {
		t.Fatal(err)
	}
	if ts, ok := s2.SnapshotTime(); !ok || ts != (bson.Timestamp{T: 45}) {
		t.Errorf("snapshot time from distinct = %v %v", ts, ok)
	}
}

func TestTransactionFields(t *testing.T) {
	s := newSession(t, Options{})
	finishWith(t, s, OpRead, 7) // causally consistent: afterClusterTime on the first command
	err := s.StartTransaction(&TransactionOptions{
		ReadConcern:   &ReadConcern{Level: "snapshot"},
		WriteConcern:  &WriteConcern{W: "1", Journal: ptr(true)},
		MaxCommitTime: ptr(5 * time.Second),
	})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		op   Op
		want string
	}{
		{"first command (a write)", Op{Kind: OpWrite, ReadConcern: ReadConcern{Level: "local"}},
			`{"txnNumber":1,"startTransaction":true,"autocommit":false,"readConcern":{"level":"snapshot","afterClusterTime":{"$timestamp":{"t":7,"i":1}}}}`},
		{"second command", Op{Kind: OpRead, ReadConcern: ReadConcern{Level: "local"}},
			`{"txnNumber":1,"autocommit":false}`},
		{"third, retryable flag ignored", Op{Kind: OpWrite, RetryableWrite: true},
			`{"txnNumber":1,"autocommit":false}`},
	}
	for _, st := range steps {
		if err := s.StartOperation(st.op.Kind); err != nil {
			t.Fatal(err)
		}
		if got := render(prepare(t, s, st.op)); got != st.want {
			t.Errorf("%s:\n got %s\nwant %s", st.name, got, st.want)
		}
		token := doc(func(d []byte) []byte { return bson.AppendStringElement(d, "shard", st.name) })
		r := reply(&bson.Timestamp{T: 8, I: 1}, nil, func(d []byte) []byte {
			return bson.AppendDocumentElement(d, "recoveryToken", token)
		})
		if err := s.Finish(st.op.Kind, r, nil); err != nil {
			t.Fatal(err)
		}
	}
	if send, err := s.BeginCommit(); err != nil || !send {
		t.Fatalf("BeginCommit = %v, %v", send, err)
	}
	token := `"recoveryToken":{"shard":"third, retryable flag ignored"}`
	wantFirst := `{"txnNumber":1,"autocommit":false,"writeConcern":{"w":1,"j":true},"maxTimeMS":5000,` + token + `}`
	if got := render(prepare(t, s, Op{Kind: OpCommit})); got != wantFirst {
		t.Errorf("commit:\n got %s\nwant %s", got, wantFirst)
	}
	wantRetry := `{"txnNumber":1,"autocommit":false,"writeConcern":{"w":"majority","j":true,"wtimeout":10000},"maxTimeMS":5000,` + token + `}`
	if got := render(prepare(t, s, Op{Kind: OpCommit})); got != wantRetry {
		t.Errorf("commit retried internally:\n got %s\nwant %s", got, wantRetry)
	}
	if send, err := s.BeginCommit(); err != nil || !send {
		t.Fatalf("second BeginCommit = %v, %v", send, err)
	}
	if got := render(prepare(t, s, Op{Kind: OpCommit})); got != wantRetry {
		t.Errorf("commit re-run by the user:\n got %s\nwant %s", got, wantRetry)
	}

	// The next operation outside a transaction leaves it and its token.
	if err := s.StartOperation(OpRead); err != nil {
		t.Fatal(err)
	}
	if s.TransactionState() != TxnNone || s.RecoveryToken() != nil {
		t.Errorf("state %v, token %v after a non-transaction operation", s.TransactionState(), s.RecoveryToken())
	}
}

func TestCommitRetryKeepsWTimeout(t *testing.T) {
	for _, tc := range []struct {
		wc   *WriteConcern
		want string
	}{
		{nil, `{"w":"majority","wtimeout":10000}`},
		{&WriteConcern{W: "2", WTimeout: 3 * time.Second}, `{"w":"majority","wtimeout":3000}`},
	} {
		s := newSession(t, Options{})
		_ = s.StartTransaction(&TransactionOptions{WriteConcern: tc.wc})
		prepare(t, s, Op{Kind: OpWrite})
		finishWith(t, s, OpWrite, 1)
		_, _ = s.BeginCommit()
		first := prepare(t, s, Op{Kind: OpCommit})
		if tc.wc == nil && first.WriteConcern != nil {
			t.Errorf("first commit sends a server-default write concern %+v", *first.WriteConcern)
		}
		retry := prepare(t, s, Op{Kind: OpCommit})
		got := doc(func(d []byte) []byte { return appendWriteConcern(d, "wc", *retry.WriteConcern) }).Lookup("wc").String()
		if got != tc.want {
			t.Errorf("retry write concern %s, want %s", got, tc.want)
		}
	}
}

func TestAbortFields(t *testing.T) {
	s := newSession(t, Options{})
	_ = s.StartTransaction(&TransactionOptions{WriteConcern: &WriteConcern{W: "majority"}})
	prepare(t, s, Op{Kind: OpWrite})
	finishWith(t, s, OpWrite, 1)
	if send, err := s.BeginAbort(); err != nil || !send {
		t.Fatalf("BeginAbort = %v %v", send, err)
	}
	want := `{"txnNumber":1,"autocommit":false,"writeConcern":{"w":"majority"}}`
	if got := render(prepare(t, s, Op{Kind: OpAbort})); got != want {
		t.Errorf("abort: %s, want %s", got, want)
	}
}

func TestLSIDAndClusterTime(t *testing.T) {
	s := newSession(t, Options{})
	client := mustClusterTime(t, 10, 0)
	f, err := s.Prepare(Op{Kind: OpRead, WireVersion: 25}, client)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(f.LSID, s.ServerSession().ID()) || !bytes.Equal(f.ClusterTime, client.Raw()) {
		t.Error("lsid or $clusterTime wrong")
	}
	// The session's own cluster time wins when it is later ...
	s.AdvanceClusterTime(mustClusterTime(t, 20, 0))
	f, _ = s.Prepare(Op{Kind: OpRead, WireVersion: 25}, client)
	if ct, _ := ParseClusterTime(f.ClusterTime); ct.Timestamp().T != 20 {
		t.Errorf("$clusterTime %v, want the session's 20", ct.Timestamp())
	}
	// ... and a reply advances it.
	if err := s.Finish(OpRead, reply(nil, clusterTimeDoc(30, 0), nil), nil); err != nil {
		t.Fatal(err)
	}
	if s.ClusterTime().Timestamp().T != 30 {
		t.Errorf("session cluster time %v", s.ClusterTime().Timestamp())
	}
	cmd := doc(func(d []byte) []byte {
		d = bson.AppendInt32Element(d, "find", 1)
		return f.Append(d)
	})
	if err := cmd.Validate(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(cmd.Lookup("lsid").Value, s.ServerSession().ID()) {
		t.Error("Append wrote another lsid")
	}
}

func TestPrepareWithoutSession(t *testing.T) {
	var s *ClientSession
	ct := mustClusterTime(t, 3, 0)
	f, err := s.Prepare(Op{Kind: OpRead, ReadConcern: ReadConcern{Level: "local"}}, ct)
	if err != nil {
		t.Fatal(err)
	}
	if got := render(f); got != `{"readConcern":{"level":"local"}}` {
		t.Errorf("nil session: %s", got)
	}
	if f.LSID != nil || !bytes.Equal(f.ClusterTime, ct.Raw()) {
		t.Error("nil session: lsid or $clusterTime wrong")
	}
	if f, _ := s.Prepare(Op{Kind: OpWrite, RetryableWrite: true}, ClusterTime{}); render(f) != `{}` {
		t.Errorf("nil session write: %s", render(f))
	}
}

// A writing aggregate ($out, $merge) is an OpWrite given the read concern
// of its collection: the CRUD spec has it sent, with or without a session.
func TestWriteStageReadConcern(t *testing.T) {
	var none *ClientSession
	op := Op{Kind: OpWrite, ReadConcern: ReadConcern{Level: "majority"}}
	f, _ := none.Prepare(op, ClusterTime{})
	if got := render(f); got != `{"readConcern":{"level":"majority"}}` {
		t.Errorf("nil session: %s", got)
	}
	s, _ := NewExplicit(NewPool(nil), Options{})
	_ = s.Acquire(timeout30)
	f, err := s.Prepare(op, ClusterTime{})
	if err != nil {
		t.Fatal(err)
	}
	if !f.HasReadConcern || f.ReadConcern.Level != "majority" {
		t.Errorf("session: readConcern %v %+v, want majority", f.HasReadConcern, f.ReadConcern)
	}
}

func TestPrepareRefusals(t *testing.T) {
	s, _ := NewExplicit(NewPool(nil), Options{})
	if _, err := s.Prepare(Op{Kind: OpRead}, ClusterTime{}); !errors.Is(err, &Error{Kind: ErrNoServerSession}) {
		t.Errorf("before Acquire: %v", err)
	}
	if _, err := s.IncrementTxnNumber(); !errors.Is(err, &Error{Kind: ErrNoServerSession}) {
		t.Errorf("IncrementTxnNumber before Acquire: %v", err)
	}
	_ = s.Acquire(timeout30)
	s.End(timeout30)
	s.End(timeout30) // idempotent
	if _, err := s.Prepare(Op{Kind: OpRead}, ClusterTime{}); !errors.Is(err, &Error{Kind: ErrSessionEnded}) {
		t.Errorf("after End: %v", err)
	}
	if err := s.Acquire(timeout30); !errors.Is(err, &Error{Kind: ErrSessionEnded}) {
		t.Errorf("Acquire after End: %v", err)
	}
	if err := s.StartOperation(OpRead); !errors.Is(err, &Error{Kind: ErrSessionEnded}) {
		t.Errorf("StartOperation after End: %v", err)
	}
}

func TestUpdateRejectsMalformedFields(t *testing.T) {
	s := newSession(t, Options{})
	_ = s.StartTransaction(nil)
	bad := reply(nil, nil, func(d []byte) []byte {
		d = bson.AppendStringElement(d, "operationTime", "x")
		d = bson.AppendInt32Element(d, "$clusterTime", 1)
		return bson.AppendInt32Element(d, "recoveryToken", 2)
	})
	err := s.Update(bad)
	if err == nil {
		t.Fatal("no error")
	}
	for _, field := range []string{"operationTime", "$clusterTime", "recoveryToken"} {
		if !bytes.Contains([]byte(err.Error()), []byte(field)) {
			t.Errorf("error %q does not name %s", err, field)
		}
	}
	if _, ok := s.OperationTime(); ok {
		t.Error("a malformed operationTime was recorded")
	}
}

func TestUpdateCopiesRecoveryToken(t *testing.T) {
	s := newSession(t, Options{})
	_ = s.StartTransaction(nil)
	r := reply(nil, nil, func(d []byte) []byte {
		return bson.AppendDocumentElement(d, "recoveryToken", doc(func(d []byte) []byte { return bson.AppendInt32Element(d, "a", 1) }))
	})
	if err := s.Update(r); err != nil {
		t.Fatal(err)
	}
	clear(r) // the reply buffer is reused
	if v, ok := s.RecoveryToken().Lookup("a").Int32(); !ok || v != 1 {
		t.Error("recovery token changed with the reply buffer")
	}
}
