package client_test

// Causal consistency, transactions and retryable writes through a
// failover need a replica set: FerretDB has none (no operationTime, no
// transactions, no failover), so these tests run against
// internal/mockserver playing replica-set members. The mock applies the
// writes of a transaction at once (it has no transaction semantics):
// the tests check what the driver sends, in which order, and how it
// reacts to the replies and faults.

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/leakcheck"
	"github.com/torque-go/torque/internal/mockserver"
	"github.com/torque-go/torque/session"
)

// replies records the reply of every successful command, by name.
type replies struct {
	mu  sync.Mutex
	got map[string][]bson.Raw
}

func (r *replies) monitor() client.CommandMonitor {
	return client.MonitorFuncs{OnSucceeded: func(e client.CommandSucceededEvent) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.got == nil {
			r.got = map[string][]bson.Raw{}
		}
		r.got[e.CommandName] = append(r.got[e.CommandName], bytes.Clone(e.Reply))
	}}
}

func (r *replies) of(name string) []bson.Raw {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got[name]
}

func startSession(t *testing.T, c *client.Client, opts ...client.SessionOptions) *client.Session {
	t.Helper()
	s, err := c.StartSession(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.EndSession(context.Background()) })
	return s
}

func timestampOf(t *testing.T, v bson.RawValue, what string) bson.Timestamp {
	t.Helper()
	ts, i, ok := v.Timestamp()
	if !ok {
		t.Fatalf("%s is %s, not a timestamp", what, v)
	}
	return bson.Timestamp{T: ts, I: i}
}

// txnFields reads the transaction fields of a recorded command.
func txnFields(t *testing.T, r *mockserver.Request) (txn int64, start, autocommitFalse bool) {
	t.Helper()
	txn, ok := r.Lookup("txnNumber").AsInt64()
	if !ok {
		t.Fatalf("%s without txnNumber: %s", r.Name, r.Command)
	}
	start, _ = r.Lookup("startTransaction").Boolean()
	ac, isBool := r.Lookup("autocommit").Boolean()
	return txn, start, isBool && !ac
}

// TestTransactionCommandSequence: start, insert, update, commit.
func TestTransactionCommandSequence(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI())
	sess := startSession(t, c)
	ctx := client.WithSession(ctxT(t), sess)
	coll := c.Database("test").Collection("c")
	majority := client.WriteConcern{W: "majority"}
	if err := sess.StartTransaction(client.TransactionOptions{ReadConcern: &client.ReadConcern{Level: "snapshot"},
		WriteConcern: &majority}); err != nil {
		t.Fatal(err)
	}
	if err := sess.StartTransaction(); err == nil {
		t.Error("a second StartTransaction succeeded")
	}
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.UpdateOne(ctx, bson.D{bson.KV("_id", 1)}, bson.D{bson.KV("$set", bson.D{bson.KV("a", 1)})}); err != nil {
		t.Fatal(err)
	}
	if err := sess.CommitTransaction(ctx); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range srv.Requests() {
		switch r.Name {
		case "insert", "update", "commitTransaction", "abortTransaction":
			names = append(names, r.Name)
		}
	}
	if want := []string{"insert", "update", "commitTransaction"}; !equalStrings(names, want) {
		t.Fatalf("commands %v, want %v", names, want)
	}
	ins, upd, commit := srv.CommandsNamed("insert")[0], srv.CommandsNamed("update")[0], srv.CommandsNamed("commitTransaction")[0]
	n1, start1, ac1 := txnFields(t, ins)
	n2, start2, ac2 := txnFields(t, upd)
	n3, start3, ac3 := txnFields(t, commit)
	if n1 != n2 || n2 != n3 || !ac1 || !ac2 || !ac3 {
		t.Errorf("txnNumbers %d %d %d, autocommit:false %v %v %v", n1, n2, n3, ac1, ac2, ac3)
	}
	if !start1 || start2 || start3 {
		t.Errorf("startTransaction on insert/update/commit: %v %v %v, want only the first", start1, start2, start3)
	}
	if lvl, _ := ins.Lookup("readConcern", "level").StringValue(); lvl != "snapshot" {
		t.Errorf("first command readConcern %s", ins.Lookup("readConcern"))
	}
	for _, r := range []*mockserver.Request{upd, commit} {
		if !r.Lookup("readConcern").IsZero() {
			t.Errorf("%s carries readConcern %s", r.Name, r.Lookup("readConcern"))
		}
	}
	for _, r := range []*mockserver.Request{ins, upd} {
		if !r.Lookup("writeConcern").IsZero() {
			t.Errorf("%s in a transaction carries writeConcern %s", r.Name, r.Lookup("writeConcern"))
		}
	}
	if w, _ := commit.Lookup("writeConcern", "w").StringValue(); w != "majority" || commit.DB != "admin" {
		t.Errorf("commitTransaction on %s with writeConcern %s", commit.DB, commit.Lookup("writeConcern"))
	}
	if !ins.Lookup("lsid").Equal(commit.Lookup("lsid")) {
		t.Error("the commit went out in another session")
	}
	// The next operation leaves the committed transaction behind.
	if err := coll.FindOne(ctx, bson.D{}).Err(); err != nil {
		t.Fatal(err)
	}
	if f := srv.CommandsNamed("find")[0]; !f.Lookup("autocommit").IsZero() || !f.Lookup("txnNumber").IsZero() {
		t.Errorf("a read after the commit still in the transaction: %s", f.Command)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestTransactionAbort: abort sends abortTransaction with the
// transaction's number; the next transaction has the next number.
func TestTransactionAbort(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI())
	sess := startSession(t, c)
	ctx := client.WithSession(ctxT(t), sess)
	coll := c.Database("test").Collection("c")
	if err := sess.StartTransaction(); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	if err := sess.AbortTransaction(ctx); err != nil {
		t.Fatal(err)
	}
	if err := sess.AbortTransaction(ctx); err == nil {
		t.Error("a second abort succeeded")
	}
	if err := sess.CommitTransaction(ctx); err == nil {
		t.Error("commit after abort succeeded")
	}
	aborts := srv.CommandsNamed("abortTransaction")
	if len(aborts) != 1 {
		t.Fatalf("%d abortTransaction, want 1", len(aborts))
	}
	n1, _, _ := txnFields(t, srv.CommandsNamed("insert")[0])
	n2, _, ac := txnFields(t, aborts[0])
	if n1 != n2 || !ac {
		t.Errorf("abort txnNumber %d (autocommit false %v), want %d", n2, ac, n1)
	}
	// An empty transaction commits without a round trip.
	if err := sess.StartTransaction(); err != nil {
		t.Fatal(err)
	}
	if err := sess.CommitTransaction(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.CommandsNamed("commitTransaction")); n != 0 {
		t.Errorf("%d commitTransaction for an empty transaction", n)
	}
	// The next transaction takes the next number.
	if err := sess.StartTransaction(); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 2)}); err != nil {
		t.Fatal(err)
	}
	n3, start, _ := txnFields(t, srv.CommandsNamed("insert")[1])
	if n3 <= n1 || !start {
		t.Errorf("next transaction: txnNumber %d after %d, startTransaction %v", n3, n1, start)
	}
	// Ending the session aborts the transaction in progress.
	sess.EndSession(ctx)
	if n := len(srv.CommandsNamed("abortTransaction")); n != 2 {
		t.Errorf("%d abortTransaction after EndSession, want 2", n)
	}
}

// TestWithTransactionRetriesTransientError: the callback's first insert
// fails with a TransientTransactionError; the whole transaction runs
// again, with a new transaction number, and commits.
func TestWithTransactionRetriesTransientError(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI())
	sess := startSession(t, c)
	ctx := ctxT(t)
	coll := c.Database("test").Collection("c")
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"insert"}, Times: 1, Code: 251, CodeName: "NoSuchTransaction",
		Labels: []string{"TransientTransactionError"}})
	runs := 0
	err := sess.WithTransaction(ctx, func(ctx context.Context) error {
		runs++
		_, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", runs)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if runs != 2 {
		t.Errorf("callback ran %d times, want 2", runs)
	}
	inserts := srv.CommandsNamed("insert")
	if len(inserts) != 2 {
		t.Fatalf("%d inserts, want 2", len(inserts))
	}
	n1, s1, _ := txnFields(t, inserts[0])
	n2, s2, _ := txnFields(t, inserts[1])
	if n2 != n1+1 || !s1 || !s2 {
		t.Errorf("txnNumbers %d, %d (startTransaction %v %v), want a new transaction", n1, n2, s1, s2)
	}
	if n := len(srv.CommandsNamed("abortTransaction")); n != 1 {
		t.Errorf("%d abortTransaction, want 1 (after the failed attempt)", n)
	}
	commits := srv.CommandsNamed("commitTransaction")
	if len(commits) != 1 {
		t.Fatalf("%d commitTransaction, want 1", len(commits))
	}
	if n, _, _ := txnFields(t, commits[0]); n != n2 {
		t.Errorf("commit txnNumber %d, want %d", n, n2)
	}
}

// TestWithTransactionGivesUpOnOtherErrors: an error without the label
// aborts and is returned, unretried.
func TestWithTransactionGivesUpOnOtherErrors(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI())
	sess := startSession(t, c)
	boom := errors.New("boom")
	runs := 0
	err := sess.WithTransaction(ctxT(t), func(ctx context.Context) error {
		runs++
		if _, err := c.Database("test").Collection("c").InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || runs != 1 {
		t.Errorf("err %v after %d runs, want boom after 1", err, runs)
	}
	if n := len(srv.CommandsNamed("abortTransaction")); n != 1 {
		t.Errorf("%d abortTransaction, want 1", n)
	}
}

// TestCommitRetriedAfterNetworkError: the connection drops under
// commitTransaction; the driver retries it once, with w: "majority".
func TestCommitRetriedAfterNetworkError(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI())
	sess := startSession(t, c)
	ctx := client.WithSession(ctxT(t), sess)
	if err := sess.StartTransaction(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Database("test").Collection("c").InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"commitTransaction"}, Times: 1, Action: mockserver.CloseAfterRead})
	if err := sess.CommitTransaction(ctx); err != nil {
		t.Fatal(err)
	}
	commits := srv.CommandsNamed("commitTransaction")
	if len(commits) != 2 {
		t.Fatalf("%d commitTransaction, want 2", len(commits))
	}
	n1, _, _ := txnFields(t, commits[0])
	n2, _, _ := txnFields(t, commits[1])
	if n1 != n2 {
		t.Errorf("retried commit txnNumber %d, want %d", n2, n1)
	}
	if !commits[0].Lookup("writeConcern").IsZero() {
		t.Errorf("first commit writeConcern %s, want the default", commits[0].Lookup("writeConcern"))
	}
	w, _ := commits[1].Lookup("writeConcern", "w").StringValue()
	wt, _ := commits[1].Lookup("writeConcern", "wtimeout").AsInt64()
	if w != "majority" || wt != session.CommitRetryWTimeout.Milliseconds() {
		t.Errorf("retried commit writeConcern %s, want w: majority, wtimeout: 10000", commits[1].Lookup("writeConcern"))
	}
}

// TestCommitUnknownResult: two network errors leave the outcome unknown:
// the error carries UnknownTransactionCommitResult, and committing again
// sends w: "majority".
func TestCommitUnknownResult(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI())
	sess := startSession(t, c)
	ctx := client.WithSession(ctxT(t), sess)
	if err := sess.StartTransaction(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Database("test").Collection("c").InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"commitTransaction"}, Times: 2, Action: mockserver.CloseAfterRead})
	err := sess.CommitTransaction(ctx)
	if !client.HasErrorLabel(err, "UnknownTransactionCommitResult") {
		t.Fatalf("commit error %v without UnknownTransactionCommitResult", err)
	}
	if err := sess.CommitTransaction(ctx); err != nil {
		t.Fatal(err)
	}
	commits := srv.CommandsNamed("commitTransaction")
	if len(commits) != 3 {
		t.Fatalf("%d commitTransaction, want 3", len(commits))
	}
	if w, _ := commits[2].Lookup("writeConcern", "w").StringValue(); w != "majority" {
		t.Errorf("commit after an unknown result with writeConcern %s", commits[2].Lookup("writeConcern"))
	}
}

// TestTransientLabelOnNetworkErrorInTransaction: a network error inside
// a transaction is a TransientTransactionError (and is not retried).
func TestTransientLabelOnNetworkErrorInTransaction(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI())
	sess := startSession(t, c)
	ctx := client.WithSession(ctxT(t), sess)
	if err := sess.StartTransaction(); err != nil {
		t.Fatal(err)
	}
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"insert"}, Times: 1, Action: mockserver.CloseAfterRead})
	_, err := c.Database("test").Collection("c").InsertOne(ctx, bson.D{bson.KV("_id", 1)})
	if !client.HasErrorLabel(err, "TransientTransactionError") {
		t.Errorf("error %v without TransientTransactionError", err)
	}
	if n := len(srv.CommandsNamed("insert")); n != 1 {
		t.Errorf("%d inserts: a write in a transaction was retried", n)
	}
}

// TestRetryableWriteThroughFailover: the primary applies an insert and
// dies before replying; the retry goes to the new primary with the same
// txnNumber, and the document exists exactly once.
func TestRetryableWriteThroughFailover(t *testing.T) {
	rs := mockserver.NewReplicaSet(t, mockserver.ReplicaSetOptions{Members: 3})
	c := connect(t, rs.URI())
	ctx := ctxT(t)
	coll := c.Database("test").Collection("c")
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 0)}); err != nil {
		t.Fatal(err)
	}
	old := rs.Member(0)
	// Member 0 is gone for good once it has applied the write: its
	// handshakes fail, so the retry cannot go back to it.
	old.FailCommand(mockserver.FailPoint{Commands: []string{"hello", "isMaster", "ismaster"}, Action: mockserver.CloseAfterRead})
	old.FailCommand(mockserver.FailPoint{Commands: []string{"insert"}, Times: 1, Action: mockserver.CloseAfterApply})
	failover := make(chan error, 1)
	go func() {
		for len(rs.Store().Docs("test.c")) < 2 {
			if ctx.Err() != nil {
				failover <- ctx.Err()
				return
			}
			time.Sleep(time.Millisecond)
		}
		failover <- rs.Elect(1)
	}()
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	if err := <-failover; err != nil {
		t.Fatal(err)
	}
	inserts := rs.CommandsNamed("insert")
	if len(inserts) != 3 {
		t.Fatalf("%d inserts, want 3 (warm-up, the lost reply, the retry)", len(inserts))
	}
	first, retry := inserts[1], inserts[2]
	if first.Host != old.Addr() || retry.Host != rs.Member(1).Addr() {
		t.Errorf("insert went to %s, retry to %s; want %s then the new primary %s", first.Host, retry.Host, old.Addr(), rs.Member(1).Addr())
	}
	n1, _ := first.Lookup("txnNumber").AsInt64()
	n2, ok := retry.Lookup("txnNumber").AsInt64()
	if !ok || n1 != n2 || !first.Lookup("lsid").Equal(retry.Lookup("lsid")) {
		t.Errorf("retry txnNumber %d (lsid %s), want %d (lsid %s)", n2, retry.Lookup("lsid"), n1, first.Lookup("lsid"))
	}
	count := 0
	for _, d := range rs.Store().Docs("test.c") {
		if id, _ := d.Lookup("_id").AsInt64(); id == 1 {
			count++
		}
	}
	if count != 1 {
		t.Errorf("document stored %d times, want exactly once", count)
	}
}

// TestTransactionIgnoresCollectionWriteConcern: a w:0 collection in a
// transaction still waits for each reply and sends no write concern.
func TestTransactionIgnoresCollectionWriteConcern(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI())
	sess := startSession(t, c)
	ctx := client.WithSession(ctxT(t), sess)
	coll := c.Database("test").Collection("c", client.CollectionOptions{WriteConcern: &client.WriteConcern{W: "0"}})
	if err := sess.StartTransaction(); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	ins := srv.CommandsNamed("insert")[0]
	if ins.MoreToCome() || !ins.Lookup("writeConcern").IsZero() {
		t.Errorf("insert in a transaction: moreToCome %v, writeConcern %s", ins.MoreToCome(), ins.Lookup("writeConcern"))
	}
	if err := sess.CommitTransaction(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestWatchAndTransactionsLeaveNoGoroutine: streams and sessions start no
// goroutine of their own; Disconnect ends the client's.
func TestWatchAndTransactionsLeaveNoGoroutine(t *testing.T) {
	leakcheck.Check(t) // first: its check runs after the server's cleanup
	srv := primary(t, mockserver.Hello{})
	newFakeOplog(srv, "test.c", "insert")
	c, err := client.Connect(context.Background(), srv.URI())
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	cs, err := c.Database("test").Collection("c").Watch(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !cs.Next(ctx) {
		t.Fatal(cs.Err())
	}
	sess, err := c.StartSession()
	if err != nil {
		t.Fatal(err)
	}
	err = sess.WithTransaction(ctx, func(ctx context.Context) error {
		_, err := c.Database("test").Collection("d").InsertOne(ctx, bson.D{bson.KV("_id", 1)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sess.EndSession(ctx)
	cs.Close(ctx) // a stream left open would be killed by Disconnect's pools closing anyway
	if err := c.Disconnect(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestTransactionReadsFromPrimary: a read in a transaction ignores the
// collection's read preference.
func TestTransactionReadsFromPrimary(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI())
	sess := startSession(t, c)
	ctx := client.WithSession(ctxT(t), sess)
	coll := c.Database("test").Collection("c", client.CollectionOptions{ReadPreference: &client.ReadPref{Mode: client.Secondary}})
	if err := coll.FindOne(ctx, bson.D{}).Err(); !errors.Is(err, client.ErrNoDocuments) {
		t.Fatal(err)
	}
	if err := sess.StartTransaction(); err != nil {
		t.Fatal(err)
	}
	if err := coll.FindOne(ctx, bson.D{}).Err(); !errors.Is(err, client.ErrNoDocuments) {
		t.Fatal(err)
	}
	finds := srv.CommandsNamed("find")
	outside, _ := finds[0].Lookup("$readPreference", "mode").StringValue()
	inside, _ := finds[1].Lookup("$readPreference", "mode").StringValue()
	// Direct to a replica-set member, primary is sent as primaryPreferred.
	if outside != "secondary" || inside != "primaryPreferred" {
		t.Errorf("read preference %q outside the transaction, %q inside; want secondary, then primary's", outside, inside)
	}
	if err := sess.AbortTransaction(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestRecoveryTokenOnMongos: the recoveryToken of a sharded transaction's
// reply goes back with commitTransaction.
func TestRecoveryTokenOnMongos(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{Hello: mockserver.Hello{Role: mockserver.Mongos}})
	recovery := mockserver.Doc(bson.KV("recoveryShardId", "shard01"))
	srv.Handle("insert", func(*mockserver.Request) mockserver.Reply {
		return mockserver.OK(bson.KV("n", int32(1)), bson.KV("recoveryToken", recovery))
	})
	c := connect(t, srv.URI())
	sess := startSession(t, c)
	ctx := client.WithSession(ctxT(t), sess)
	if err := sess.StartTransaction(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Database("test").Collection("c").InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	if err := sess.CommitTransaction(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ := srv.CommandsNamed("commitTransaction")[0].Lookup("recoveryToken").Document()
	if string(got) != string(recovery) {
		t.Errorf("commit recoveryToken %s, want %s", got, recovery)
	}
}

// TestWithTransactionRetryTimeout (the convenient API's prose test "retry
// timeout is enforced", with the client's Timeout as the limit): a
// callback that keeps failing with a TransientTransactionError is run
// again while time is left, and given up once the time is spent (its
// second run outlasts the limit, whatever the machine's speed), with the
// error keeping its label.
func TestWithTransactionRetryTimeout(t *testing.T) {
	const limit = time.Second
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI(), client.Options{Timeout: limit})
	sess := startSession(t, c)
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"insert"}, Code: 251, CodeName: "NoSuchTransaction",
		Labels: []string{"TransientTransactionError"}})
	runs := 0
	start := time.Now()
	err := sess.WithTransaction(ctxT(t), func(ctx context.Context) error {
		runs++
		_, err := c.Database("test").Collection("c").InsertOne(ctx, bson.D{bson.KV("_id", 1)})
		if runs == 2 {
			time.Sleep(limit - time.Since(start) + 10*time.Millisecond) // spend the rest
		}
		return err
	})
	var te *session.TimeoutError
	if !errors.As(err, &te) || !client.HasErrorLabel(err, "TransientTransactionError") {
		t.Fatalf("err %v (%T), want a timeout that keeps the TransientTransactionError label", err, err)
	}
	var ce *client.CommandError
	if !errors.As(err, &ce) || ce.Code != 251 {
		t.Errorf("the last error is not the server's: %v", err)
	}
	if runs != 2 {
		t.Errorf("the callback ran %d times, want 2: once more while time was left, none after", runs)
	}
}
