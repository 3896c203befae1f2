package mongotest

import (
	"crypto/rand"
	"encoding/binary"
	"sync"

	"github.com/torque-go/torque/bson"
)

// maxBatchBytes bounds a batch, as mongod's 16 MiB reply limit does.
const maxBatchBytes = 16*1024*1024 - 16*1024

// cursors are the server's open cursors. A cursor holds the documents
// still to return, computed when it was opened: later writes do not show
// through it. Safe for concurrent use.
type cursors struct {
	mu      sync.Mutex
	m       map[int64]*cursor
	closing chan struct{} // closed by shutdown: awaiting getMores return
}

type cursor struct {
	ns    string
	docs  []bson.D
	owner owner // who opened it, with which API parameters
	tail  *tail // a tailable cursor's (tailable.go); nil for others
}

// owner is what a getMore must share with the command that opened its
// cursor: the user (when authentication is on) and the API parameters.
type owner struct {
	user string
	api  string // apiParams.key (stable_api.go)
}

// owner is the owner of the cursors c opens.
func (c *command) owner() owner { return owner{user: c.conn.user, api: apiKeyOf(c.req.Command)} }

func newCursors() *cursors { return &cursors{m: map[int64]*cursor{}, closing: make(chan struct{})} }

// shutdown wakes every awaiting getMore, for Close.
func (cs *cursors) shutdown() {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	select {
	case <-cs.closing:
	default:
		close(cs.closing)
	}
}

// open registers the rest of a result and returns its cursor id (0 when
// rest is empty: nothing to open).
func (cs *cursors) open(ns string, rest []bson.D, o owner) int64 {
	if len(rest) == 0 {
		return 0
	}
	return cs.openTail(ns, rest, o, nil)
}

// openTail registers a cursor, even with nothing left in rest when t (a
// tailable cursor's state) is not nil, and returns its id.
func (cs *cursors) openTail(ns string, rest []bson.D, o owner, t *tail) int64 {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id := int64(binary.LittleEndian.Uint64(b[:]) >> 2)
		if _, taken := cs.m[id]; id != 0 && !taken {
			cs.m[id] = &cursor{ns: ns, docs: rest, owner: o, tail: t}
			return id
		}
	}
}

// next takes the next batch of cursor id (n <= 0: as many as fit) and
// reports whether the cursor is now exhausted (and closed). A tailable
// cursor stays open when its documents run out: next returns its tail,
// and an empty batch once the documents of its find are spent.
func (cs *cursors) next(id int64, ns string, n int, o owner) (batch bson.A, done bool, t *tail, err error) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	c := cs.m[id]
	if c == nil {
		return nil, false, nil, cmdErrorf(43, "CursorNotFound", "cursor id %d not found", id)
	}
	if c.ns != ns {
		return nil, false, nil, cmdErrorf(13, "Unauthorized", "Requested getMore on namespace '%s', but cursor belongs to a different namespace %s", ns, c.ns)
	}
	if c.owner.user != o.user {
		return nil, false, nil, cmdErrorf(13, "Unauthorized", "cursor id %d was not created by the authenticated user", id)
	}
	if err := checkAPIMatch("getMore", o.api, c.owner.api, "cursor-creating command"); err != nil {
		return nil, false, nil, err
	}
	if c.tail != nil && len(c.docs) == 0 {
		return bson.A{}, false, c.tail, nil
	}
	batch, c.docs = takeBatch(c.docs, n)
	if len(c.docs) == 0 && (c.tail == nil || c.tail.limit < 0) {
		delete(cs.m, id)
		return batch, true, nil, nil
	}
	return batch, false, nil, nil
}

// kill closes cursor id; false when there is none.
func (cs *cursors) kill(id int64, ns string) bool {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	c := cs.m[id]
	if c == nil || c.ns != ns {
		return false
	}
	delete(cs.m, id)
	if c.tail != nil {
		close(c.tail.killed)
	}
	return true
}

func (cs *cursors) closeAll() {
	cs.mu.Lock()
	cs.m = map[int64]*cursor{}
	cs.mu.Unlock()
}

// takeBatch splits docs into a batch of at most n documents (n <= 0: no
// count limit) and at most maxBatchBytes, and the rest. A batch holds at
// least one document when there is one.
func takeBatch(docs []bson.D, n int) (bson.A, []bson.D) {
	batch := bson.A{}
	size := 0
	for len(docs) > 0 && (n <= 0 || len(batch) < n) {
		sz := docSize(docs[0])
		if len(batch) > 0 && size+sz > maxBatchBytes {
			break
		}
		size += sz
		batch = append(batch, docs[0])
		docs = docs[1:]
	}
	return batch, docs
}

// cursorReply is {cursor: {firstBatch|nextBatch, id, ns}}.
func cursorReply(key string, batch bson.A, id int64, ns string) bson.D {
	return bson.D{bson.KV("cursor", bson.D{bson.KV(key, batch), bson.KV("id", id), bson.KV("ns", ns)})}
}

// firstBatch answers a command that opens a cursor over docs.
func (s *Server) firstBatch(c *command, ns string, docs []bson.D, batchSize int, single bool) bson.D {
	batch, rest := takeBatch(docs, batchSize)
	var id int64
	if !single {
		id = s.cursors.open(ns, rest, c.owner())
	}
	return cursorReply("firstBatch", batch, id, ns)
}

func init() {
	commands["getMore"] = cmdSpec{run: (*Server).getMore, fields: []string{"collection", "batchSize", "term", "lastKnownCommittedOpTime"}}
	commands["killCursors"] = cmdSpec{run: (*Server).killCursors, fields: []string{"cursors"}}
}

func (s *Server) getMore(c *command) (bson.D, error) {
	id, ok := c.body[0].Value.(int64)
	if !ok {
		return nil, typeMismatch("getMore.getMore", "long", c.body[0].Value)
	}
	coll, ok := c.get("collection").(string)
	if !ok {
		return nil, typeMismatch("getMore.collection", "string", c.get("collection"))
	}
	n, err := c.optInt("batchSize", 0)
	if err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, badValue("batchSize must be non-negative, but received: %d", n)
	}
	ns := c.db + "." + coll
	batch, done, t, err := s.cursors.next(id, ns, int(n), c.owner())
	if t != nil && err == nil {
		if batch, done, err = s.tailGetMore(c, id, t, int(n)); done {
			s.cursors.kill(id, ns)
		}
	}
	if err != nil {
		return nil, err
	}
	if done {
		id = 0
	}
	return cursorReply("nextBatch", batch, id, ns), nil
}

func (s *Server) killCursors(c *command) (bson.D, error) {
	coll, err := c.collName()
	if err != nil {
		return nil, err
	}
	ids, ok := c.get("cursors").(bson.A)
	if !ok {
		return nil, typeMismatch("killCursors.cursors", "array", c.get("cursors"))
	}
	killed, notFound := bson.A{}, bson.A{}
	for _, v := range ids {
		id, ok := v.(int64)
		if !ok {
			return nil, typeMismatch("killCursors.cursors", "long", v)
		}
		if s.cursors.kill(id, c.db+"."+coll) {
			killed = append(killed, id)
		} else {
			notFound = append(notFound, id)
		}
	}
	return bson.D{bson.KV("cursorsKilled", killed), bson.KV("cursorsNotFound", notFound),
		bson.KV("cursorsAlive", bson.A{}), bson.KV("cursorsUnknown", bson.A{})}, nil
}
