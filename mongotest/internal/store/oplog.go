package store

import (
	"time"

	"github.com/torque-go/torque/bson"
)

// Entry is one oplog entry: one write, at its cluster time. Every change
// of the store makes exactly one, in the order the changes became visible;
// change streams (issue 12) read them.
type Entry struct {
	TS bson.Timestamp
	// Op is "i" (insert), "u" (update or replace), "d" (delete) or "c" (a
	// command: Cmd holds it, e.g. {create: coll, ...}, {drop: coll},
	// {dropDatabase: 1}, {renameCollection: "db.a", to: "db.b"},
	// {createIndexes: coll, spec}, {dropIndexes: coll, index: name},
	// {collMod: coll, ...}).
	Op       string
	DB, Coll string
	UUID     bson.Binary // the collection's, when there is one
	ID       any         // the document's _id (i, u, d)
	Doc      bson.D      // i: the document; u: the document after
	Pre      bson.D      // u, d: the document before
	Update   *UpdateDesc // u: what an operator or pipeline update changed; nil for a replacement
	Cmd      bson.D      // c
	// Wall is when the write happened (the oplog's "wall"): lagging
	// secondaries apply an entry a while after it.
	Wall time.Time
	// Txn is the transaction whose commit wrote the entry, nil outside
	// transactions (its change events carry lsid and txnNumber).
	Txn *TxnID
}

// UpdateDesc is an update's updateDescription for change streams.
type UpdateDesc struct {
	UpdatedFields   bson.D
	RemovedFields   []string
	TruncatedArrays []Truncated
}

// Truncated is one entry of truncatedArrays.
type Truncated struct {
	Field   string
	NewSize int32
}

// clock hands out cluster times: the wall-clock second and an increment
// within it, strictly increasing even if the wall clock goes back.
type clock struct {
	last bson.Timestamp
	now  func() time.Time
}

func (c *clock) next() bson.Timestamp {
	sec := uint32(c.now().Unix())
	if sec > c.last.T {
		c.last = bson.Timestamp{T: sec, I: 1}
	} else {
		c.last.I++
	}
	return c.last
}

// Less reports whether timestamp a is before b.
func Less(a, b bson.Timestamp) bool {
	return a.T < b.T || a.T == b.T && a.I < b.I
}
