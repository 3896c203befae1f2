package mongotest

import (
	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/mongotest/internal/store"
)

// A time-series collection (create {timeseries: {timeField, metaField,
// granularity | bucketMaxSpanSeconds + bucketRoundingSeconds}}) is, as in
// mongod, a view over a bucket collection, system.buckets.<name>. Here a
// bucket holds one measurement: {_id: ObjectId, m: measurement}, and the
// view's pipeline unwraps it, so that every read (find, aggregate, count,
// distinct) sees the measurements in insertion order. Measurements need
// the timeField as a date; their _id (added when missing) need not be
// unique. Inserts are all it takes: updates, deletes, findAndModify and
// secondary indexes on a time-series collection are refused by name, and
// expireAfterSeconds is kept without a reaper.

// bucketsPrefix names the bucket collection of a time-series collection.
const bucketsPrefix = "system.buckets."

// granularitySpans are bucketMaxSpanSeconds of each granularity.
var granularitySpans = map[string]int32{"seconds": 3600, "minutes": 86400, "hours": 2592000}

// timeseriesOptions checks create's timeseries document and returns it as
// listCollections shows it (bucketMaxSpanSeconds filled in).
func timeseriesOptions(v any) (bson.D, error) {
	ts, ok := v.(bson.D)
	if !ok {
		return nil, typeMismatch("create.timeseries", "object", v)
	}
	var timeField, metaField, granularity string
	var span, rounding int64
	var hasSpan, hasRounding bool
	for _, e := range ts {
		var ok bool
		switch e.Key {
		case "timeField":
			timeField, ok = e.Value.(string)
		case "metaField":
			metaField, ok = e.Value.(string)
		case "granularity":
			granularity, ok = e.Value.(string)
		case "bucketMaxSpanSeconds":
			span, ok = asInt(e.Value)
			hasSpan = true
		case "bucketRoundingSeconds":
			rounding, ok = asInt(e.Value)
			hasRounding = true
		default:
			return nil, cmdErrorf(40415, "Location40415", "BSON field 'create.timeseries.%s' is an unknown field.", e.Key)
		}
		if !ok {
			return nil, typeMismatch("create.timeseries."+e.Key, typeName(e.Value), e.Value)
		}
	}
	if timeField == "" {
		return nil, cmdErrorf(40414, "Location40414", "BSON field 'create.timeseries.timeField' is missing but a required field")
	}
	if metaField == timeField {
		return nil, badValue("The 'metaField' cannot be the same as the 'timeField' ('%s')", timeField)
	}
	out := bson.D{bson.KV("timeField", timeField)}
	if metaField != "" {
		out = append(out, bson.KV("metaField", metaField))
	}
	return bucketing(out, granularity, span, rounding, hasSpan, hasRounding)
}

// bucketing adds the granularity or the custom bucketing to out, with
// mongod's checks.
func bucketing(out bson.D, granularity string, span, rounding int64, hasSpan, hasRounding bool) (bson.D, error) {
	if granularity != "" {
		def, ok := granularitySpans[granularity]
		if !ok {
			return nil, badValue("Enumeration value '%s' for field 'create.timeseries.granularity' is not a valid value.", granularity)
		}
		if hasRounding || hasSpan && span != int64(def) {
			return nil, cmdErrorf(72, "InvalidOptions", "Timeseries 'bucketMaxSpanSeconds' is not configurable to a value other than the default of %d for the provided granularity", def)
		}
		return append(out, bson.KV("granularity", granularity), bson.KV("bucketMaxSpanSeconds", def)), nil
	}
	if hasSpan != hasRounding {
		return nil, cmdErrorf(72, "InvalidOptions", "Timeseries 'bucketMaxSpanSeconds' and 'bucketRoundingSeconds' fields must be set together")
	}
	if !hasSpan {
		return append(out, bson.KV("granularity", "seconds"), bson.KV("bucketMaxSpanSeconds", int32(3600))), nil
	}
	if span != rounding {
		return nil, cmdErrorf(72, "InvalidOptions", "Timeseries 'bucketMaxSpanSeconds' and 'bucketRoundingSeconds' fields must be equal")
	}
	if span < 1 || span > 31536000 {
		return nil, cmdErrorf(72, "InvalidOptions", "Timeseries 'bucketMaxSpanSeconds' needs to be between 1 and 31536000")
	}
	return append(out, bson.KV("bucketRoundingSeconds", int32(rounding)), bson.KV("bucketMaxSpanSeconds", int32(span))), nil
}

// createTimeseries creates db.coll as a time-series collection: its
// bucket collection and the view over it. opts are create's other options.
func (s *Server) createTimeseries(c *command, coll string, opts bson.D) (bson.D, error) {
	ts, err := timeseriesOptions(c.get("timeseries"))
	if err != nil {
		return nil, err
	}
	for _, bad := range []string{"capped", "viewOn", "clusteredIndex", "validator"} {
		if c.get(bad) != nil {
			return nil, cmdErrorf(72, "InvalidOptions", "Time-series collection option '%s' is not supported", bad)
		}
	}
	view := bson.D{bson.KV("viewOn", bucketsPrefix+coll),
		bson.KV("pipeline", bson.A{bson.D{bson.KV("$replaceRoot", bson.D{bson.KV("newRoot", "$m")})}}),
		bson.KV("timeseries", ts)}
	for _, e := range opts {
		if e.Key != "timeseries" {
			view = append(view, e)
		}
	}
	_, err = s.store.Write(func(tx *store.Tx) error {
		if tx.Reader().Coll(c.db, coll) != nil {
			return cmdErrorf(48, "NamespaceExists", "Collection %s.%s already exists.", c.db, coll)
		}
		if err := tx.CreateCollection(c.db, bucketsPrefix+coll, bson.D{bson.KV("timeseries", ts)}); err != nil {
			return err
		}
		return tx.CreateCollection(c.db, coll, view)
	})
	return bson.D{}, err
}

// timeseriesOf returns the timeseries options of db.coll, nil when it is
// not a time-series collection.
func (s *Server) timeseriesOf(db, coll string) (ts bson.D) {
	s.store.View(func(r store.Reader) {
		if cl := r.Coll(db, coll); cl != nil && cl.IsView() {
			ts, _ = cl.Option("timeseries").(bson.D)
		}
	})
	return ts
}

// insertTimeseries stores measurements, each in a bucket of its own.
func (s *Server) insertTimeseries(c *command, coll string, ts bson.D, docs []bson.D, ordered bool) (bson.D, error) {
	timeField, _ := lookup(ts, "timeField").(string)
	return s.insertEach(docs, ordered, func(tx *store.Tx, d bson.D) error {
		d = withIDFirst(d)
		err := checkStorable(d)
		if _, ok := lookup(d, timeField).(bson.DateTime); err == nil && !ok {
			err = badValue("'%s' must be present and contain a valid BSON UTC datetime value", timeField)
		}
		if err != nil {
			return err
		}
		bucket := bson.D{bson.KV("_id", bson.NewObjectID()), bson.KV("m", d)}
		return tx.Insert(c.db, bucketsPrefix+coll, bucket)
	})
}

// timeseriesInfo is the listCollections entry of a time-series collection.
func timeseriesInfo(cl *store.Collection, nameOnly bool) bson.D {
	if nameOnly {
		return bson.D{bson.KV("name", cl.Name), bson.KV("type", "timeseries")}
	}
	opts := bson.D{}
	for _, e := range cl.Options {
		if e.Key != "viewOn" && e.Key != "pipeline" {
			opts = append(opts, e)
		}
	}
	return bson.D{bson.KV("name", cl.Name), bson.KV("type", "timeseries"), bson.KV("options", opts),
		bson.KV("info", bson.D{bson.KV("readOnly", false)})}
}

// checkWritable refuses a write to db.coll when it is a view (mongod's
// 166) or a time-series collection (beyond mongotest's inserts).
func (s *Server) checkWritable(db, coll string) error {
	if s.timeseriesOf(db, coll) != nil {
		return unsupported("this write on the time-series collection " + db + "." + coll + " (inserts only)")
	}
	if s.isView(db, coll) {
		return cmdErrorf(166, "CommandNotSupportedOnView", "Namespace %s.%s is a view, not a collection", db, coll)
	}
	return nil
}

// timeseriesIndexes are the indexes mongod creates with a time-series
// collection that has a metaField: {meta: 1, time: 1}.
func timeseriesIndexes(cl *store.Collection) []bson.D {
	ts, _ := cl.Option("timeseries").(bson.D)
	meta, _ := lookup(ts, "metaField").(string)
	tf, _ := lookup(ts, "timeField").(string)
	if meta == "" {
		return nil
	}
	return []bson.D{{bson.KV("v", int32(2)), bson.KV("key", bson.D{bson.KV(meta, int32(1)), bson.KV(tf, int32(1))}),
		bson.KV("name", meta+"_1_"+tf+"_1")}}
}
