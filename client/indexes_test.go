package client_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/mockserver"
)

func TestIndexName(t *testing.T) {
	for _, tc := range []struct {
		keys bson.D
		want string
	}{
		{bson.D{bson.KV("a", 1)}, "a_1"},
		{bson.D{bson.KV("a", 1), bson.KV("b", -1)}, "a_1_b_-1"},
		{bson.D{bson.KV("a", int64(-1))}, "a_-1"},
		{bson.D{bson.KV("a", 1.0), bson.KV("b", -1.0)}, "a_1_b_-1"},
		{bson.D{bson.KV("title", "text"), bson.KV("loc", "2dsphere")}, "title_text_loc_2dsphere"},
		{bson.D{bson.KV("$**", 1)}, "$**_1"},
		{bson.D{bson.KV("a.b", "hashed")}, "a.b_hashed"},
	} {
		raw, err := bson.Marshal(tc.keys)
		if err != nil {
			t.Fatal(err)
		}
		got, err := client.IndexName(raw)
		if err != nil || got != tc.want {
			t.Errorf("IndexName(%v) = %q, %v; want %q", tc.keys, got, err, tc.want)
		}
	}
	for _, bad := range []bson.D{{}, {bson.KV("a", true)}, {bson.KV("a", bson.D{})}} {
		raw, _ := bson.Marshal(bad)
		if got, err := client.IndexName(raw); err == nil {
			t.Errorf("IndexName(%v) = %q, want an error", bad, got)
		}
	}
}

// indexNames lists the names of the collection's indexes, sorted.
func indexNames(t *testing.T, iv client.IndexView) []string {
	t.Helper()
	specs, err := iv.ListSpecifications(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range specs {
		names = append(names, s.Name)
	}
	slices.Sort(names)
	return names
}

// The life of a collection's indexes on FerretDB: create with default and
// given names, read them back with their options, see a unique index at
// work, drop one, drop all.
func TestIndexesLifecycle(t *testing.T) {
	coll := serverCollection(t)
	ctx := testContext(t)
	iv := coll.Indexes()

	// A collection that does not exist has no indexes: no error.
	if specs, err := iv.ListSpecifications(ctx); err != nil || len(specs) != 0 {
		t.Fatalf("ListSpecifications on a missing collection = %v, %v; want none", specs, err)
	}

	name, err := iv.CreateOne(ctx, client.IndexModel{Keys: bson.D{bson.KV("a", 1), bson.KV("b", -1)}})
	if err != nil || name != "a_1_b_-1" {
		t.Fatalf("CreateOne = %q, %v; want a_1_b_-1", name, err)
	}
	// FerretDB v1.24 implements neither TTL nor partial indexes, and
	// accepts sparse without reporting it back: TestIndexesCommand checks
	// those options on the mock server.
	names, err := iv.CreateMany(ctx, []client.IndexModel{
		{Keys: bson.D{bson.KV("email", 1)}, Options: client.IndexOptions{Unique: true}},
		{Keys: bson.M{"seen": 1}, Options: client.IndexOptions{Name: "by_seen"}},
		{Keys: bson.D{bson.KV("nick", 1)}, Options: client.IndexOptions{Sparse: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"email_1", "by_seen", "nick_1"}; !slices.Equal(names, want) {
		t.Fatalf("CreateMany = %v, want %v", names, want)
	}

	specs, err := iv.ListSpecifications(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]client.IndexSpecification{}
	for _, s := range specs {
		byName[s.Name] = s
	}
	if len(byName) != 5 {
		t.Fatalf("indexes = %v, want _id_ and four more", specs)
	}
	if s := byName["a_1_b_-1"]; normJSON(s.Keys.String()) != `{"a":1,"b":-1}` {
		t.Errorf("a_1_b_-1 has keys %s", s.Keys)
	}
	if !byName["email_1"].Unique || byName["nick_1"].Unique {
		t.Errorf("unique: email_1 %v, nick_1 %v; want true, false", byName["email_1"].Unique, byName["nick_1"].Unique)
	}
	if s := byName["by_seen"]; normJSON(s.Keys.String()) != `{"seen":1}` {
		t.Errorf("by_seen has keys %s", s.Keys)
	}

	// The unique index refuses a second "x@y".
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("email", "x@y")}); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("email", "x@y")}); !client.IsDuplicateKey(err) {
		t.Errorf("second insert of a unique key: %v, want a duplicate key error", err)
	}

	// Creating an existing index again is no error.
	if _, err := iv.CreateOne(ctx, client.IndexModel{Keys: bson.D{bson.KV("a", 1), bson.KV("b", -1)}}); err != nil {
		t.Errorf("creating an existing index again: %v", err)
	}

	if err := iv.DropOne(ctx, "by_seen"); err != nil {
		t.Fatal(err)
	}
	if got, want := indexNames(t, iv), []string{"_id_", "a_1_b_-1", "email_1", "nick_1"}; !slices.Equal(got, want) {
		t.Errorf("after DropOne: %v, want %v", got, want)
	}
	var ce *client.CommandError
	if err := iv.DropOne(ctx, "by_seen"); !errors.As(err, &ce) {
		t.Errorf("dropping a missing index: %v, want a server error", err)
	}
	if err := iv.DropAll(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := indexNames(t, iv), []string{"_id_"}; !slices.Equal(got, want) {
		t.Errorf("after DropAll: %v, want %v", got, want)
	}
}

// List is a cursor like any other: here read in batches of one.
func TestIndexesListCursor(t *testing.T) {
	coll := serverCollection(t)
	ctx := testContext(t)
	if _, err := coll.Indexes().CreateMany(ctx, []client.IndexModel{
		{Keys: bson.D{bson.KV("x", 1)}}, {Keys: bson.D{bson.KV("y", -1)}}}); err != nil {
		t.Fatal(err)
	}
	cur, err := coll.Indexes().List(ctx, client.ListIndexesOptions{BatchSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer cur.Close(ctx)
	var names []string
	for cur.Next(ctx) {
		n, _ := cur.Current.Lookup("name").StringValue()
		names = append(names, n)
	}
	if err := cur.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	if want := []string{"_id_", "x_1", "y_-1"}; !slices.Equal(names, want) {
		t.Errorf("listed %v, want %v", names, want)
	}
}

// Every option reaches the index document as the server expects it; the
// mock server records the command (FerretDB ignores some options).
func TestIndexesCommand(t *testing.T) {
	srv, coll := mockCollection(t, mockserver.Options{})
	ctx := testContext(t)
	ttl := int32(0)
	_, err := coll.Indexes().CreateOne(ctx, client.IndexModel{
		Keys: bson.D{bson.KV("body", "text"), bson.KV("at", -1)},
		Options: client.IndexOptions{Unique: true, Sparse: true, Hidden: true, ExpireAfterSeconds: &ttl,
			PartialFilterExpression: bson.D{bson.KV("at", bson.D{bson.KV("$exists", true)})},
			Collation:               &client.Collation{Locale: "en"},
			Weights:                 bson.D{bson.KV("body", 3)}, DefaultLanguage: "english", LanguageOverride: "lang",
			Extra: bson.D{bson.KV("textIndexVersion", 3)}},
	}, client.CreateIndexesOptions{CommitQuorum: "majority", Comment: "c"})
	if err != nil {
		t.Fatal(err)
	}
	reqs := srv.CommandsNamed("createIndexes")
	if len(reqs) != 1 {
		t.Fatalf("%d createIndexes commands, want 1", len(reqs))
	}
	cmd := reqs[0]
	if s, _ := cmd.Lookup("createIndexes").StringValue(); s != "things" {
		t.Errorf("createIndexes: %v", cmd.Lookup("createIndexes"))
	}
	if s, _ := cmd.Lookup("commitQuorum").StringValue(); s != "majority" {
		t.Errorf("commitQuorum: %v", cmd.Lookup("commitQuorum"))
	}
	want := `{"0": {"key": {"body": "text", "at": -1}, "name": "body_text_at_-1", "unique": true, "sparse": true,
		"hidden": true, "expireAfterSeconds": 0, "partialFilterExpression": {"at": {"$exists": true}},
		"weights": {"body": 3}, "collation": {"locale": "en"}, "default_language": "english",
		"language_override": "lang", "textIndexVersion": 3}}`
	arr, _ := cmd.Lookup("indexes").Array()
	if got := normJSON(bson.Raw(arr).String()); got != strings.Join(strings.Fields(want), "") {
		t.Errorf("indexes = %s\nwant %s", got, want)
	}

	srv.Handle("dropIndexes", func(*mockserver.Request) mockserver.Reply { return mockserver.OK() })
	if err := coll.Indexes().DropOne(ctx, "body_text_at_-1"); err != nil {
		t.Fatal(err)
	}
	if err := coll.Indexes().DropAll(ctx); err != nil {
		t.Fatal(err)
	}
	var dropped []string
	for _, r := range srv.CommandsNamed("dropIndexes") {
		s, _ := r.Lookup("index").StringValue()
		dropped = append(dropped, s)
	}
	if want := []string{"body_text_at_-1", "*"}; !slices.Equal(dropped, want) {
		t.Errorf("dropIndexes sent index %q, want %q", dropped, want)
	}
}

// Key patterns with no order, or no keys, and "*" for DropOne are refused
// before any I/O.
func TestIndexesInvalid(t *testing.T) {
	srv, coll := mockCollection(t, mockserver.Options{})
	ctx := testContext(t)
	iv := coll.Indexes()
	for _, tc := range []struct {
		name   string
		models []client.IndexModel
		want   string
	}{
		{"none", nil, "no index models"},
		{"nil keys", []client.IndexModel{{}}, "index model 0: index keys must not be nil"},
		{"empty keys", []client.IndexModel{{Keys: bson.D{bson.KV("a", 1)}}, {Keys: bson.D{}}}, "index model 1: index keys are empty"},
		{"map with two keys", []client.IndexModel{{Keys: bson.M{"a": 1, "b": 1}}}, "has no order"},
		{"bad key value", []client.IndexModel{{Keys: bson.D{bson.KV("a", true)}}}, `index key "a" has a boolean value`},
	} {
		if _, err := iv.CreateMany(ctx, tc.models); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error = %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	for _, name := range []string{"", "*"} {
		if err := iv.DropOne(ctx, name); err == nil {
			t.Errorf("DropOne(%q) = nil, want an error", name)
		}
	}
	if n := len(srv.CommandsNamed("createIndexes")) + len(srv.CommandsNamed("dropIndexes")); n != 0 {
		t.Errorf("%d commands sent for invalid input", n)
	}
}

// listIndexes on a collection that does not exist fails on MongoDB with
// NamespaceNotFound (26); List turns that into an empty cursor, and other
// errors pass through.
func TestIndexesListMissingCollection(t *testing.T) {
	srv, coll := mockCollection(t, mockserver.Options{})
	ctx := testContext(t)
	srv.Queue("listIndexes",
		mockserver.Error(26, "NamespaceNotFound", "ns does not exist: test.things"),
		mockserver.Error(13, "Unauthorized", "not authorized"))
	specs, err := coll.Indexes().ListSpecifications(ctx)
	if err != nil || len(specs) != 0 {
		t.Errorf("ListSpecifications = %v, %v; want none and no error", specs, err)
	}
	var ce *client.CommandError
	if _, err := coll.Indexes().List(ctx); !errors.As(err, &ce) || ce.Code != 13 {
		t.Errorf("List = %v, want the Unauthorized error", err)
	}
}
