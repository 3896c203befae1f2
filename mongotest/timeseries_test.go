package mongotest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

func TestTimeseriesCollection(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	db := c.Database("ts")
	mustRun(t, ctx, db, bson.D{kv("create", "weather"), kv("expireAfterSeconds", 60),
		kv("timeseries", bson.D{kv("timeField", "time"), kv("metaField", "sensor"), kv("granularity", "minutes")})})
	r := mustRun(t, ctx, db, bson.D{kv("listCollections", 1), kv("filter", bson.D{kv("name", "weather")})})
	infos, _ := field(r, "cursor", "firstBatch").(bson.A)
	if len(infos) != 1 {
		t.Fatalf("listCollections: %v", r)
	}
	info := infos[0].(bson.D)
	want := `{"timeseries":{"timeField":"time","metaField":"sensor","granularity":"minutes","bucketMaxSpanSeconds":86400},"expireAfterSeconds":60}`
	if field(info, "type") != "timeseries" || fmt.Sprint(field(info, "options")) != want {
		t.Errorf("listCollections entry %v, want type timeseries and options %s", info, want)
	}
	t1, t2 := bson.DateTime(1552949630482), bson.DateTime(1552949630483)
	mustRun(t, ctx, db, bson.D{kv("insert", "weather"), kv("documents", bson.A{
		bson.D{kv("_id", 1), kv("time", t2), kv("sensor", "a")},
		bson.D{kv("_id", 1), kv("time", t1), kv("sensor", "b")}, // the same _id: allowed
	})})
	r = mustRun(t, ctx, db, bson.D{kv("find", "weather"), kv("sort", bson.D{kv("time", 1)})})
	if got := fmt.Sprint(field(r, "cursor", "firstBatch")); got != `[{"_id":1,"time":{"$date":"2019-03-18T22:53:50.482Z"},"sensor":"b"},{"_id":1,"time":{"$date":"2019-03-18T22:53:50.483Z"},"sensor":"a"}]` {
		t.Errorf("find sorted by time: %s", got)
	}
	_, err := run(ctx, db, bson.D{kv("insert", "weather"), kv("documents", bson.A{bson.D{kv("time", "yesterday")}})})
	if err == nil || !strings.Contains(err.Error(), "(2): 'time' must be present and contain a valid BSON UTC datetime value") {
		t.Errorf("a measurement without a date timeField: %v, want a BadValue write error", err)
	}
	if _, err := run(ctx, db, bson.D{kv("delete", "weather"), kv("deletes", bson.A{bson.D{kv("q", bson.D{}), kv("limit", 0)}})}); code(err) != 59 {
		t.Errorf("delete on a time-series collection: %v, want it refused by name", err)
	}
	r = mustRun(t, ctx, db, bson.D{kv("listIndexes", "weather")})
	if got := fmt.Sprint(field(r, "cursor", "firstBatch")); got != `[{"v":2,"key":{"sensor":1,"time":1},"name":"sensor_1_time_1"}]` {
		t.Errorf("listIndexes: %s", got)
	}
	if _, err := run(ctx, c.Database("admin"), bson.D{kv("renameCollection", "ts.weather"), kv("to", "ts.w2")}); code(err) != 59 {
		t.Errorf("renaming a time-series collection: %v, want it refused by name", err)
	}
	mustRun(t, ctx, db, bson.D{kv("drop", "weather")})
	r = mustRun(t, ctx, db, bson.D{kv("listCollections", 1), kv("nameOnly", true)})
	if got := fmt.Sprint(field(r, "cursor", "firstBatch")); got != "[]" {
		t.Errorf("after drop, listCollections shows %s (the buckets must go too)", got)
	}
}

func TestTimeseriesOptionErrors(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	db := c.Database("ts")
	for _, tc := range []struct {
		ts   bson.D
		code int32
	}{
		{bson.D{kv("metaField", "m")}, 40414},
		{bson.D{kv("timeField", "t"), kv("metaField", "t")}, 2},
		{bson.D{kv("timeField", "t"), kv("granularity", "days")}, 2},
		{bson.D{kv("timeField", "t"), kv("bucketMaxSpanSeconds", 60)}, 72},
		{bson.D{kv("timeField", "t"), kv("bucketMaxSpanSeconds", 60), kv("bucketRoundingSeconds", 30)}, 72},
		{bson.D{kv("timeField", "t"), kv("granularity", "hours"), kv("bucketRoundingSeconds", 30)}, 72},
		{bson.D{kv("timeField", "t"), kv("other", 1)}, 40415},
	} {
		if _, err := run(ctx, db, bson.D{kv("create", "x"), kv("timeseries", tc.ts)}); code(err) != tc.code {
			t.Errorf("timeseries %v: %v, want code %d", tc.ts, err, tc.code)
		}
	}
	mustRun(t, ctx, db, bson.D{kv("create", "custom"), kv("timeseries", bson.D{kv("timeField", "t"),
		kv("bucketMaxSpanSeconds", 3600), kv("bucketRoundingSeconds", 3600)})})
	if _, err := run(ctx, db, bson.D{kv("create", "custom"), kv("timeseries", bson.D{kv("timeField", "t")})}); code(err) != 48 {
		t.Errorf("creating it twice: %v, want NamespaceExists", err)
	}
}

func TestClusteredCollection(t *testing.T) {
	srv := mongotest.New(t)
	c, ctx := connect(t, srv)
	db := c.Database("app")
	mustRun(t, ctx, db, bson.D{kv("create", "ci"), kv("expireAfterSeconds", 10),
		kv("clusteredIndex", bson.D{kv("key", bson.D{kv("_id", 1)}), kv("unique", true), kv("name", "by id")})})
	r := mustRun(t, ctx, db, bson.D{kv("listCollections", 1), kv("filter", bson.D{kv("name", "ci")})})
	info := field(r, "cursor", "firstBatch").(bson.A)[0].(bson.D)
	if got := fmt.Sprint(field(info, "options")); got != `{"expireAfterSeconds":10,"clusteredIndex":{"v":2,"key":{"_id":1},"name":"by id","unique":true}}` {
		t.Errorf("listCollections options: %s", got)
	}
	if field(info, "idIndex") != nil {
		t.Errorf("a clustered collection has no idIndex: %v", info)
	}
	r = mustRun(t, ctx, db, bson.D{kv("listIndexes", "ci")})
	if got := fmt.Sprint(field(r, "cursor", "firstBatch")); got != `[{"v":2,"key":{"_id":1},"name":"by id","unique":true,"clustered":true}]` {
		t.Errorf("listIndexes: %s", got)
	}
	insertIDs(t, ctx, db, "ci", 1)
	if _, err := run(ctx, db, bson.D{kv("insert", "ci"), kv("documents", bson.A{bson.D{kv("_id", 1)}})}); err == nil || !strings.Contains(err.Error(), "E11000") {
		t.Errorf("a duplicate _id in a clustered collection: %v, want E11000", err)
	}
	for _, tc := range []struct {
		cmd  bson.D
		code int32
	}{
		{bson.D{kv("create", "x"), kv("clusteredIndex", bson.D{kv("key", bson.D{kv("a", 1)}), kv("unique", true)})}, 2},
		{bson.D{kv("create", "x"), kv("clusteredIndex", bson.D{kv("key", bson.D{kv("_id", 1)}), kv("unique", false)})}, 2},
		{bson.D{kv("create", "x"), kv("expireAfterSeconds", 10)}, 72},
	} {
		if _, err := run(ctx, db, tc.cmd); code(err) != tc.code {
			t.Errorf("%v: %v, want code %d", tc.cmd, err, tc.code)
		}
	}
}

// TestTimeseriesChangeStream: a database's change stream does not show
// the bucket collection of a time-series collection.
func TestTimeseriesChangeStream(t *testing.T) {
	rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{Members: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := client.Connect(ctx, rs.URI())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	db := c.Database("ts")
	cs, err := db.Watch(ctx, nil, client.ChangeStreamOptions{ShowExpandedEvents: true})
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close(context.Background())
	mustRun(t, ctx, db, bson.D{kv("create", "w"), kv("timeseries", bson.D{kv("timeField", "t")})})
	mustRun(t, ctx, db, bson.D{kv("insert", "w"), kv("documents", bson.A{bson.D{kv("t", bson.DateTime(1))}})})
	mustRun(t, ctx, db, bson.D{kv("create", "n")})
	var seen []string
	for len(seen) < 2 && cs.Next(ctx) {
		var ev bson.D
		if err := cs.Decode(&ev); err != nil {
			t.Fatal(err)
		}
		seen = append(seen, fmt.Sprint(field(ev, "operationType"), " ", field(ev, "ns", "coll"), " ", field(ev, "nsType")))
	}
	if fmt.Sprint(seen) != "[create w timeseries create n collection]" {
		t.Errorf("events %v (%v), want the two creates only", seen, cs.Err())
	}
}
