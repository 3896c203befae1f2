package store

import "github.com/torque-go/torque/bson"

// ShardKey is the shard key of a collection that shardCollection sharded
// (nil for others), and whether it is unique. mongotest's cluster has one
// shard: the key moves no data; it is what the catalog and change streams
// show.
type ShardKey struct {
	Key    bson.D
	Unique bool
}

// Shard records db.name's shard key. The entry's command is
// {shardCollection: "db.name", key, unique}.
func (tx *Tx) Shard(db, name string, key ShardKey) error {
	c := tx.touch(db, name)
	if c == nil {
		return errorf(26, "NamespaceNotFound", "ns does not exist: %s.%s", db, name)
	}
	old := c.Shard
	c.Shard = &key
	tx.undo = append(tx.undo, func() { c.Shard = old })
	cmd := bson.D{bson.KV("shardCollection", c.NS()), bson.KV("key", key.Key), bson.KV("unique", key.Unique)}
	tx.entries = append(tx.entries, Entry{Op: "c", DB: db, Coll: name, UUID: c.UUID, Cmd: cmd})
	return nil
}
