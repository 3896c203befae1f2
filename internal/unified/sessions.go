package unified

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/session"
)

// Session entities: an operation's "session" argument runs it under
// client.WithSession; $$sessionLsid matches the session's lsid.

func (r *run) createSession(id string, spec bson.Raw) error {
	a := newArgs(spec)
	a.skip("id")
	name := a.str("client")
	c, ok := r.entities.clients[name]
	if !ok {
		return fmt.Errorf("no client entity %q", name)
	}
	var o client.SessionOptions
	so := newArgs(a.doc("sessionOptions"))
	o.CausalConsistency = so.boolPtr("causalConsistency")
	o.Snapshot = so.boolean("snapshot")
	if so.has("snapshotTime") { // the name of a saved entity
		v, err := r.entities.value(so.str("snapshotTime"))
		if err != nil {
			return fmt.Errorf("sessionOptions.snapshotTime: %w", err)
		}
		t, i, ok := v.Timestamp()
		if !ok {
			return fmt.Errorf("sessionOptions.snapshotTime: entity is a %s, not a timestamp", v.Type)
		}
		o.SnapshotTime = &bson.Timestamp{T: t, I: i}
	}
	o.DefaultTimeout = entityTimeout(so, "defaultTimeoutMS")
	if d := so.doc("defaultTransactionOptions"); d != nil {
		to, err := transactionOptions(newArgs(d))
		if err != nil {
			return fmt.Errorf("defaultTransactionOptions: %w", err)
		}
		o.DefaultTransactionOptions = to
	}
	if err := so.done(); err != nil {
		return fmt.Errorf("sessionOptions: %w", err)
	}
	if err := a.done(); err != nil {
		return err
	}
	s, err := c.StartSession(o)
	if err != nil {
		return err
	}
	r.entities.sessions[id] = s
	return nil
}

// withSession returns ctx carrying the session the "session" argument
// names, if any.
func (r *run) withSession(ctx context.Context, a *args) (context.Context, error) {
	if !a.has("session") {
		return ctx, nil
	}
	name := a.str("session")
	s, ok := r.entities.sessions[name]
	if !ok {
		return ctx, fmt.Errorf("runner: no session entity %q", name)
	}
	return client.WithSession(ctx, s), nil
}

// inTransaction reports whether the operation's session argument names a
// session in a transaction.
func (r *run) inTransaction(a *args) bool {
	name, _ := a.src.Lookup("session").StringValue()
	s, ok := r.entities.sessions[name]
	return ok && s.InTransaction()
}

// sessionOp runs an operation on a session entity.
func (r *run) sessionOp(ctx context.Context, id string, s *client.Session, name string, a *args) outcome {
	switch name {
	case "startTransaction":
		o, err := transactionOptions(a)
		if err == nil {
			err = a.done()
		}
		if err != nil {
			return outcome{err: err}
		}
		if o == (client.TransactionOptions{}) {
			return outcome{err: s.StartTransaction()}
		}
		return outcome{err: s.StartTransaction(o)}
	case "withTransaction":
		return r.withTransaction(ctx, s, a)
	}
	if bad := argErr(a); bad != nil {
		return *bad
	}
	switch name {
	case "endSession":
		if lsid := s.ID(); lsid != nil {
			r.entities.endedLsids[id] = lsid // $$sessionLsid still names it
		}
		s.EndSession(ctx)
		return outcome{}
	case "commitTransaction":
		return outcome{err: s.CommitTransaction(ctx)}
	case "abortTransaction":
		return outcome{err: s.AbortTransaction(ctx)}
	case "getSnapshotTime":
		ts, ok := s.SnapshotTime()
		if !ok {
			return outcome{err: fmt.Errorf("runner: session %q has no snapshot time", id)}
		}
		return result(ts)
	}
	return outcome{err: fmt.Errorf("%w: session operation %q", errUnsupportedOp, name)}
}

// transactionOptions reads the options of startTransaction,
// withTransaction and defaultTransactionOptions.
func transactionOptions(a *args) (client.TransactionOptions, error) {
	var o client.TransactionOptions
	if rc := a.doc("readConcern"); rc != nil {
		level, _ := rc.Lookup("level").StringValue()
		o.ReadConcern = &client.ReadConcern{Level: level}
	}
	if wc := a.doc("writeConcern"); wc != nil {
		w := writeConcern(wc)
		o.WriteConcern = &w
	}
	if rp := a.doc("readPreference"); rp != nil {
		p, err := readPref(rp)
		if err != nil {
			return o, err
		}
		o.ReadPreference = &p
	}
	if a.has("maxCommitTimeMS") {
		d := a.millis("maxCommitTimeMS")
		o.MaxCommitTime = &d
	}
	return o, errors.Join(a.errs...)
}

// withTransaction runs the callback's operations in Session.WithTransaction:
// each with its own assertions, and any error of theirs goes back to
// WithTransaction, whatever they expected.
func (r *run) withTransaction(ctx context.Context, s *client.Session, a *args) outcome {
	callback := a.array("callback")
	o, err := transactionOptions(a)
	if err == nil {
		err = a.done()
	}
	if err != nil {
		return outcome{err: err}
	}
	var opts []client.TransactionOptions
	if o != (client.TransactionOptions{}) {
		opts = append(opts, o)
	}
	var failure error // an assertion of the callback that failed
	err = s.WithTransaction(ctx, func(ctx context.Context) error {
		for i, v := range callback.All() {
			op, _ := v.Document()
			opErr, assertErr := r.runOperation(ctx, op)
			if assertErr != nil {
				name, _ := op.Lookup("name").StringValue()
				failure = fmt.Errorf("callback[%d] %s: %w", i, name, assertErr)
				return assertErr
			}
			if opErr != nil {
				return opErr
			}
		}
		return nil
	}, opts...)
	if failure != nil {
		return outcome{err: fmt.Errorf("%w: %w", errCallback, failure)}
	}
	return outcome{err: err}
}

// sessionLsid returns the lsid of a session entity, for $$sessionLsid.
func (em *entityMap) sessionLsid(name string) (bson.RawValue, error) {
	if lsid, ok := em.endedLsids[name]; ok {
		return docValue(lsid), nil
	}
	s, ok := em.sessions[name]
	if !ok {
		return bson.RawValue{}, fmt.Errorf("no session entity %q", name)
	}
	id := s.ID()
	if id == nil {
		return bson.RawValue{}, fmt.Errorf("session %q has not been used: no lsid yet", name)
	}
	return docValue(id), nil
}

// assertLsids runs assertSameLsidOnLastTwoCommands and
// assertDifferentLsidOnLastTwoCommands: the lsids of the client's last
// two command started events.
func (r *run) assertLsids(a *args, same bool) error {
	name := a.str("client")
	if err := a.done(); err != nil {
		return err
	}
	c, ok := r.entities.clients[name]
	if !ok {
		return fmt.Errorf("no client entity %q", name)
	}
	var lsids []bson.RawValue
	for _, e := range c.recorded() {
		if e.kind == "commandStartedEvent" {
			lsids = append(lsids, e.doc.Lookup("lsid"))
		}
	}
	if len(lsids) < 2 {
		return fmt.Errorf("client %q recorded %d command started events, want 2", name, len(lsids))
	}
	x, y := lsids[len(lsids)-2], lsids[len(lsids)-1]
	if x.IsZero() || y.IsZero() {
		return fmt.Errorf("the last two commands of client %q do not both carry an lsid", name)
	}
	if bytes.Equal(x.Value, y.Value) != same {
		return fmt.Errorf("lsids %s and %s: same is %v, want %v", x, y, !same, same)
	}
	return nil
}

// txnStateNames are assertSessionTransactionState's names of the states.
var txnStateNames = map[session.TxnState]string{
	session.TxnNone: "none", session.TxnStarting: "starting", session.TxnInProgress: "in_progress",
	session.TxnCommitted: "committed", session.TxnCommittedEmpty: "committed", session.TxnAborted: "aborted",
}

// assertSession runs the testRunner's assertions on a session entity:
// assertSessionPinned/Unpinned, assertSessionDirty/NotDirty and
// assertSessionTransactionState.
func (r *run) assertSession(op string, a *args) error {
	name := a.str("session")
	state := ""
	if op == "assertSessionTransactionState" {
		state = a.str("state")
	}
	if err := a.done(); err != nil {
		return err
	}
	s, ok := r.entities.sessions[name]
	if !ok {
		return fmt.Errorf("no session entity %q", name)
	}
	var got, want any
	switch op {
	case "assertSessionPinned", "assertSessionUnpinned":
		_, pinned := s.PinnedServer()
		got, want = pinned, op == "assertSessionPinned"
	case "assertSessionDirty", "assertSessionNotDirty":
		got, want = s.Dirty(), op == "assertSessionDirty"
	default:
		got, want = txnStateNames[s.TransactionState()], state
	}
	if got != want {
		return fmt.Errorf("%s: session %q: got %v, want %v", op, name, got, want)
	}
	return nil
}
