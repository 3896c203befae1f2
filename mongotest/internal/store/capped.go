package store

import "github.com/torque-go/torque/bson"

// capped are the bounds of a capped collection (create {capped: true,
// size, max}): at most size bytes of BSON documents and, when max > 0, at
// most max documents. An insert past a bound removes the oldest documents
// (natural order) first, as mongod does. The removals have no oplog entry
// of their own: change streams do not show them.
type capped struct {
	size, max int64
	bytes     int64 // the BSON size of the documents stored
}

// cappedOf reads the bounds of create options opts; nil when they do not
// ask for a capped collection. Like mongod, a size of 4096 bytes or less
// is 4096, and a larger one is rounded up to a multiple of 256.
func cappedOf(opts bson.D) *capped {
	var on bool
	var size, maxDocs int64
	for _, e := range opts {
		switch e.Key {
		case "capped":
			on, _ = e.Value.(bool)
		case "size":
			size = asInt64(e.Value)
		case "max":
			maxDocs = asInt64(e.Value)
		}
	}
	if !on {
		return nil
	}
	if size <= 4096 {
		size = 4096
	} else if size%256 != 0 {
		size += 256 - size%256
	}
	return &capped{size: size, max: maxDocs}
}

func asInt64(v any) int64 {
	switch x := v.(type) {
	case int32:
		return int64(x)
	case int64:
		return x
	case float64:
		return int64(x)
	}
	return 0
}

// Capped reports whether the collection is capped.
func (c *Collection) Capped() bool { return c.capped != nil }

// CappedSize is the byte bound of a capped collection as mongod reports
// it (the requested size, rounded); 0 for other collections.
func (c *Collection) CappedSize() int64 {
	if c.capped == nil {
		return 0
	}
	return c.capped.size
}

// account adds delta (+1 stored, -1 removed) times doc's size to a
// capped collection's byte count.
func (c *Collection) account(doc bson.D, delta int64) {
	if c.capped == nil {
		return
	}
	b, err := bson.Marshal(doc)
	if err != nil {
		return
	}
	c.capped.bytes += delta * int64(len(b))
}

// evict removes the oldest documents of capped collection c while it is
// past a bound, keeping the newest document whatever its size. Each
// removal is undone with the Write.
func (tx *Tx) evict(c *Collection) {
	if c.capped == nil {
		return
	}
	for pos := 0; pos < len(c.docs) && c.Len() > 1; pos++ {
		over := c.capped.bytes > c.capped.size || c.capped.max > 0 && int64(c.Len()) > c.capped.max
		if !over {
			return
		}
		if c.docs[pos] == nil {
			continue
		}
		p := pos
		old := c.take(p)
		tx.undo = append(tx.undo, func() { c.put(p, old) })
	}
}
