package client_test

// CreateCollection's typed options, CreateView, ListCollectionSpecifications
// and Drop with EncryptedFields. The command shapes are checked on the
// mock server (which accepts any create and drop); views and the
// collection listing run on mongotest, which has views and reports
// info.readOnly, info.uuid and idIndex as mongod does. Time-series and
// clustered collections are not in mongotest: only the commands sent are
// checked for them.

import (
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/mockserver"
)

func TestCreateCollectionTypedOptions(t *testing.T) {
	ctx := testContext(t)
	srv := primary(t, mockserver.Hello{})
	db := connect(t, srv.URI()).Database("test")
	zero, yes := int64(0), true
	cases := []struct {
		name string
		opts client.CreateCollectionOptions
		want string // the create command's fields after "create"
	}{
		{"ts", client.CreateCollectionOptions{TimeSeries: &client.TimeSeriesOptions{TimeField: "t", MetaField: "m", Granularity: "minutes"},
			ExpireAfterSeconds: &zero},
			`"timeseries":{"timeField":"t","metaField":"m","granularity":"minutes"},"expireAfterSeconds":0`},
		{"buckets", client.CreateCollectionOptions{TimeSeries: &client.TimeSeriesOptions{TimeField: "t",
			BucketMaxSpan: time.Hour, BucketRounding: time.Hour}},
			`"timeseries":{"timeField":"t","bucketMaxSpanSeconds":3600,"bucketRoundingSeconds":3600}`},
		{"clustered", client.CreateCollectionOptions{ClusteredIndex: &client.ClusteredIndexOptions{Name: "by_id"}},
			`"clusteredIndex":{"key":{"_id":1},"unique":true,"name":"by_id"}`},
		{"images", client.CreateCollectionOptions{ChangeStreamPreAndPostImages: &yes,
			EncryptedFields: bson.D{bson.KV("fields", bson.A{})}},
			`"changeStreamPreAndPostImages":{"enabled":true},"encryptedFields":{"fields":[]}`},
	}
	for _, tc := range cases {
		if err := db.CreateCollection(ctx, tc.name, tc.opts); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		req := lastNamed(t, srv, "create")
		want := `{"create":"` + tc.name + `",` + tc.want + `,"$db":"test"`
		if got := req.Command.String(); !strings.HasPrefix(got, want) {
			t.Errorf("%s: sent %s\nwant it to begin %s", tc.name, got, want)
		}
	}
	n := len(srv.CommandsNamed("create"))
	for _, bad := range []*client.TimeSeriesOptions{{}, {TimeField: "t", BucketMaxSpan: 1500 * time.Millisecond}} {
		if err := db.CreateCollection(ctx, "bad", client.CreateCollectionOptions{TimeSeries: bad}); err == nil {
			t.Errorf("TimeSeries %+v: no error", *bad)
		}
	}
	if len(srv.CommandsNamed("create")) != n {
		t.Error("a bad TimeSeries option was sent")
	}
}

func TestCreateViewAndListCollectionSpecifications(t *testing.T) {
	ctx := testContext(t)
	coll, _ := mongotestColl(t, 4)
	db := coll.Database()
	pipeline := bson.A{bson.D{bson.KV("$match", bson.D{bson.KV("_id", bson.D{bson.KV("$gt", 2)})})}}
	if err := db.CreateView(ctx, "big", "c", pipeline); err != nil {
		t.Fatal(err)
	}
	if n, err := db.Collection("big").CountDocuments(ctx, bson.D{}); err != nil || n != 2 {
		t.Errorf("the view holds %d documents (%v), want 2", n, err)
	}
	if err := db.CreateView(ctx, "all", "c", nil); err != nil {
		t.Fatalf("a view with no pipeline: %v", err)
	}
	if err := db.CreateView(ctx, "x", "", nil); err == nil {
		t.Error("CreateView with no viewOn: no error")
	}
	specs, err := db.ListCollectionSpecifications(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]client.CollectionSpec{}
	for _, s := range specs {
		byName[s.Name] = s
	}
	if c := byName["c"]; c.Type != "collection" || c.ReadOnly || c.UUID == nil || c.IDIndex == nil || c.IDIndex.Name != "_id_" {
		t.Errorf("c = %+v, want a writable collection with a UUID and its _id_ index", c)
	}
	v := byName["big"]
	if v.Type != "view" || !v.ReadOnly || v.IDIndex != nil {
		t.Errorf("big = %+v, want a read-only view without an _id index", v)
	}
	if on, _ := v.Options.Lookup("viewOn").StringValue(); on != "c" {
		t.Errorf("big's options = %v, want viewOn c", v.Options)
	}
}

// Drop with EncryptedFields also drops the Queryable Encryption metadata
// collections: those the map names, else enxcol_.<name>.esc/.ecoc.
func TestDropWithEncryptedFields(t *testing.T) {
	ctx := testContext(t)
	srv := primary(t, mockserver.Hello{})
	db := connect(t, srv.URI()).Database("test")
	ef := bson.D{bson.KV("escCollection", "myesc"), bson.KV("fields", bson.A{})}
	if err := db.Collection("secret").Drop(ctx, client.DropCollectionOptions{EncryptedFields: ef}); err != nil {
		t.Fatal(err)
	}
	if err := db.Collection("plain").Drop(ctx, client.DropCollectionOptions{EncryptedFields: bson.D{}}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range srv.CommandsNamed("drop") {
		name, _ := r.Command.Lookup("drop").StringValue()
		got = append(got, name)
	}
	want := "myesc enxcol_.secret.ecoc secret enxcol_.plain.esc enxcol_.plain.ecoc plain"
	if strings.Join(got, " ") != want {
		t.Errorf("dropped %v, want %s", got, want)
	}
}
