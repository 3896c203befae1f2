package mongotest

import (
	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/mongotest/internal/engine"
	"github.com/torque-go/torque/mongotest/internal/store"
)

// A clustered collection (create {clusteredIndex: {key: {_id: 1}, unique:
// true, name}}) keeps its documents ordered by _id in mongod. Here its
// documents are stored as any collection's (the _id index answers by _id;
// a find without sort still returns natural order); what differs is what
// the catalog shows: listCollections' options.clusteredIndex with v: 2,
// and listIndexes' one clustered index in place of _id_. The clustered
// index cannot be dropped; expireAfterSeconds is kept without a reaper.

// clusteredIndexOption checks create's clusteredIndex and returns it as
// listCollections shows it: {v: 2, key: {_id: 1}, name, unique: true}.
func clusteredIndexOption(v any) (bson.D, error) {
	spec, ok := v.(bson.D)
	if !ok {
		return nil, typeMismatch("create.clusteredIndex", "object", v)
	}
	name := "_id_"
	var key bson.D
	unique := false
	for _, e := range spec {
		switch e.Key {
		case "key":
			if key, ok = e.Value.(bson.D); !ok {
				return nil, typeMismatch("create.clusteredIndex.key", "object", e.Value)
			}
		case "unique":
			if unique, ok = e.Value.(bool); !ok {
				return nil, typeMismatch("create.clusteredIndex.unique", "bool", e.Value)
			}
		case "name":
			if name, ok = e.Value.(string); !ok {
				return nil, typeMismatch("create.clusteredIndex.name", "string", e.Value)
			}
		case "v":
			if n, _ := asInt(e.Value); n != 2 {
				return nil, badValue("Invalid clusteredIndex 'v' field: %v, only version 2 is supported", e.Value)
			}
		default:
			return nil, cmdErrorf(40415, "Location40415", "BSON field 'create.clusteredIndex.%s' is an unknown field.", e.Key)
		}
	}
	if key == nil {
		return nil, cmdErrorf(40414, "Location40414", "BSON field 'create.clusteredIndex.key' is missing but a required field")
	}
	if !unique {
		return nil, badValue("The clusteredIndex option must be unique")
	}
	if len(key) != 1 || key[0].Key != "_id" || !engine.Equal(key[0].Value, int32(1)) {
		return nil, cmdErrorf(2, "BadValue", "The clusteredIndex option is only supported for key: {_id: 1}")
	}
	return bson.D{bson.KV("v", int32(2)), bson.KV("key", bson.D{bson.KV("_id", int32(1))}),
		bson.KV("name", name), bson.KV("unique", true)}, nil
}

// clusteredIndexSpec is the listIndexes entry of cl's clustered index,
// nil when cl is not clustered.
func clusteredIndexSpec(cl *store.Collection) bson.D {
	ci, ok := cl.Option("clusteredIndex").(bson.D)
	if !ok {
		return nil
	}
	return append(append(bson.D{}, ci...), bson.KV("clustered", true))
}

// checkCreateTTL refuses expireAfterSeconds on a collection that is
// neither clustered nor time series, as mongod does.
func checkCreateTTL(c *command) error {
	v := c.get("expireAfterSeconds")
	if v == nil {
		return nil
	}
	if c.get("clusteredIndex") == nil && c.get("timeseries") == nil {
		return cmdErrorf(72, "InvalidOptions", "'expireAfterSeconds' is only supported on time-series collections or when the 'clusteredIndex' option is specified")
	}
	if n, ok := asInt(v); !ok || n < 0 {
		return cmdErrorf(72, "InvalidOptions", "TTL index 'expireAfterSeconds' option must be a non-negative number, got %v", v)
	}
	return nil
}
