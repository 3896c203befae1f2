package store

import (
	"crypto/rand"
	"maps"
	"slices"
	"sort"

	"github.com/torque-go/torque/bson"
)

// Collection is one collection (or view) of the catalog: its documents in
// natural (insertion) order, the _id index, the secondary indexes and the
// options it was created with.
//
// Documents are bson.D values that nobody modifies once stored: an update
// stores a new document in the old one's place. Readers may keep them.
//
// A Collection is mutable only while it is not frozen. Store.Snapshot
// freezes every collection it captures; the next write to a frozen one
// works on a clone that replaces it in the catalog (copy-on-write), so a
// snapshot's collections never change.
type Collection struct {
	DB, Name string
	UUID     bson.Binary // info.uuid of listCollections
	// Options are the create options as given (capped, size, max,
	// validator, validationLevel, validationAction, viewOn, pipeline,
	// collation, changeStreamPreAndPostImages, ...), without "create".
	Options bson.D
	// Shard is the shard key shardCollection gave it (shard.go), or nil.
	Shard *ShardKey

	docs    []bson.D       // natural order; nil at a deleted position
	ids     map[string]int // Key(_id) -> position in docs
	holes   int            // nil entries in docs
	indexes []*index       // secondary indexes; the _id index is ids
	capped  *capped        // the bounds of a capped collection (capped.go)
	frozen  bool
}

func newCollection(db, name string, opts bson.D) *Collection {
	uuid := make([]byte, 16)
	_, _ = rand.Read(uuid)
	uuid[6] = uuid[6]&0x0f | 0x40
	uuid[8] = uuid[8]&0x3f | 0x80
	return &Collection{DB: db, Name: name, Options: opts, ids: map[string]int{}, capped: cappedOf(opts),
		UUID: bson.Binary{Subtype: bson.BinaryUUID, Data: uuid}}
}

// NS is "db.name".
func (c *Collection) NS() string { return c.DB + "." + c.Name }

// IsView reports whether the collection is a view (options viewOn).
func (c *Collection) IsView() bool {
	for _, e := range c.Options {
		if e.Key == "viewOn" {
			return true
		}
	}
	return false
}

// Option returns the create option key, or nil.
func (c *Collection) Option(key string) any {
	for _, e := range c.Options {
		if e.Key == key {
			return e.Value
		}
	}
	return nil
}

// Len is the number of documents.
func (c *Collection) Len() int { return len(c.docs) - c.holes }

// FindID returns the document whose _id equals id: O(1).
func (c *Collection) FindID(id any) (bson.D, bool) {
	pos, ok := c.ids[Key(id)]
	if !ok {
		return nil, false
	}
	return c.docs[pos], true
}

// All calls fn for every document in natural order until fn returns false.
func (c *Collection) All(fn func(doc bson.D) bool) {
	for _, d := range c.docs {
		if d != nil && !fn(d) {
			return
		}
	}
}

// Docs returns every document in natural order.
func (c *Collection) Docs() []bson.D {
	out := make([]bson.D, 0, c.Len())
	c.All(func(d bson.D) bool { out = append(out, d); return true })
	return out
}

// Indexes returns the specs of the collection's indexes, the _id index
// first (views have none).
func (c *Collection) Indexes() []IndexSpec {
	if c.IsView() {
		return nil
	}
	out := []IndexSpec{IDIndex()}
	for _, ix := range c.indexes {
		out = append(out, ix.IndexSpec)
	}
	return out
}

// IDIndex is the spec of the _id index.
func IDIndex() IndexSpec {
	key := bson.D{bson.KV("_id", int32(1))}
	return IndexSpec{Name: "_id_", Key: key, Unique: true,
		Spec: bson.D{bson.KV("v", int32(2)), bson.KV("key", key), bson.KV("name", "_id_")}}
}

// Equal returns the documents whose field path equals v, in natural
// order, through an index whose first key is path (field == "_id": the
// _id index). ok is false when no index serves the query: the caller
// scans. The caller still applies its whole filter to what it gets: an
// index on a multikey path returns candidates, not answers.
func (c *Collection) Equal(path string, v any) (docs []bson.D, ok bool) {
	if path == "_id" {
		if d, found := c.FindID(v); found {
			return []bson.D{d}, true
		}
		return nil, true
	}
	for _, ix := range c.indexes {
		if len(ix.Key) != 1 || ix.Key[0].Key != path || ix.Sparse || ix.Partial != nil || !isAscDesc(ix.Key[0].Value) {
			continue
		}
		set := ix.keys[Key(v)]
		pos := make([]int, 0, len(set))
		for p := range set {
			pos = append(pos, p)
		}
		sort.Ints(pos)
		for _, p := range pos {
			docs = append(docs, c.docs[p])
		}
		return docs, true
	}
	return nil, false
}

func isAscDesc(v any) bool {
	switch x := v.(type) {
	case int32:
		return x == 1 || x == -1
	case int64:
		return x == 1 || x == -1
	case float64:
		return x == 1 || x == -1
	}
	return false
}

// clone copies the collection for a write after a snapshot froze it. The
// documents are shared (they are never modified).
func (c *Collection) clone() *Collection {
	n := *c
	n.frozen = false
	n.docs = slices.Clone(c.docs)
	n.ids = maps.Clone(c.ids)
	n.indexes = make([]*index, len(c.indexes))
	for i, ix := range c.indexes {
		n.indexes[i] = ix.clone()
	}
	n.Options = slices.Clone(c.Options)
	if c.capped != nil {
		cp := *c.capped
		n.capped = &cp
	}
	return &n
}

// put stores doc at pos (len(docs) appends) and indexes it.
func (c *Collection) put(pos int, doc bson.D) {
	if pos == len(c.docs) {
		c.docs = append(c.docs, doc)
	} else {
		if c.docs[pos] == nil {
			c.holes--
		}
		c.docs[pos] = doc
	}
	c.ids[Key(idOf(doc))] = pos
	for _, ix := range c.indexes {
		ix.add(doc, pos)
	}
	c.account(doc, 1)
}

// take removes the document at pos from the collection and its indexes.
func (c *Collection) take(pos int) bson.D {
	doc := c.docs[pos]
	delete(c.ids, Key(idOf(doc)))
	for _, ix := range c.indexes {
		ix.remove(doc, pos)
	}
	c.docs[pos] = nil
	c.holes++
	c.account(doc, -1)
	return doc
}

// uniqueConflict returns the duplicate-key error doc would cause at pos
// (self: its own old position, or -1 for a new document), or nil.
func (c *Collection) uniqueConflict(doc bson.D, self int) error {
	if p, ok := c.ids[Key(idOf(doc))]; ok && p != self {
		return IDIndexDup(c.NS(), idOf(doc))
	}
	for _, ix := range c.indexes {
		if ix.conflict(doc, self) >= 0 {
			return ix.dupError(c.NS(), doc)
		}
	}
	return nil
}

// IDIndexDup is the E11000 of the _id index.
func IDIndexDup(ns string, id any) *DuplicateKeyError {
	return &DuplicateKeyError{NS: ns, Index: "_id_", KeyPattern: bson.D{bson.KV("_id", int32(1))},
		KeyValue: bson.D{bson.KV("_id", id)}}
}

// compact drops the holes left by deletes once they are half the slice,
// renumbering positions (and rebuilding the indexes).
func (c *Collection) compact() {
	if c.holes < 64 || c.holes*2 < len(c.docs) {
		return
	}
	docs := make([]bson.D, 0, c.Len())
	for _, d := range c.docs {
		if d != nil {
			docs = append(docs, d)
		}
	}
	c.docs, c.holes, c.ids = docs[:0], 0, make(map[string]int, len(docs))
	if c.capped != nil {
		c.capped.bytes = 0
	}
	for _, ix := range c.indexes {
		ix.keys = map[string]map[int]struct{}{}
	}
	for i, d := range docs {
		c.put(i, d)
	}
}

// idOf is doc's _id (nil when it has none).
func idOf(doc bson.D) any {
	for _, e := range doc {
		if e.Key == "_id" {
			return e.Value
		}
	}
	return nil
}
