package bench

import (
	"net"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/wire"
)

// roundTrip sends cmd as an OP_MSG on c and returns the reply body.
func roundTrip(t *testing.T, c net.Conn, cmd []byte) bson.Raw {
	t.Helper()
	req := wire.NextRequestID()
	out, err := wire.AppendMsg(nil, req, 0, &wire.Msg{Body: cmd})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write(out); err != nil {
		t.Fatal(err)
	}
	h, msg, err := wire.ReadMessage(c, nil, wire.DefaultMaxMessageSize)
	if err != nil {
		t.Fatal(err)
	}
	if err := wire.CheckResponseTo(h, req); err != nil {
		t.Fatal(err)
	}
	m, err := wire.ParseMsg(msg)
	if err != nil {
		t.Fatal(err)
	}
	body := bson.Raw(m.Body)
	if err := body.Validate(); err != nil {
		t.Fatalf("reply is not valid BSON: %v", err)
	}
	return body
}

func mustMarshal(t *testing.T, d bson.D) []byte {
	t.Helper()
	b, err := bson.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestNullServerHelloAndFind(t *testing.T) {
	doc := withID(mustMarshal(t, bson.D{bson.KV("x", int32(7))}), bson.NewObjectID())
	const total = 250
	s, err := NewNullServer(doc, total)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	hello := roundTrip(t, c, mustMarshal(t, bson.D{bson.KV("hello", true), bson.KV("$db", "admin")}))
	if v, _ := hello.Lookup("isWritablePrimary").Boolean(); !v {
		t.Errorf("hello: isWritablePrimary is not true: %s", hello)
	}
	if v, _ := hello.Lookup("maxWireVersion").AsInt64(); v != 21 {
		t.Errorf("hello: maxWireVersion = %d, want 21", v)
	}

	// By _id: one document, cursor closed.
	one := roundTrip(t, c, mustMarshal(t, bson.D{bson.KV("find", "corpus"),
		bson.KV("filter", bson.D{bson.KV("_id", bson.NewObjectID())}), bson.KV("$db", "perftest")}))
	batch := cursorBatch(t, one, "firstBatch", 0)
	if len(batch) != 1 || string(batch[0].Value) != string(doc) {
		t.Fatalf("find by _id returned %d documents (%v), want the one document", len(batch), batch)
	}

	// No filter: 101 now, the other 149 from getMore, then an empty cursor.
	all := roundTrip(t, c, mustMarshal(t, bson.D{bson.KV("find", "corpus"), bson.KV("$db", "perftest")}))
	id, _ := all.Lookup("cursor", "id").AsInt64()
	if id == 0 {
		t.Fatalf("find without filter closed its cursor: %s", all)
	}
	if got := len(cursorBatch(t, all, "firstBatch", id)); got != 101 {
		t.Fatalf("firstBatch has %d documents, want 101", got)
	}
	more := roundTrip(t, c, mustMarshal(t, bson.D{bson.KV("getMore", id), bson.KV("collection", "corpus"), bson.KV("$db", "perftest")}))
	if got := len(cursorBatch(t, more, "nextBatch", 0)); got != total-101 {
		t.Fatalf("nextBatch has %d documents, want %d", got, total-101)
	}

	ins := roundTrip(t, c, mustMarshal(t, bson.D{bson.KV("insert", "corpus"),
		bson.KV("documents", bson.A{bson.D{bson.KV("a", 1)}, bson.D{bson.KV("a", 2)}}), bson.KV("$db", "perftest")}))
	if n, _ := ins.Lookup("n").AsInt64(); n != 2 {
		t.Errorf("insert of 2 documents replied n = %d: %s", n, ins)
	}
	if got := s.Inserts(); got != 1 {
		t.Errorf("Inserts() = %d after one insert command", got)
	}
}

// cursorBatch checks reply's cursor id and returns its batch named name.
func cursorBatch(t *testing.T, reply bson.Raw, name string, wantID int64) []bson.RawValue {
	t.Helper()
	if ok, _ := reply.Lookup("ok").AsInt64(); ok != 1 {
		t.Fatalf("reply not ok: %s", reply)
	}
	if id, _ := reply.Lookup("cursor", "id").AsInt64(); id != wantID {
		t.Fatalf("cursor id = %d, want %d", id, wantID)
	}
	arr, ok := reply.Lookup("cursor", name).Array()
	if !ok {
		t.Fatalf("reply has no cursor.%s: %s", name, reply)
	}
	vals, err := arr.Values()
	if err != nil {
		t.Fatal(err)
	}
	return vals
}

func TestNullServerCloseEndsConnections(t *testing.T) {
	s, err := NewNullServer(mustMarshal(t, bson.D{}), 1)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	roundTrip(t, c, mustMarshal(t, bson.D{bson.KV("ping", 1), bson.KV("$db", "admin")}))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatal("connection still open after Close")
	}
}
