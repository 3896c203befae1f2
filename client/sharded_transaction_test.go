package client_test

// Mongos pinning (the transactions specification's "Mongos Pinning" and
// its prose tests), against two mock mongoses that share one log: every
// command of a transaction goes to the mongos its first command selected,
// and the session unpins when the specification says.

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/mockserver"
	"github.com/torque-go/torque/topology"
)

// shardedCluster is two mock mongoses with one log, whose inserts answer
// with a recoveryToken naming the host and counting the replies, and a
// client that has discovered both.
type shardedCluster struct {
	mongoses [2]*mockserver.Server
	log      *mockserver.Log
	c        *client.Client
	tokens   atomic.Int32
}

func newShardedCluster(t *testing.T) *shardedCluster {
	sc := &shardedCluster{log: mockserver.NewLog()}
	store := mockserver.NewStore()
	for i := range sc.mongoses {
		srv := mockserver.New(t, mockserver.Options{Hello: mockserver.Hello{Role: mockserver.Mongos}, ClusterLog: sc.log, Store: store})
		srv.Handle("insert", func(req *mockserver.Request) mockserver.Reply {
			token := mockserver.Doc(bson.KV("host", req.Host), bson.KV("n", sc.tokens.Add(1)))
			return mockserver.OK(bson.KV("n", int32(1)), bson.KV("recoveryToken", token))
		})
		sc.mongoses[i] = srv
	}
	known := make(chan struct{})
	var once sync.Once
	listener := topology.ListenerFunc(func(e topology.Event) {
		if ch, ok := e.(topology.TopologyDescriptionChanged); ok && countType(ch.New, topology.Mongos) == 2 {
			once.Do(func() { close(known) })
		}
	})
	uri := fmt.Sprintf("mongodb://%s,%s/", sc.mongoses[0].Addr(), sc.mongoses[1].Addr())
	sc.c = connect(t, uri, client.Options{SDAMListener: listener, LocalThreshold: time.Hour})
	select {
	case <-known:
	case <-ctxT(t).Done():
		t.Fatal("the client did not discover both mongoses")
	}
	return sc
}

// mongos returns the mongos at addr.
func (sc *shardedCluster) mongos(t *testing.T, addr string) *mockserver.Server {
	t.Helper()
	for _, srv := range sc.mongoses {
		if srv.Addr() == addr {
			return srv
		}
	}
	t.Fatalf("no mongos at %q", addr)
	return nil
}

func countType(td topology.TopologyDescription, st topology.ServerType) int {
	n := 0
	for _, sd := range td.Servers {
		if sd.Type == st {
			n++
		}
	}
	return n
}

// hostsOf returns, in order, the hosts that received the commands of
// transaction txn of session lsid.
func (sc *shardedCluster) hostsOf(t *testing.T, sess *client.Session, txn int64) []string {
	var hosts []string
	for _, r := range sc.log.Commands() {
		lsid, _ := r.Lookup("lsid").Document()
		if n, _ := r.Lookup("txnNumber").AsInt64(); n == txn && string(lsid) == string(sess.ID()) {
			hosts = append(hosts, r.Host)
		}
	}
	return hosts
}

// txnNumberOf is the txnNumber of the session's last command.
func (sc *shardedCluster) txnNumberOf(t *testing.T, sess *client.Session) int64 {
	t.Helper()
	cmds := sc.log.Commands()
	for i := len(cmds) - 1; i >= 0; i-- {
		lsid, _ := cmds[i].Lookup("lsid").Document()
		if string(lsid) == string(sess.ID()) {
			n, _ := cmds[i].Lookup("txnNumber").AsInt64()
			return n
		}
	}
	t.Fatal("the session sent nothing")
	return 0
}

// TestShardedTransactionPinned: every command of a transaction, commit
// and a repeated commit included, goes to the mongos of the first one,
// and the commit carries the latest recoveryToken.
func TestShardedTransactionPinned(t *testing.T) {
	sc := newShardedCluster(t)
	sess := startSession(t, sc.c)
	ctx := client.WithSession(ctxT(t), sess)
	coll := sc.c.Database("test").Collection("c")
	if err := sess.StartTransaction(); err != nil {
		t.Fatal(err)
	}
	for i := range 8 {
		if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", i)}); err != nil {
			t.Fatal(err)
		}
		if err := coll.FindOne(ctx, bson.D{bson.KV("_id", i)}).Err(); err != nil && !errors.Is(err, client.ErrNoDocuments) {
			t.Fatal(err)
		}
	}
	pinned := client.PinnedTo(sess)
	for range 2 { // a repeated commit keeps the pin
		if err := sess.CommitTransaction(ctx); err != nil {
			t.Fatal(err)
		}
		if got := client.PinnedTo(sess); got != pinned {
			t.Fatalf("pinned to %q after a commit, want %q", got, pinned)
		}
	}
	hosts := sc.hostsOf(t, sess, sc.txnNumberOf(t, sess))
	if len(hosts) != 18 {
		t.Fatalf("%d commands in the transaction, want 16 and two commits", len(hosts))
	}
	for i, h := range hosts {
		if h != pinned {
			t.Errorf("command %d of the transaction went to %s, the session is pinned to %q", i, h, pinned)
		}
	}
	commits := sc.log.CommandsNamed("commitTransaction")
	want := mockserver.Doc(bson.KV("host", pinned), bson.KV("n", sc.tokens.Load()))
	for _, cm := range commits {
		if got, _ := cm.Lookup("recoveryToken").Document(); string(got) != string(want) {
			t.Errorf("commitTransaction recoveryToken %s, want the last one %s", got, want)
		}
	}
	// A non-transactional operation unpins.
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 100)}); err != nil {
		t.Fatal(err)
	}
	if got := client.PinnedTo(sess); got != "" {
		t.Errorf("pinned to %q after an operation outside a transaction", got)
	}
}

// TestShardedTransactionsUnpinBetween (prose test "unpin for next
// transaction"): a new transaction selects its mongos afresh, so twenty
// transactions use both mongoses (all on one: a chance of 2^-19).
func TestShardedTransactionsUnpinBetween(t *testing.T) {
	sc := newShardedCluster(t)
	sess := startSession(t, sc.c)
	ctx := client.WithSession(ctxT(t), sess)
	coll := sc.c.Database("test").Collection("c")
	used := map[string]bool{}
	for i := range 20 {
		if err := sess.StartTransaction(); err != nil {
			t.Fatal(err)
		}
		if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", i)}); err != nil {
			t.Fatal(err)
		}
		used[client.PinnedTo(sess)] = true
		if err := sess.CommitTransaction(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if len(used) != 2 || used[""] {
		t.Errorf("twenty transactions pinned to %v, want both mongoses", used)
	}
}

// TestShardedTransactionUnpinsAfterTransientError: a command that fails
// with a TransientTransactionError unpins the session, so the abort may
// go to another mongos.
func TestShardedTransactionUnpinsAfterTransientError(t *testing.T) {
	sc := newShardedCluster(t)
	sess := startSession(t, sc.c)
	ctx := client.WithSession(ctxT(t), sess)
	coll := sc.c.Database("test").Collection("c")
	if err := sess.StartTransaction(); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	pinned := client.PinnedTo(sess)
	if pinned == "" {
		t.Fatal("the first command of a sharded transaction did not pin the session")
	}
	sc.mongos(t, pinned).FailCommand(mockserver.FailPoint{Commands: []string{"insert"}, Times: 1, Code: 251,
		CodeName: "NoSuchTransaction", Labels: []string{"TransientTransactionError"}})
	_, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 2)})
	if !client.HasErrorLabel(err, "TransientTransactionError") {
		t.Fatalf("insert error %v, want a TransientTransactionError", err)
	}
	if got := client.PinnedTo(sess); got != "" {
		t.Errorf("still pinned to %q after a TransientTransactionError", got)
	}
	if hosts := sc.hostsOf(t, sess, sc.txnNumberOf(t, sess)); len(hosts) != 2 || hosts[1] != pinned {
		t.Errorf("the failing insert went to %v, want the pinned %s", hosts, pinned)
	}
	if err := sess.AbortTransaction(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestShardedCommitRetryUnpins: a commit that fails with a retryable
// error gets UnknownTransactionCommitResult, unpins, and is retried
// (selected afresh) with the same txnNumber, w: majority and the
// recoveryToken.
func TestShardedCommitRetryUnpins(t *testing.T) {
	sc := newShardedCluster(t)
	sess := startSession(t, sc.c)
	ctx := client.WithSession(ctxT(t), sess)
	if err := sess.StartTransaction(); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.c.Database("test").Collection("c").InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	sc.mongos(t, client.PinnedTo(sess)).FailCommand(mockserver.FailPoint{Commands: []string{"commitTransaction"},
		Times: 1, Code: 91, CodeName: "ShutdownInProgress", Labels: []string{"RetryableWriteError"}})
	if err := sess.CommitTransaction(ctx); err != nil {
		t.Fatal(err)
	}
	commits := sc.log.CommandsNamed("commitTransaction")
	if len(commits) != 2 {
		t.Fatalf("%d commitTransaction commands, want 2 (one retry)", len(commits))
	}
	txn := sc.txnNumberOf(t, sess)
	for i, cm := range commits {
		if n, _ := cm.Lookup("txnNumber").AsInt64(); n != txn {
			t.Errorf("commit %d txnNumber %d, want %d", i, n, txn)
		}
		if cm.Lookup("recoveryToken").IsZero() {
			t.Errorf("commit %d has no recoveryToken: %s", i, cm.Command)
		}
	}
	if w, _ := commits[1].Lookup("writeConcern", "w").StringValue(); w != "majority" {
		t.Errorf("retried commit writeConcern %s, want w: majority", commits[1].Lookup("writeConcern"))
	}
	if got := client.PinnedTo(sess); got != "" {
		t.Errorf("pinned to %q after a commit retried elsewhere", got)
	}
}
