package mongotest

import (
	"sync"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/wirehost"
	"github.com/torque-go/torque/mongotest/internal/store"
)

// sessions are the server sessions the replica set has seen, by lsid:
// the memory of retryable writes and the state of transactions. The
// members share them, as MongoDB replicates its session table. Safe for
// concurrent use.
type sessions struct {
	mu    sync.Mutex
	m     map[string]*serverSession
	locks txnLocks  // the documents transactions wrote (txn.go)
	snaps snapshots // the forks of snapshot reads (snapshot.go)
}

// serverSession is one lsid's state. mu serializes its commands, as
// MongoDB checks a session out for each.
type serverSession struct {
	mu sync.Mutex
	id []byte // the lsid's UUID
	// txnNumber is the highest transaction number seen; answered keeps
	// the replies of the retryable writes under it, by command.
	txnNumber int64
	answered  map[string]bson.Raw
	at        map[string]bson.Timestamp // the cluster time of each answered write
	txn       *transaction              // the transaction of txnNumber, if any
}

func newSessions() *sessions {
	return &sessions{m: map[string]*serverSession{}, locks: txnLocks{owner: map[string]*transaction{}}}
}

// get returns the session of lsid id, made on first use.
func (ss *sessions) get(id []byte) *serverSession {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s := ss.m[string(id)]
	if s == nil {
		s = &serverSession{id: id, answered: map[string]bson.Raw{}}
		ss.m[string(id)] = s
	}
	return s
}

// end forgets sessions (endSessions, killAllSessions: nil for all),
// aborting their transactions.
func (ss *sessions) end(ids [][]byte) {
	ss.mu.Lock()
	var ended []*serverSession
	if ids == nil {
		for _, s := range ss.m {
			ended = append(ended, s)
		}
		ss.m = map[string]*serverSession{}
	}
	for _, id := range ids {
		if s := ss.m[string(id)]; s != nil {
			ended = append(ended, s)
			delete(ss.m, string(id))
		}
	}
	ss.mu.Unlock()
	for _, s := range ended {
		s.mu.Lock()
		if s.txn != nil {
			s.txn.state = txnAborted
		}
		s.txn = nil
		s.mu.Unlock()
	}
}

// sessionFields are the fields a member handles itself and the command
// set never sees.
var sessionFields = map[string]bool{"txnNumber": true, "autocommit": true, "startTransaction": true}

// sessionCommand runs a command with its session: a retryable write is
// answered once and remembered, a transaction's command runs in it.
func (s *Server) sessionCommand(m *member, peer *wirehost.Peer, req *wirehost.Request) wirehost.Reply {
	switch req.Name {
	case "endSessions", "killAllSessions", "killSessions":
		s.sessions.end(lsidList(req))
	}
	lsid := lsidOf(req.Command)
	txnV := req.Lookup("txnNumber")
	if lsid == nil || txnV.IsZero() {
		return s.plainCommand(m, peer, req)
	}
	txnNumber, _ := txnV.AsInt64()
	sess := s.sessions.get(lsid)
	sess.mu.Lock()
	defer sess.mu.Unlock()
	if txnNumber < sess.txnNumber {
		return errorReply(cmdErrorf(225, "TransactionTooOld",
			"Cannot start transaction %d on session because a newer transaction %d has already started", txnNumber, sess.txnNumber))
	}
	if !req.Lookup("autocommit").IsZero() || req.Name == "commitTransaction" || req.Name == "abortTransaction" {
		return s.transactionCommand(m, peer, req, sess, txnNumber)
	}
	if txnNumber > sess.txnNumber {
		s.endTxn(sess.txn)
		sess.txnNumber, sess.answered, sess.txn = txnNumber, map[string]bson.Raw{}, nil
	}
	if sess.txn != nil {
		return errorReply(cmdErrorf(50911, "Location50911",
			"Cannot run a retryable write on a session whose transaction %d is in progress", txnNumber))
	}
	if prev, ok := sess.answered[req.Name]; ok {
		if s.historyLost(sess.at[req.Name]) {
			return errorReply(cmdErrorf(217, "IncompleteTransactionHistory",
				"Incomplete history detected for transaction %d on session %x: the oplog no longer holds its writes", txnNumber, sess.id))
		}
		return wirehost.Reply{Doc: prev} // a retry: answered again, not applied again
	}
	apply := func() wirehost.Reply {
		r := s.plainCommand(m, peer, req)
		if ok, _ := r.Doc.Lookup("ok").AsFloat64(); ok == 1 && r.Action == 0 {
			sess.answered[req.Name] = r.Doc
			if sess.at == nil {
				sess.at = map[string]bson.Timestamp{}
			}
			sess.at[req.Name] = s.store.ClusterTime()
		}
		return r
	}
	if fp := m.fps.takeWrite(req); fp != nil {
		return fp.reply(m, req, apply)
	}
	return apply()
}

// lsidList reads the lsids of endSessions and killSessions ({id: UUID}
// documents); nil for killAllSessions.
func lsidList(req *wirehost.Request) [][]byte {
	if req.Name == "killAllSessions" {
		return nil
	}
	arr, _ := req.Command.Index(0)
	list, _ := arr.Value().Array()
	out := [][]byte{}
	for _, v := range list.All() {
		d, _ := v.Document()
		if id := idOfLsid(d); id != nil {
			out = append(out, id)
		}
	}
	return out
}

// plainCommand runs a command outside any transaction: change streams
// here, the rest through the command set, without the session fields.
func (s *Server) plainCommand(m *member, peer *wirehost.Peer, req *wirehost.Request) wirehost.Reply {
	if r, ok := s.streamCommand(m, req); ok {
		return r
	}
	switch level, _ := req.Lookup("readConcern", "level").StringValue(); level {
	case "snapshot":
		return s.snapshotRead(peer, req)
	case "linearizable":
		if stage := writeStage(req); stage != "" {
			return errorReply(cmdErrorf(72, "InvalidOptions", "%s cannot be used with a 'linearizable' read concern level", stage))
		}
		// One primary that every write reaches at once: the latest data
		// is what a majority read sees.
		req = withReadConcern(req, bson.D{bson.KV("level", "majority")})
	}
	return m.inner.Command(peer, withoutFields(req, sessionFields))
}

// writeStage is "$out" or "$merge" when req is an aggregate ending in
// one, else "".
func writeStage(req *wirehost.Request) string {
	if req.Name != "aggregate" {
		return ""
	}
	stages, _ := req.Command.Lookup("pipeline").Array()
	var last bson.RawValue
	for _, v := range stages.All() {
		last = v
	}
	d, _ := last.Document()
	e, err := d.Index(0)
	if err != nil {
		return ""
	}
	if k := e.Key(); k == "$out" || k == "$merge" {
		return k
	}
	return ""
}

// withoutFields is req without the body's fields in drop.
func withoutFields(req *wirehost.Request, drop map[string]bool) *wirehost.Request {
	found := false
	for k := range req.Command.All() {
		found = found || drop[k]
	}
	if !found {
		return req
	}
	var d bson.D
	for k, v := range req.Command.All() {
		if !drop[k] {
			d = append(d, bson.E{Key: k, Value: v})
		}
	}
	c := *req
	c.Command = wirehost.Doc(d...)
	return &c
}

// lsidOf is the UUID of a command's lsid, nil without one.
func lsidOf(cmd bson.Raw) []byte {
	d, _ := cmd.Lookup("lsid").Document()
	return idOfLsid(d)
}

// idOfLsid is the id of an lsid document {id: UUID}.
func idOfLsid(lsid bson.Raw) []byte {
	if b, ok := lsid.Lookup("id").Binary(); ok {
		return b.Data
	}
	return nil
}

// withReadConcern is req with its readConcern replaced.
func withReadConcern(req *wirehost.Request, rc bson.D) *wirehost.Request {
	var d bson.D
	if err := bson.Unmarshal(req.Command, &d); err != nil {
		return req
	}
	for i := range d {
		if d[i].Key == "readConcern" {
			d[i].Value = rc
		}
	}
	c := *req
	c.Command = wirehost.Doc(d...)
	return &c
}

// historyLost reports whether the oplog entries of a write answered at
// cluster time ts rolled off the oplog: MongoDB then answers a retry of
// the write IncompleteTransactionHistory instead of its result.
func (s *Server) historyLost(ts bson.Timestamp) bool {
	start, ok := s.store.OplogStart()
	return ok && ts != (bson.Timestamp{}) && store.Less(ts, start)
}
