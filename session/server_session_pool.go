package session

import (
	"sync"
	"time"

	"github.com/torque-go/torque/bson"
)

// ServerSession is the server's side of a session: an id the driver makes
// up, the transaction number last used with it, and when it was last used.
// It belongs to one ClientSession at a time, or to the Pool.
type ServerSession struct {
	id         bson.Raw  // {id: UUID (binary subtype 4)}
	uuid       bson.UUID // the same, for logs and tests
	lastUsed   time.Time
	txnNumber  int64
	dirty      bool
	generation uint64 // the Pool generation it was created in
}

// newServerSession builds a session with a fresh random id.
func newServerSession(now time.Time, generation uint64) (*ServerSession, error) {
	u, err := bson.NewUUID()
	if err != nil {
		return nil, err
	}
	start, doc := bson.AppendDocumentStart(make([]byte, 0, 32))
	doc = bson.AppendBinaryElement(doc, "id", bson.BinaryUUID, u[:])
	doc = endDocument(doc, start)
	return &ServerSession{id: doc, uuid: u, lastUsed: now, generation: generation}, nil
}

// ID returns the lsid document {id: <UUID>}. Do not modify it.
func (s *ServerSession) ID() bson.Raw { return s.id }

// UUID returns the session id.
func (s *ServerSession) UUID() bson.UUID { return s.uuid }

// TxnNumber returns the last transaction number used with the session.
func (s *ServerSession) TxnNumber() int64 { return s.txnNumber }

// Dirty reports whether a network error happened while using the session.
func (s *ServerSession) Dirty() bool { return s.dirty }

// MarkDirty records a network error: the session will be discarded, not
// pooled, when it is returned.
func (s *ServerSession) MarkDirty() { s.dirty = true }

// staleWithin reports whether the session expires on the server in less
// than a minute from now. A timeout of 0 or less means sessions do not
// expire client-side (load-balanced mode).
func (s *ServerSession) staleWithin(now time.Time, timeout time.Duration) bool {
	if timeout <= 0 {
		return false
	}
	return !now.Before(s.lastUsed.Add(timeout - time.Minute))
}

// EndSessionsBatch is the most ids sent in one endSessions command.
const EndSessionsBatch = 10000

// Pool is a client's pool of server sessions: a LIFO stack, so recently
// used sessions are reused first and the oldest sink to the bottom, where
// they expire. It has no maximum size. It is safe for concurrent use.
type Pool struct {
	now func() time.Time

	mu         sync.Mutex
	sessions   []*ServerSession // the top of the stack (most recent) is the end
	generation uint64
	checkedOut int // sessions Get gave out and Put has not taken back
}

// NewPool returns an empty pool. now is the clock (nil: time.Now).
func NewPool(now func() time.Time) *Pool {
	if now == nil {
		now = time.Now
	}
	return &Pool{now: now}
}

// Get checks out the most recently returned session that has at least a
// minute left before the server's logicalSessionTimeoutMinutes (timeout)
// expires it, discarding staler ones on the way; when none is left it
// makes a new one. timeout <= 0 skips the expiry check (load balancers).
func (p *Pool) Get(timeout time.Duration) (*ServerSession, error) {
	now := p.now()
	p.mu.Lock()
	p.checkedOut++
	for n := len(p.sessions); n > 0; n = len(p.sessions) {
		s := p.sessions[n-1]
		p.sessions[n-1] = nil
		p.sessions = p.sessions[:n-1]
		if !s.staleWithin(now, timeout) {
			p.mu.Unlock()
			return s, nil
		}
	}
	gen := p.generation
	p.mu.Unlock()
	s, err := newServerSession(now, gen)
	if err != nil {
		p.mu.Lock()
		p.checkedOut--
		p.mu.Unlock()
	}
	return s, err
}

// Put returns a session to the pool. It first drops expiring sessions from
// the bottom of the stack, then discards s if it is dirty, about to expire,
// or from before the last Clear; otherwise s goes on top. A session is
// "used" when a command is prepared with it (ClientSession.Prepare).
func (p *Pool) Put(s *ServerSession, timeout time.Duration) {
	if s == nil {
		return
	}
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.checkedOut--
	drop := 0
	for drop < len(p.sessions) && p.sessions[drop].staleWithin(now, timeout) {
		drop++
	}
	if drop > 0 {
		n := copy(p.sessions, p.sessions[drop:])
		clear(p.sessions[n:])
		p.sessions = p.sessions[:n]
	}
	if s.dirty || s.generation != p.generation || s.staleWithin(now, timeout) {
		return
	}
	p.sessions = append(p.sessions, s)
}

// Len returns the number of pooled sessions.
func (p *Pool) Len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.sessions)
}

// CheckedOut returns the number of server sessions in use: given out by
// Get and not yet returned with Put (by the explicit sessions that have
// run a command, and the operations and cursors in flight).
func (p *Pool) CheckedOut() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.checkedOut
}

// Drain empties the pool and returns the ids of its sessions in batches of
// at most EndSessionsBatch, most recent first: the arguments of the
// endSessions commands to send on Disconnect (see AppendEndSessions).
func (p *Pool) Drain() [][]bson.Raw {
	p.mu.Lock()
	sessions := p.sessions
	p.sessions = nil
	p.mu.Unlock()
	var batches [][]bson.Raw
	for len(sessions) > 0 {
		n := min(len(sessions), EndSessionsBatch)
		batch := make([]bson.Raw, 0, n)
		for i := len(sessions) - 1; i >= len(sessions)-n; i-- {
			batch = append(batch, sessions[i].id)
		}
		sessions = sessions[:len(sessions)-n]
		batches = append(batches, batch)
	}
	return batches
}

// Clear discards every pooled session without ending it on the server
// (after a fork, say), and makes sure sessions checked out now are not
// pooled when they come back.
func (p *Pool) Clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sessions = nil
	p.generation++
}

// AppendEndSessions appends the element endSessions: [ids...] to a command
// document being built.
func AppendEndSessions(dst []byte, ids []bson.Raw) []byte {
	start, dst := bson.AppendArrayElementStart(dst, "endSessions")
	for i, id := range ids {
		dst = bson.AppendDocumentElement(dst, bson.ArrayKey(i), id)
	}
	return endDocument(dst, start)
}
