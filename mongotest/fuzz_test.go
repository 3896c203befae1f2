package mongotest

import (
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/wirehost"
)

// FuzzCommand sends arbitrary command bodies to the command set (without
// the network): whatever the body, the answer is a document, and never
// the InternalError that a recovered panic of a handler becomes.
func FuzzCommand(f *testing.F) {
	seeds := []bson.D{
		{bson.KV("insert", "c"), bson.KV("documents", bson.A{bson.D{bson.KV("_id", 1), bson.KV("a", bson.A{1, 2})}})},
		{bson.KV("find", "c"), bson.KV("filter", bson.D{bson.KV("a", bson.D{bson.KV("$gt", 1)})}), bson.KV("sort", bson.D{bson.KV("a", -1)}), bson.KV("limit", 2)},
		{bson.KV("update", "c"), bson.KV("updates", bson.A{bson.D{bson.KV("q", bson.D{}), bson.KV("u", bson.D{bson.KV("$inc", bson.D{bson.KV("n", 1)})}), bson.KV("upsert", true)}})},
		{bson.KV("delete", "c"), bson.KV("deletes", bson.A{bson.D{bson.KV("q", bson.D{bson.KV("_id", 1)}), bson.KV("limit", 1)}})},
		{bson.KV("findAndModify", "c"), bson.KV("query", bson.D{}), bson.KV("remove", true), bson.KV("sort", bson.D{bson.KV("x", 1)})},
		{bson.KV("aggregate", "c"), bson.KV("pipeline", bson.A{bson.D{bson.KV("$group", bson.D{bson.KV("_id", "$a")})}}), bson.KV("cursor", bson.D{})},
		{bson.KV("createIndexes", "c"), bson.KV("indexes", bson.A{bson.D{bson.KV("key", bson.D{bson.KV("a", 1)}), bson.KV("name", "a_1"), bson.KV("unique", true)}})},
		{bson.KV("create", "v"), bson.KV("viewOn", "c"), bson.KV("pipeline", bson.A{})},
		{bson.KV("listCollections", 1), bson.KV("filter", bson.D{bson.KV("name", "c")})},
		{bson.KV("getMore", int64(1)), bson.KV("collection", "c")},
		{bson.KV("distinct", "c"), bson.KV("key", "a")},
		{bson.KV("count", "c"), bson.KV("query", bson.D{bson.KV("a", 1)})},
		{bson.KV("dropIndexes", "c"), bson.KV("index", "*")},
		{bson.KV("renameCollection", "db.c"), bson.KV("to", "db.d")},
		{bson.KV("saslStart", 1), bson.KV("mechanism", "SCRAM-SHA-256"), bson.KV("payload", bson.Binary{Data: []byte("n,,n=a,r=x")})},
	}
	for _, d := range seeds {
		b, err := bson.Marshal(append(d, bson.KV("$db", "db")))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	s, err := Start(Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	b := backend{s}
	peer := &wirehost.Peer{ID: 1}
	f.Fuzz(func(t *testing.T, body []byte) {
		raw := bson.Raw(body)
		if raw.Validate() != nil {
			return // the wire host closes the connection on invalid BSON
		}
		req := &wirehost.Request{Command: raw}
		if el, err := raw.Index(0); err == nil {
			req.Name = el.Key()
		}
		req.DB, _ = raw.Lookup("$db").StringValue()
		r := b.Command(peer, req)
		if r.Doc.Validate() != nil {
			t.Fatalf("reply is not a document: %x", r.Doc)
		}
		if code, _ := r.Doc.Lookup("code").AsInt64(); code == 1 {
			msg, _ := r.Doc.Lookup("errmsg").StringValue()
			t.Fatalf("handler panicked: %s\ncommand: %s", msg, raw)
		}
	})
}
