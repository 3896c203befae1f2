package client_test

// Collection.SearchIndexes. mongotest answers the search index commands
// as a MongoDB 8.0 mongod outside Atlas does (SearchNotEnabled): that
// covers what is sent and the error returned. The replies of an Atlas
// deployment (indexesCreated, a $listSearchIndexes cursor,
// NamespaceNotFound on drop) come from the mock server.

import (
	"errors"
	"strings"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/mockserver"
)

var vectorModel = client.SearchIndexModel{Name: "vec", Type: "vectorSearch",
	Definition: bson.D{bson.KV("fields", bson.A{bson.D{bson.KV("type", "vector"), bson.KV("path", "emb"),
		bson.KV("numDimensions", 3), bson.KV("similarity", "cosine")}})}}

func TestSearchIndexesOutsideAtlas(t *testing.T) {
	ctx := testContext(t)
	coll, ev := mongotestColl(t, 1)
	majority := client.WriteConcern{W: "majority"}
	coll = coll.WithOptions(client.CollectionOptions{WriteConcern: &majority,
		ReadConcern: &client.ReadConcern{Level: "majority"}})
	si := coll.SearchIndexes()
	_, errCreate := si.CreateOne(ctx, vectorModel)
	_, errList := si.List(ctx, client.ListSearchIndexesOptions{Name: "vec"})
	errUpdate := si.UpdateOne(ctx, "vec", bson.D{})
	errDrop := si.DropOne(ctx, "vec")
	for name, err := range map[string]error{"create": errCreate, "list": errList, "update": errUpdate, "drop": errDrop} {
		var ce *client.CommandError
		if !errors.As(err, &ce) || ce.Code != 31082 || !strings.Contains(ce.Message, "Atlas") {
			t.Errorf("%s: err = %v, want the server's SearchNotEnabled (31082) naming Atlas", name, err)
		}
	}
	want := map[string]string{
		"createSearchIndexes": `{"createSearchIndexes":"c","indexes":[{"definition":{"fields":[{"type":"vector","path":"emb","numDimensions":3,"similarity":"cosine"}]},"name":"vec","type":"vectorSearch"}],"$db":"test"`,
		"aggregate":           `{"aggregate":"c","pipeline":[{"$listSearchIndexes":{"name":"vec"}}],"cursor":{},"$db":"test"`,
		"updateSearchIndex":   `{"updateSearchIndex":"c","name":"vec","definition":{},"$db":"test"`,
		"dropSearchIndex":     `{"dropSearchIndex":"c","name":"vec","$db":"test"`,
	}
	for name, prefix := range want {
		sent := ev.sent(name)
		if len(sent) != 1 {
			t.Errorf("%s sent %d times, want once", name, len(sent))
			continue
		}
		if got := sent[0].String(); !strings.HasPrefix(got, prefix) {
			t.Errorf("%s sent as %s\nwant it to begin %s", name, got, prefix)
		}
		if !sent[0].Lookup("writeConcern").IsZero() || !sent[0].Lookup("readConcern").IsZero() {
			t.Errorf("%s carries a read or write concern: %s", name, sent[0])
		}
	}
}

func TestSearchIndexesOnAtlasReplies(t *testing.T) {
	ctx := testContext(t)
	srv := primary(t, mockserver.Hello{})
	si := connect(t, srv.URI()).Database("test").Collection("c").SearchIndexes()
	srv.Queue("createSearchIndexes", mockserver.OK(bson.KV("indexesCreated", bson.A{
		bson.D{bson.KV("id", "1"), bson.KV("name", "default")}, bson.D{bson.KV("id", "2"), bson.KV("name", "vec")}})))
	names, err := si.CreateMany(ctx, []client.SearchIndexModel{{Definition: bson.D{bson.KV("mappings", bson.D{bson.KV("dynamic", true)})}}, vectorModel})
	if err != nil || strings.Join(names, ",") != "default,vec" {
		t.Errorf("CreateMany = %v, %v; want [default vec]", names, err)
	}
	if _, err := si.CreateMany(ctx, []client.SearchIndexModel{{Name: "no definition"}}); err == nil {
		t.Error("a model without a definition: no error")
	}
	srv.Queue("aggregate", mockserver.CursorReply("test.c", 0, mockserver.Doc(bson.KV("name", "vec"), bson.KV("queryable", true))))
	cur, err := si.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []bson.Raw
	if err := cur.All(ctx, &got); err != nil || len(got) != 1 {
		t.Errorf("List = %v, %v; want the one index", got, err)
	}
	srv.Queue("dropSearchIndex", mockserver.Error(26, "NamespaceNotFound", "ns does not exist"))
	if err := si.DropOne(ctx, "vec"); err != nil {
		t.Errorf("DropOne on a missing collection: %v, want nil (the spec's rule)", err)
	}
	if err := si.DropOne(ctx, ""); err == nil {
		t.Error("DropOne with no name: no error")
	}
}
