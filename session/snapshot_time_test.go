package session

import (
	"errors"
	"testing"

	"github.com/torque-go/torque/bson"
)

// Options.SnapshotTime: the first read already carries atClusterTime, a
// later reply does not move it, and it needs a snapshot session.
func TestSnapshotTimeOption(t *testing.T) {
	at := bson.Timestamp{T: 30, I: 2}
	if _, err := NewExplicit(NewPool(nil), Options{SnapshotTime: &at}); !errors.Is(err, &Error{Kind: ErrSnapshotTimeWithoutSnapshot}) {
		t.Errorf("SnapshotTime without Snapshot: err = %v", err)
	}
	s := newSession(t, Options{Snapshot: true, SnapshotTime: &at})
	if ts, ok := s.SnapshotTime(); !ok || ts != at {
		t.Errorf("SnapshotTime() = %v %v, want %v", ts, ok, at)
	}
	want := `{"readConcern":{"level":"snapshot","atClusterTime":{"$timestamp":{"t":30,"i":2}}}}`
	if got := render(prepare(t, s, Op{Kind: OpRead})); got != want {
		t.Errorf("first read: %s, want %s", got, want)
	}
	later := reply(nil, nil, func(d []byte) []byte { return bson.AppendTimestampElement(d, "atClusterTime", 45, 0) })
	if err := s.Finish(OpRead, later, nil); err != nil {
		t.Fatal(err)
	}
	if got := render(prepare(t, s, Op{Kind: OpRead})); got != want {
		t.Errorf("after a reply with another atClusterTime: %s, want %s", got, want)
	}
}

// CheckedOut counts the sessions Get gave out until Put takes them back,
// whether Put pools or discards them.
func TestPoolCheckedOut(t *testing.T) {
	p := NewPool(nil)
	a, _ := p.Get(timeout30)
	b, _ := p.Get(timeout30)
	if n := p.CheckedOut(); n != 2 {
		t.Fatalf("CheckedOut = %d after two Gets, want 2", n)
	}
	b.MarkDirty()
	p.Put(b, timeout30) // discarded, but no longer in use
	if n := p.CheckedOut(); n != 1 {
		t.Errorf("CheckedOut = %d after putting back a dirty one, want 1", n)
	}
	p.Put(a, timeout30)
	p.Put(nil, timeout30) // no session: changes nothing
	if n := p.CheckedOut(); n != 0 {
		t.Errorf("CheckedOut = %d after both came back, want 0", n)
	}
}
