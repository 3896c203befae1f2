package unified

import (
	"fmt"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

// typedCreateOptions moves createCollection's arguments that
// client.CreateCollectionOptions has typed fields for (timeseries,
// clusteredIndex, expireAfterSeconds, changeStreamPreAndPostImages,
// encryptedFields) into them, so that the suites exercise the typed API;
// a shape it has no field for (a clustered index on another key) is left
// for Extra.
func typedCreateOptions(a *args, o *client.CreateCollectionOptions) error {
	if ts := a.src.Lookup("timeseries"); !ts.IsZero() {
		doc, _ := ts.Document()
		t := newArgs(doc)
		o.TimeSeries = &client.TimeSeriesOptions{TimeField: t.str("timeField"), MetaField: t.str("metaField"),
			Granularity:    t.str("granularity"),
			BucketMaxSpan:  time.Duration(t.int64("bucketMaxSpanSeconds")) * time.Second,
			BucketRounding: time.Duration(t.int64("bucketRoundingSeconds")) * time.Second}
		if err := t.done(); err != nil {
			return fmt.Errorf("timeseries: %w", err)
		}
		a.skip("timeseries")
	}
	if ci, ok := a.src.Lookup("clusteredIndex").Document(); ok && clusteredOnID(ci) {
		name, _ := ci.Lookup("name").StringValue()
		o.ClusteredIndex = &client.ClusteredIndexOptions{Name: name}
		a.skip("clusteredIndex")
	}
	if a.src.Lookup("expireAfterSeconds").Type != 0 {
		n := a.int64("expireAfterSeconds")
		o.ExpireAfterSeconds = &n
	}
	if d, ok := a.src.Lookup("changeStreamPreAndPostImages").Document(); ok {
		if on, ok := d.Lookup("enabled").Boolean(); ok && countKeys(d) == 1 {
			o.ChangeStreamPreAndPostImages = &on
			a.skip("changeStreamPreAndPostImages")
		}
	}
	if ef := a.doc("encryptedFields"); ef != nil {
		o.EncryptedFields = ef
	}
	return nil
}

// clusteredOnID reports whether a clusteredIndex document is one the
// typed option sends: {key: {_id: 1}, unique: true, name?}.
func clusteredOnID(ci bson.Raw) bool {
	n := 0
	for k, v := range ci.All() {
		n++
		switch k {
		case "key":
			key, _ := v.Document()
			one, ok := key.Lookup("_id").AsInt64()
			if !ok || one != 1 || countKeys(key) != 1 {
				return false
			}
		case "unique":
			if b, ok := v.Boolean(); !ok || !b {
				return false
			}
		case "name":
			if _, ok := v.StringValue(); !ok {
				return false
			}
		default:
			return false
		}
	}
	return n > 0
}

// countKeys is the number of elements of doc.
func countKeys(doc bson.Raw) int {
	n := 0
	for range doc.All() {
		n++
	}
	return n
}
