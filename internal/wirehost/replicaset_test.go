package wirehost

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/wire"
)

func stringList(t *testing.T, doc bson.Raw, key string) []string {
	t.Helper()
	arr, _ := doc.Lookup(key).Array()
	var out []string
	for _, v := range arr.All() {
		s, _ := v.StringValue()
		out = append(out, s)
	}
	return out
}

func hello(t *testing.T, s *Server) bson.Raw {
	t.Helper()
	return dial(t, s.Addr()).run(cmd(bson.KV("hello", 1), bson.KV("$db", "admin")))
}

func TestReplicaSetHellosAgree(t *testing.T) {
	rs := NewReplicaSet(t, ReplicaSetOptions{Members: 3, Arbiters: 1, Hello: Hello{Tags: map[string]string{"dc": "ny"}}})
	m := rs.Members()
	hosts := rs.Hosts()[:3]
	for i, s := range m {
		r := hello(t, s)
		if str(t, r, "setName") != "rs0" || str(t, r, "me") != s.Addr() || str(t, r, "primary") != m[0].Addr() ||
			num(t, r, "setVersion") != 1 || !slices.Equal(stringList(t, r, "hosts"), hosts) ||
			!slices.Equal(stringList(t, r, "arbiters"), []string{m[3].Addr()}) {
			t.Errorf("member %d hello: %s", i, r)
		}
		if r.Lookup("$clusterTime").IsZero() || r.Lookup("lastWrite", "lastWriteDate").IsZero() && i < 3 {
			t.Errorf("member %d lacks $clusterTime or lastWrite: %s", i, r)
		}
		wantPrimary, wantSecondary, wantArbiter := i == 0, i == 1 || i == 2, i == 3
		if boolean(r, "isWritablePrimary") != wantPrimary || boolean(r, "secondary") != wantSecondary || boolean(r, "arbiterOnly") != wantArbiter {
			t.Errorf("member %d role: %s", i, r)
		}
		if got, ok := r.Lookup("electionId").ObjectID(); ok != wantPrimary || ok && got != ElectionID(1) {
			t.Errorf("member %d electionId %v %v", i, got, ok)
		}
		if str(t, r, "tags", "dc") != "ny" {
			t.Errorf("member %d tags: %s", i, r)
		}
	}
	if !strings.Contains(rs.URI(), "replicaSet=rs0") || rs.Primary() != m[0] {
		t.Errorf("URI %s, primary %v", rs.URI(), rs.Primary())
	}
}

func TestReplicaSetFailover(t *testing.T) {
	rs := NewReplicaSet(t, ReplicaSetOptions{})
	m := rs.Members()
	_, before := m[0].TopologyVersion()

	rs.StepDown()
	r := hello(t, m[0])
	if boolean(r, "isWritablePrimary") || !boolean(r, "secondary") || !r.Lookup("primary").IsZero() || !r.Lookup("electionId").IsZero() {
		t.Errorf("stepped-down primary: %s", r)
	}
	if _, after := m[0].TopologyVersion(); after != before+1 {
		t.Errorf("step down moved the counter %d -> %d", before, after)
	}
	if rs.Primary() != nil {
		t.Error("a primary after step down")
	}
	// Writes to a secondary fail as a real member's would.
	lsid := bson.D{bson.KV("id", bson.Binary{Subtype: bson.BinaryUUID, Data: make([]byte, 16)})}
	w := dial(t, m[0].Addr()).run(cmd(bson.KV("insert", "c"), bson.KV("lsid", lsid), bson.KV("txnNumber", int64(1))), seq("documents", Doc(bson.KV("_id", 1))))
	if num(t, w, "code") != 10107 || !slices.Equal(labels(w), []string{"RetryableWriteError"}) {
		t.Errorf("insert on a secondary: %s", w)
	}
	read := dial(t, m[0].Addr()).run(cmd(bson.KV("find", "c")))
	if num(t, read, "code") != 13435 {
		t.Errorf("primary-only read on a secondary: %s", read)
	}
	read = dial(t, m[0].Addr()).run(cmd(bson.KV("find", "c"), bson.KV("$readPreference", bson.D{bson.KV("mode", "secondaryPreferred")})))
	if num(t, read, "ok") != 1 {
		t.Errorf("secondaryPreferred read on a secondary: %s", read)
	}

	if err := rs.Elect(1); err != nil {
		t.Fatal(err)
	}
	r = hello(t, m[1])
	id, _ := r.Lookup("electionId").ObjectID()
	first := ElectionID(1)
	if !boolean(r, "isWritablePrimary") || str(t, r, "primary") != m[1].Addr() || bytes.Compare(id[:], first[:]) <= 0 {
		t.Errorf("new primary: %s", r)
	}
	if str(t, hello(t, m[2]), "primary") != m[1].Addr() {
		t.Error("a secondary does not know the new primary")
	}
	// The retried write reaches the new primary and applies once.
	w = dial(t, m[1].Addr()).run(cmd(bson.KV("insert", "c"), bson.KV("lsid", lsid), bson.KV("txnNumber", int64(1))), seq("documents", Doc(bson.KV("_id", 1))))
	if num(t, w, "n") != 1 || len(rs.Store().Docs("test.c")) != 1 {
		t.Errorf("insert on the new primary: %s", w)
	}
	if got := len(rs.CommandsNamed("insert")); got != 2 {
		t.Errorf("the cluster log has %d inserts, want 2", got)
	}
	if err := rs.Elect(5); err == nil {
		t.Error("electing a member that does not exist")
	}
}

func TestReplicaSetHiddenMember(t *testing.T) {
	rs := NewReplicaSet(t, ReplicaSetOptions{Hidden: []int{2}})
	m := rs.Members()
	if r := hello(t, m[2]); !boolean(r, "hidden") || !boolean(r, "secondary") {
		t.Errorf("hidden member: %s", r)
	}
	if got := stringList(t, hello(t, m[0]), "hosts"); !slices.Equal(got, []string{m[0].Addr(), m[1].Addr()}) {
		t.Errorf("hosts %v must leave out the hidden member", got)
	}
	if rs.Elect(2) == nil {
		t.Error("a hidden member was elected")
	}
}

func TestReplicaSetRemoveMember(t *testing.T) {
	rs := NewReplicaSet(t, ReplicaSetOptions{})
	m := rs.Members()
	rs.Remove(2)
	r := hello(t, m[0])
	if num(t, r, "setVersion") != 2 || !slices.Equal(stringList(t, r, "hosts"), []string{m[0].Addr(), m[1].Addr()}) {
		t.Errorf("primary after the reconfig: %s", r)
	}
	if r := hello(t, m[2]); !boolean(r, "isreplicaset") || !r.Lookup("setName").IsZero() {
		t.Errorf("removed member: %s", r)
	}
}

func TestUnacknowledgedWriteToSecondaryClosesConnection(t *testing.T) {
	rs := NewReplicaSet(t, ReplicaSetOptions{})
	c := dial(t, rs.Member(1).Addr())
	c.send(wire.MoreToCome, cmd(bson.KV("insert", "c"), bson.KV("writeConcern", bson.D{bson.KV("w", 0)})), seq("documents", Doc(bson.KV("_id", 1))))
	c.expectClosed()
	if n := len(rs.Store().Docs("test.c")); n != 0 {
		t.Errorf("a secondary applied %d documents", n)
	}
}
