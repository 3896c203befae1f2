package driver

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/session"
	"github.com/torque-go/torque/topology"
)

// txnSession is an explicit session with a transaction started.
func txnSession(t *testing.T, x *Executor) *session.ClientSession {
	t.Helper()
	s, err := session.NewExplicit(x.Sessions, session.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.StartTransaction(nil); err != nil {
		t.Fatal(err)
	}
	return s
}

func commitOp(t *testing.T, s *session.ClientSession) *Operation {
	t.Helper()
	if send, err := s.BeginCommit(); err != nil || !send {
		t.Fatalf("BeginCommit: %v, %v", send, err)
	}
	op := simpleOp(t, "commitTransaction", Commit, bson.D{bson.KV("commitTransaction", 1)})
	op.DB, op.Session, op.Retryable = "admin", s, true
	return op
}

// TestMongosPinning: a transaction's commands go to the mongos of its
// first one; a commit whose pinned mongos cannot give a connection is
// retried (a handshake network error) on a mongos selected afresh.
func TestMongosPinning(t *testing.T) {
	d := newFake(topology.Sharded, topology.Mongos, topology.Mongos)
	var log cmdLog
	d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) {
		log.add(addr, cmd)
		return okDoc(t, bson.KV("n", 1)), true, nil
	})
	x := newExecutor(d)
	s := txnSession(t, x)
	for i := range 3 {
		op := insertOp(t, bson.D{bson.KV("_id", i)})
		op.Session = s
		if err := x.Execute(context.Background(), op); err != nil {
			t.Fatal(err)
		}
	}
	pin, ok := s.Pinned()
	if !ok {
		t.Fatal("the transaction's first command did not pin the session")
	}
	for i, a := range log.addr {
		if a != pin.Addr {
			t.Errorf("command %d went to %s, the session is pinned to %s", i, a, pin.Addr)
		}
	}
	pinned := d.servers[0]
	if pinned.desc.Addr != pin.Addr {
		pinned = d.servers[1]
	}
	pinned.connErr = &NetworkError{Addr: string(pin.Addr), Err: io.ErrUnexpectedEOF}
	if err := x.Execute(context.Background(), commitOp(t, s)); err != nil {
		t.Fatal(err)
	}
	last := d.criteria[len(d.criteria)-2:]
	if last[0].Only != pin.Addr || last[1].Only != "" {
		t.Errorf("commit selected with Only %q then %q, want the pinned %s then any", last[0].Only, last[1].Only, pin.Addr)
	}
	if a := log.addr[len(log.addr)-1]; a == pin.Addr {
		t.Errorf("the retried commit went to %s, which could not give a connection", a)
	}
}

// TestPinnedServerGoneIsTransient: a transaction whose mongos cannot be
// selected fails with a ServerSelectionError labelled
// TransientTransactionError, and the session unpins.
func TestPinnedServerGoneIsTransient(t *testing.T) {
	d := newFake(topology.Sharded, topology.Mongos)
	d.handle(func(topology.Address, bson.Raw) (bson.Raw, bool, error) { return okDoc(t), true, nil })
	x := newExecutor(d)
	s := txnSession(t, x)
	op := insertOp(t, bson.D{bson.KV("_id", 1)})
	op.Session = s
	if err := x.Execute(context.Background(), op); err != nil {
		t.Fatal(err)
	}
	s.Pin(session.Pin{Addr: "gone:27017"})
	op = insertOp(t, bson.D{bson.KV("_id", 2)})
	op.Session = s
	err := x.Execute(context.Background(), op)
	var sse *ServerSelectionError
	if !errors.As(err, &sse) || !HasLabel(err, LabelTransientTxn) {
		t.Fatalf("error %v, want a ServerSelectionError with TransientTransactionError", err)
	}
	if p, ok := s.Pinned(); ok {
		t.Errorf("still pinned to %s", p.Addr)
	}
}
