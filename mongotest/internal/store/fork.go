package store

import (
	"time"

	"github.com/torque-go/torque/bson"
)

// Fork returns a private store that starts as a snapshot of st, and the
// cluster time of that snapshot: what a transaction reads and writes
// until it commits. Writes to the fork never reach st (the collections
// they touch are cloned first), and its oplog holds only its own entries,
// which the committer replays on st. The fork shares st's frozen
// collections, which nobody modifies.
func (st *Store) Fork() (*Store, bson.Timestamp) {
	snap := st.Snapshot()
	colls := make(map[string]*Collection, len(snap.catalog))
	for ns, c := range snap.catalog {
		colls[ns] = c
	}
	return &Store{colls: colls, clock: clock{last: snap.TS, now: time.Now}, changed: make(chan struct{})}, snap.TS
}
