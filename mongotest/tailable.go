package mongotest

import (
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/mongotest/internal/engine"
	"github.com/torque-go/torque/mongotest/internal/store"
)

// tail is what a tailable cursor (find {tailable: true} on a capped
// collection) keeps to follow its collection: its filter and projection,
// and the cluster time up to which it has read. Once the documents of
// its find are returned, each getMore reads the inserts into the
// collection after that time from the oplog; an awaitData cursor waits
// for one up to the getMore's maxTimeMS (1 second by default) and
// answers an empty batch, keeping its id, when none came.
type tail struct {
	db, coll string
	q        *query
	proj     *engine.Projection
	await    bool
	limit    int64 // documents still allowed by find's limit; 0: no limit

	busy   chan struct{} // holds one token: one getMore at a time
	killed chan struct{} // closed by killCursors: an awaiting getMore ends
	last   bson.Timestamp
}

// tailArgs checks find's tailable and awaitData options (mongod's order
// and errors); ok is false for a find that is not tailable.
func (c *command) tailArgs(a findArgs) (ok, await bool, err error) {
	tailable, err := c.optBool("tailable", false)
	if err != nil {
		return false, false, err
	}
	if await, err = c.optBool("awaitData", false); err != nil {
		return false, false, err
	}
	if await && !tailable {
		return false, false, cmdErrorf(9, "FailedToParse", "Cannot set 'awaitData' without also setting 'tailable'")
	}
	if !tailable {
		return false, false, nil
	}
	if a.single {
		return false, false, badValue("cannot use tailable option with the 'singleBatch' option")
	}
	for _, e := range a.sort {
		if n, _ := asInt(e.Value); e.Key != "$natural" || n != 1 {
			return false, false, badValue("cannot use tailable option with a sort other than {$natural: 1}")
		}
	}
	return true, await, nil
}

// tailableFind answers a tailable find: the matching documents of the
// capped collection, and a cursor that stays open after them unless the
// collection is empty (mongod keeps no tailable cursor on an empty one).
func (s *Server) tailableFind(c *command, coll string, a findArgs, await bool, vars engine.Vars) (bson.D, error) {
	q, err := compileQuery(a.filter, vars)
	if err != nil {
		return nil, err
	}
	t := &tail{db: c.db, coll: coll, q: q, await: await, limit: a.limit,
		busy: make(chan struct{}, 1), killed: make(chan struct{})}
	if len(a.projection) > 0 {
		if t.proj, err = engine.CompileProjection(a.projection, vars); err != nil {
			return nil, err
		}
	}
	var ms []match
	var records int
	ns := c.db + "." + coll
	s.store.ViewAt(func(r store.Reader, ts bson.Timestamp) {
		cl := r.Coll(c.db, coll)
		switch {
		case cl == nil:
		case !cl.Capped():
			err = badValue("error processing query: ns=%s: tailable cursor requested on non capped collection", ns)
		default:
			records, t.last = cl.Len(), ts
			ms, err = q.inColl(cl, 0)
		}
	})
	if err != nil {
		return nil, err
	}
	if int64(len(ms)) <= a.skip {
		ms = nil
	} else {
		ms = ms[a.skip:]
	}
	docs, err := t.shape(ms)
	if err != nil {
		return nil, err
	}
	n := int(a.batchSize)
	if a.batchSize == 0 && c.get("batchSize") == nil {
		n = 101
	}
	batch, rest := takeBatch(docs, n)
	if a.batchSize == 0 && c.get("batchSize") != nil {
		batch, rest = bson.A{}, docs
	}
	var id int64
	if records > 0 && (t.limit == 0 || len(rest) > 0) {
		id = s.cursors.openTail(ns, rest, c.owner(), t)
	}
	return cursorReply("firstBatch", batch, id, ns), nil
}

// shape applies the limit and the projection to matches.
func (t *tail) shape(ms []match) ([]bson.D, error) {
	if t.limit > 0 {
		if int64(len(ms)) > t.limit {
			ms = ms[:t.limit]
		}
		t.limit -= int64(len(ms))
		if t.limit == 0 {
			t.limit = -1 // spent: the cursor ends with its documents
		}
	}
	out := make([]bson.D, len(ms))
	for i, m := range ms {
		out[i] = m.doc
		if t.proj != nil {
			var err error
			if out[i], err = t.proj.Apply(m.doc, m.info); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// tailGetMore answers a getMore on a tailable cursor whose find result is
// spent: the inserts since its last read, waiting (awaitData) up to
// maxTimeMS, 1 second by default, or until the client hangs up. done
// reports that the cursor ended.
func (s *Server) tailGetMore(c *command, id int64, t *tail, n int) (batch bson.A, done bool, err error) {
	wait, err := t.awaitTime(c)
	if err != nil {
		return nil, false, err
	}
	select {
	case t.busy <- struct{}{}:
		defer func() { <-t.busy }()
	default:
		return nil, false, cmdErrorf(292, "CursorInUse", "Cursor id %d is already in use", id)
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	var gone <-chan struct{} // the client hung up: no one waits for the answer
	stop := func() bool { return true }
	if t.await && c.peer != nil {
		gone, stop = c.peer.Watch()
	}
	defer func() { stop() }()
	for {
		entries, changed := s.store.Oplog(t.last)
		ms, ended, err := t.read(entries, n)
		if err != nil || ended {
			return nil, true, err
		}
		docs, err := t.shape(ms)
		if err != nil {
			return nil, true, err
		}
		if len(docs) > 0 || !t.await || t.limit < 0 {
			batch, _ = takeBatch(docs, 0)
			return batch, t.limit < 0, nil
		}
		select {
		case <-changed:
		case <-timer.C:
			return bson.A{}, false, nil
		case <-t.killed:
			return nil, true, cmdErrorf(237, "CursorKilled", "cursor id %d was killed", id)
		case <-s.cursors.closing:
			return bson.A{}, false, nil
		case <-gone:
			if !stop() {
				return bson.A{}, false, nil
			}
			gone, stop = nil, func() bool { return true }
		}
	}
}

// awaitTime is how long a getMore waits for an insert: maxTimeMS, which
// only an awaitData cursor takes (mongod's error otherwise), else 1s.
func (t *tail) awaitTime(c *command) (time.Duration, error) {
	v := c.get("maxTimeMS")
	if v == nil {
		return time.Second, nil
	}
	if !t.await {
		return 0, badValue("cannot set maxTimeMS on getMore command for a non-awaitData cursor")
	}
	ms, ok := asInt(v)
	if !ok || ms < 0 {
		return 0, badValue("%v is not a valid value for maxTimeMS", v)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// read returns the matching inserts of entries, at most n (n <= 0: all),
// and moves the cursor past what it examined. ended is true when the
// collection was dropped or renamed: the cursor is dead.
func (t *tail) read(entries []store.Entry, n int) (ms []match, ended bool, err error) {
	for _, e := range entries {
		if n > 0 && len(ms) >= n {
			break
		}
		if e.DB != t.db || e.Coll != t.coll && e.Op != "c" {
			t.last = e.TS
			continue
		}
		if e.Op == "c" && t.drops(e) {
			return nil, true, cmdErrorf(175, "QueryPlanKilled", "collection dropped or renamed: %s.%s", t.db, t.coll)
		}
		t.last = e.TS
		if e.Op != "i" {
			continue
		}
		info, ok, err := t.q.f.Match(e.Doc)
		if err != nil {
			return nil, false, err
		}
		if ok {
			ms = append(ms, match{e.Doc, info})
		}
	}
	return ms, false, nil
}

// drops reports whether command entry e ends the tailed collection.
func (t *tail) drops(e store.Entry) bool {
	switch e.Cmd[0].Key {
	case "dropDatabase":
		return true
	case "drop", "renameCollection":
		return e.Coll == t.coll
	}
	return false
}
