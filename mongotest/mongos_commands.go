package mongotest

import (
	"strings"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/wirehost"
	"github.com/torque-go/torque/mongotest/internal/store"
)

// The commands only a mongos has. mongotest's cluster has one shard, so:
//
//   - checkMetadataConsistency answers an empty cursor: what a consistent
//     cluster answers;
//   - shardCollection {shardCollection: "db.coll", key, unique} creates
//     the collection if needed (and, when it is empty, an index on the key,
//     as mongos does), records the shard key, and is what change streams
//     with showExpandedEvents report as a shardCollection event. No chunks
//     are made and no data moves; hashed keys, zones and presplitting are
//     refused by name. Sharding a sharded collection again with the same
//     key is a no-op, with another key AlreadyInitialized (23).

// routerCommand answers the commands above; ok is false for any other.
func (m *member) routerCommand(req *wirehost.Request) (wirehost.Reply, bool) {
	switch req.Name {
	case "checkMetadataConsistency":
		ns := req.DB + ".$cmd.checkMetadataConsistency"
		return replyOf(cursorReply("firstBatch", bson.A{}, 0, ns), nil), true
	case "shardCollection":
		return replyOf(m.core.shardCollection(req)), true
	}
	return wirehost.Reply{}, false
}

// shardCollection records a collection's shard key (see above).
func (s *Server) shardCollection(req *wirehost.Request) (bson.D, error) {
	c, err := parseCommand(req)
	if err != nil {
		return nil, err
	}
	if c.db != "admin" {
		return nil, cmdErrorf(13, "Unauthorized", "shardCollection may only be run against the admin database.")
	}
	ns, ok := c.body[0].Value.(string)
	db, coll, _ := strings.Cut(ns, ".")
	if !ok || db == "" || coll == "" {
		return nil, cmdErrorf(73, "InvalidNamespace", "Invalid namespace specified '%v'", c.body[0].Value)
	}
	key, err := shardKeyArgs(c)
	if err != nil {
		return nil, err
	}
	_, err = s.store.Write(func(tx *store.Tx) error { return shardIn(tx, db, coll, key) })
	if err != nil {
		return nil, err
	}
	return bson.D{bson.KV("collectionsharded", ns)}, nil
}

// shardKeyArgs reads key and unique, refusing what one shard cannot mean.
func shardKeyArgs(c *command) (store.ShardKey, error) {
	var k store.ShardKey
	for _, e := range c.body[1:] {
		switch {
		case genericFields[e.Key], e.Key == "key", e.Key == "unique", e.Key == "collation":
		case e.Key == "numInitialChunks" || e.Key == "presplitHashedZones" || e.Key == "timeseries":
			return k, unsupported("shardCollection's " + e.Key + " (one shard, no chunks)")
		default:
			return k, cmdErrorf(40415, "Location40415", "BSON field 'shardCollection.%s' is an unknown field.", e.Key)
		}
	}
	key, err := c.optDoc("key")
	if err != nil {
		return k, err
	}
	if len(key) == 0 {
		return k, cmdErrorf(40414, "Location40414", "BSON field 'shardCollection.key' is missing but a required field")
	}
	for _, f := range key {
		if n, ok := asInt(f.Value); !ok || n != 1 {
			return k, unsupported("shard key " + f.Key + ": " + typeName(f.Value) + " (only ranged keys {field: 1})")
		}
	}
	k.Key = key
	k.Unique, err = c.optBool("unique", false)
	return k, err
}

// shardIn shards db.coll in tx: creates it, indexes the key, records it.
func shardIn(tx *store.Tx, db, coll string, key store.ShardKey) error {
	cl := tx.Reader().Coll(db, coll)
	if cl == nil {
		if err := tx.CreateCollection(db, coll, nil); err != nil {
			return err
		}
		cl = tx.Reader().Coll(db, coll)
	}
	if cl.IsView() {
		return cmdErrorf(166, "CommandNotSupportedOnView", "Namespace %s.%s is a view, not a collection", db, coll)
	}
	if cl.Shard != nil {
		if store.Key(cl.Shard.Key) == store.Key(key.Key) && cl.Shard.Unique == key.Unique {
			return nil
		}
		return cmdErrorf(23, "AlreadyInitialized", "sharding already enabled for collection %s.%s with options { shardKey: %v }", db, coll, cl.Shard.Key)
	}
	if !hasKeyIndex(cl, key.Key) {
		if cl.Len() > 0 {
			return cmdErrorf(72, "InvalidOptions", "Please create an index that starts with the proposed shard key before sharding the collection")
		}
		name := defaultIndexName(key.Key)
		spec := store.IndexSpec{Name: name, Key: key.Key, Unique: key.Unique,
			Spec: bson.D{bson.KV("v", int32(2)), bson.KV("key", key.Key), bson.KV("name", name)}}
		if key.Unique {
			spec.Spec = append(spec.Spec, bson.KV("unique", true))
		}
		if _, err := tx.CreateIndex(db, coll, spec); err != nil {
			return err
		}
	}
	return tx.Shard(db, coll, key)
}

// hasKeyIndex reports whether an index of cl starts with key's fields.
func hasKeyIndex(cl *store.Collection, key bson.D) bool {
	for _, ix := range cl.Indexes() {
		if len(ix.Key) < len(key) || ix.Partial != nil || ix.Sparse {
			continue
		}
		ok := true
		for i, f := range key {
			ok = ok && ix.Key[i].Key == f.Key
		}
		if ok {
			return true
		}
	}
	return false
}
