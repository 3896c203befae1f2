package mongotest

import (
	"bytes"
	"strings"
	"sync"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/wirehost"
	"github.com/torque-go/torque/wire"
)

// A mongos behind a load balancer ties cursors and transactions to the
// client connection that opened them, as the driver does (it pins them to
// that connection: the load-balancers specification). When the connection
// closes, the mongos kills the cursors still open on it and aborts the
// transaction begun on it that has not ended ("services ... MAY reap a
// cursor when the connection associated with the cursor is closed";
// "must abort a transaction when the connection associated with the
// transaction is closed").

// lbConns are the cursors and transactions of each client connection of
// one load-balanced mongos. A nil *lbConns (any other mongos) records
// nothing. Safe for concurrent use.
type lbConns struct {
	m     *member // the mongos
	mu    sync.Mutex
	conns map[*wirehost.Peer]*lbConn
}

// lbConn is what one client connection opened.
type lbConn struct {
	cursors map[int64]string // open cursor id -> its namespace "db.coll"
	txns    map[string]lbTxn // lsid id -> the last transaction begun here
}

// lbTxn is a transaction begun on a connection: its lsid document and
// txnNumber.
type lbTxn struct {
	lsid bson.Raw
	n    int64
}

func newLBConns(m *member) *lbConns {
	return &lbConns{m: m, conns: map[*wirehost.Peer]*lbConn{}}
}

// connLocked returns peer's record, creating it.
func (c *lbConns) connLocked(peer *wirehost.Peer) *lbConn {
	lc := c.conns[peer]
	if lc == nil {
		lc = &lbConn{cursors: map[int64]string{}, txns: map[string]lbTxn{}}
		c.conns[peer] = lc
	}
	return lc
}

// note records the cursors that req and its reply r opened or closed on
// peer's connection, and returns r.
func (c *lbConns) note(peer *wirehost.Peer, req *wirehost.Request, r wirehost.Reply) wirehost.Reply {
	if c == nil {
		return r
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	lc := c.connLocked(peer)
	switch req.Name {
	case "killCursors":
		if ids, ok := req.Lookup("cursors").Array(); ok {
			for _, v := range ids.All() {
				id, _ := v.AsInt64()
				delete(lc.cursors, id)
			}
		}
		return r
	case "getMore":
		if id, _ := r.Doc.Lookup("cursor", "id").AsInt64(); id == 0 {
			asked, _ := req.Lookup("getMore").AsInt64()
			delete(lc.cursors, asked) // exhausted, or an error that ended it
		}
		return r
	}
	if r.Doc == nil || r.Action != wirehost.Answer {
		return r
	}
	id, _ := r.Doc.Lookup("cursor", "id").AsInt64()
	ns, _ := r.Doc.Lookup("cursor", "ns").StringValue()
	if id != 0 && ns != "" {
		lc.cursors[id] = ns
	}
	return r
}

// begin records that a transaction (its lsid, txnNumber n) began on
// peer's connection.
func (c *lbConns) begin(peer *wirehost.Peer, req *wirehost.Request, n int64) {
	if c == nil {
		return
	}
	lsid, ok := req.Lookup("lsid").Document()
	if !ok {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.connLocked(peer).txns[string(lsidOf(req.Command))] = lbTxn{lsid: bytes.Clone(lsid), n: n}
}

// closed ends what peer's connection left open: its cursors are killed
// and its transactions aborted (one that already ended is left as it is),
// on the shard, as the mongos's own killCursors and abortTransaction.
func (c *lbConns) closed(peer *wirehost.Peer) {
	if c == nil {
		return
	}
	c.mu.Lock()
	lc := c.conns[peer]
	delete(c.conns, peer)
	c.mu.Unlock()
	shard := c.m.router.rs.primaryMember()
	if lc == nil || shard == nil {
		return
	}
	for id, ns := range lc.cursors {
		db, coll, _ := strings.Cut(ns, ".")
		shard.run(peer, internalRequest(db, bson.D{bson.KV("killCursors", coll), bson.KV("cursors", bson.A{id})}))
	}
	for _, t := range lc.txns {
		if !c.m.core.inTxn(idOfLsid(t.lsid), t.n) {
			continue
		}
		shard.run(peer, internalRequest("admin", bson.D{bson.KV("abortTransaction", int32(1)),
			bson.KV("lsid", t.lsid), bson.KV("txnNumber", t.n), bson.KV("autocommit", false)}))
	}
}

// inTxn reports whether the session lsid is in transaction n, not ended.
func (s *Server) inTxn(lsid []byte, n int64) bool {
	sess := s.sessions.get(lsid)
	sess.mu.Lock()
	defer sess.mu.Unlock()
	return sess.txn != nil && sess.txnNumber == n && sess.txn.state == txnActive
}

// internalRequest is a command a mongos sends the shard on its own.
func internalRequest(db string, cmd bson.D) *wirehost.Request {
	doc := wirehost.Doc(append(cmd, bson.KV("$db", db))...)
	return &wirehost.Request{OpCode: wire.OpMsg, Name: cmd[0].Key, DB: db, Command: doc, Time: time.Now()}
}
