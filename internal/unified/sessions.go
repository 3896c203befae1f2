package unified

import (
	"bytes"
	"context"
	"fmt"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
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

// sessionOp runs an operation on a session entity.
func (r *run) sessionOp(ctx context.Context, id string, s *client.Session, name string, a *args) outcome {
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
	case "startTransaction":
		return outcome{err: s.StartTransaction()}
	case "commitTransaction":
		return outcome{err: s.CommitTransaction(ctx)}
	case "abortTransaction":
		return outcome{err: s.AbortTransaction(ctx)}
	}
	return outcome{err: fmt.Errorf("%w: session operation %q", errUnsupportedOp, name)}
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
