package store

import (
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/torque-go/torque/bson"
)

// Store is the catalog of databases and collections with the oplog. Its
// methods are safe for concurrent use: writes are serialized (Write),
// reads run beside each other (View) or on a Snapshot without any lock.
type Store struct {
	mu      sync.RWMutex
	colls   map[string]*Collection // by "db.name"
	clock   clock
	oplog   []Entry
	keep    int           // oplog entries kept at least (SetOplogSize); 0: OplogSize
	changed chan struct{} // closed and replaced after every write
}

// New returns an empty store.
func New() *Store {
	return &Store{colls: map[string]*Collection{}, clock: clock{now: time.Now}, changed: make(chan struct{})}
}

// Reader reads a catalog: the current one (View) or a Snapshot.
type Reader interface {
	// Coll returns collection db.name, or nil when it does not exist.
	Coll(db, name string) *Collection
	// Colls returns the collections (and views) of db, by name.
	Colls(db string) []*Collection
	// DBs returns the names of the databases that have a collection.
	DBs() []string
}

// catalog is the Reader over a map of collections.
type catalog map[string]*Collection

func (c catalog) Coll(db, name string) *Collection { return c[db+"."+name] }

func (c catalog) Colls(db string) []*Collection {
	var out []*Collection
	for _, coll := range c {
		if coll.DB == db {
			out = append(out, coll)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (c catalog) DBs() []string {
	seen := map[string]bool{}
	for _, coll := range c {
		seen[coll.DB] = true
	}
	out := make([]string, 0, len(seen))
	for db := range seen {
		out = append(out, db)
	}
	sort.Strings(out)
	return out
}

// View runs fn with the current catalog, read-locked: fn must not keep
// the Collections past its return (the documents it may keep).
func (st *Store) View(fn func(r Reader)) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	fn(catalog(st.colls))
}

// ViewAt is View that also gives the cluster time of the last write the
// catalog includes: a tailable cursor reads the collection, then the oplog
// after that time, neither missing nor repeating a write.
func (st *Store) ViewAt(fn func(r Reader, ts bson.Timestamp)) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	fn(catalog(st.colls), st.clock.last)
}

// Snapshot is the catalog as it was at one cluster time. It never
// changes; reading it takes no lock.
type Snapshot struct {
	catalog
	// TS is the cluster time of the last write it includes.
	TS bson.Timestamp
}

// Snapshot freezes the current catalog: cheap (a map copy); the next
// write to each of its collections clones that collection first.
func (st *Store) Snapshot() *Snapshot {
	st.mu.Lock()
	defer st.mu.Unlock()
	c := make(catalog, len(st.colls))
	for ns, coll := range st.colls {
		if !coll.frozen { // written once: a Fork reads it without st's lock
			coll.frozen = true
		}
		c[ns] = coll
	}
	return &Snapshot{catalog: c, TS: st.clock.last}
}

// ClusterTime is the cluster time of the last write (zero before any).
func (st *Store) ClusterTime() bson.Timestamp {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return st.clock.last
}

// Tick advances the cluster time without a write (a no-op oplog entry
// "n" is not recorded) and returns it.
func (st *Store) Tick() bson.Timestamp {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.clock.next()
}

// OplogSize is how many oplog entries the store keeps at least: when it
// holds twice as many, the older half goes (a capped oplog, as mongod's).
const OplogSize = 100_000

// SetOplogSize changes how many oplog entries the store keeps at least
// (OplogSize by default), for tests of a history that rolled off.
func (st *Store) SetOplogSize(n int) {
	st.mu.Lock()
	st.keep = max(n, 1)
	st.mu.Unlock()
}

// oplogSize is how many entries the oplog keeps: OplogSize unless
// SetOplogSize said otherwise (a fork's zero keep means the default).
func (st *Store) oplogSize() int {
	if st.keep > 0 {
		return st.keep
	}
	return OplogSize
}

// OplogStart is the cluster time of the oldest oplog entry the store still
// has; ok is false while the oplog is empty.
func (st *Store) OplogStart() (ts bson.Timestamp, ok bool) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	if len(st.oplog) == 0 {
		return bson.Timestamp{}, false
	}
	return st.oplog[0].TS, true
}

// Oplog returns the entries after ts, oldest first, and a channel closed
// at the next write (to wait for more). Entries older than the last
// OplogSize may be gone: compare the first entry's TS with what you asked
// for (change streams answer ChangeStreamHistoryLost then).
func (st *Store) Oplog(after bson.Timestamp) ([]Entry, <-chan struct{}) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	i := sort.Search(len(st.oplog), func(i int) bool { return Less(after, st.oplog[i].TS) })
	return slices.Clone(st.oplog[i:]), st.changed
}

// Write runs fn with a Tx over the current catalog, other writes held
// off. If fn returns an error, every change it made is undone and Write
// returns that error; else the changes stay, each of its oplog entries
// gets the next cluster time, and Write returns them. Readers never see a
// half-applied Write.
func (st *Store) Write(fn func(tx *Tx) error) ([]Entry, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	tx := &Tx{st: st}
	if err := fn(tx); err != nil {
		for i := len(tx.undo) - 1; i >= 0; i-- {
			tx.undo[i]()
		}
		return nil, err
	}
	wall := st.clock.now()
	for i := range tx.entries {
		tx.entries[i].TS = st.clock.next()
		tx.entries[i].Wall = wall
		tx.entries[i].Txn = tx.txn
	}
	st.oplog = append(st.oplog, tx.entries...)
	if keep := st.oplogSize(); len(st.oplog) > 2*keep {
		st.oplog = slices.Clone(st.oplog[len(st.oplog)-keep:])
	}
	for _, c := range tx.touched {
		c.compact()
	}
	if len(tx.entries) > 0 {
		close(st.changed)
		st.changed = make(chan struct{})
	}
	return tx.entries, nil
}

// touch returns db.name writable: cloned first if a snapshot froze it.
// nil when it does not exist.
func (tx *Tx) touch(db, name string) *Collection {
	ns := db + "." + name
	c := tx.st.colls[ns]
	if c == nil {
		return nil
	}
	if c.frozen {
		old := c
		c = old.clone()
		tx.st.colls[ns] = c
		tx.undo = append(tx.undo, func() { tx.st.colls[ns] = old })
	}
	if !slices.Contains(tx.touched, c) {
		tx.touched = append(tx.touched, c)
	}
	return c
}
