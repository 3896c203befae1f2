package mongotest

import (
	"sync"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/wirehost"
	"github.com/torque-go/torque/mongotest/internal/store"
)

// Transactions. A transaction runs its commands on a fork of the store
// taken when it starts (store.Fork): it reads that snapshot and its own
// writes, and nobody else sees them. Commit replays its writes on the
// store in one Write, so they appear at once; abort drops the fork. A
// write to a document that another transaction has written, or that
// changed in the store since the snapshot, fails with WriteConflict and
// aborts the transaction, whose errors then carry
// TransientTransactionError.

// txnState is where a transaction is.
type txnState int

const (
	txnActive txnState = iota
	txnCommitted
	txnAborted
)

// transaction is a session's multi-document transaction.
type transaction struct {
	number  int64
	state   txnState
	fork    *Server // the command set over the fork
	snapTS  bson.Timestamp
	applied int            // fork oplog entries already checked for conflicts
	keys    []string       // the documents it wrote, held in txnLocks
	commit  wirehost.Reply // the answer to repeat to a retried commit
	api     string         // the API parameters of its first command (apiParams.key)
}

// txnLocks says which transaction wrote each document ("db.coll" + key
// of _id) first: a second writer conflicts. Safe for concurrent use.
type txnLocks struct {
	mu    sync.Mutex
	owner map[string]*transaction
}

// txnCommands are the commands a transaction may run.
var txnCommands = map[string]bool{
	"find": true, "getMore": true, "killCursors": true, "insert": true, "update": true, "delete": true,
	"findAndModify": true, "aggregate": true, "distinct": true, "create": true, "createIndexes": true,
	"commitTransaction": true, "abortTransaction": true, "bulkWrite": true,
}

// txnFields are the fields of a transaction's commands that the
// transaction, not the command set, handles.
var txnFields = map[string]bool{"txnNumber": true, "autocommit": true, "startTransaction": true,
	"readConcern": true, "writeConcern": true}

// transactionCommand runs a command that belongs to a transaction: one
// with autocommit: false, or commitTransaction / abortTransaction.
func (s *Server) transactionCommand(m *member, peer *wirehost.Peer, req *wirehost.Request, sess *serverSession, txnNumber int64) wirehost.Reply {
	start, _ := req.Lookup("startTransaction").Boolean()
	if t := sess.txn; t != nil && t.number == txnNumber && !start {
		if err := checkAPIMatch(req.Name, apiKeyOf(req.Command), t.api, "transaction's first command"); err != nil {
			return errorReply(err)
		}
	}
	switch req.Name {
	case "commitTransaction":
		return s.commitTransaction(sess, txnNumber)
	case "abortTransaction":
		return s.abortTransaction(sess, txnNumber)
	}
	if !txnCommands[req.Name] {
		return errorReply(cmdErrorf(263, "OperationNotSupportedInTransaction",
			"Cannot run '%s' in a multi-document transaction.", req.Name))
	}
	if start {
		if txnNumber == sess.txnNumber && sess.txn != nil {
			return errorReply(cmdErrorf(256, "TransactionCommitted",
				"Transaction with { txnNumber: %d } has been committed or is in progress.", txnNumber))
		}
		if err := checkTxnReadConcern(req); err != nil {
			return errorReply(err)
		}
		s.endTxn(sess.txn)
		fork, ts := s.store.Fork()
		core := s.over(fork)
		sess.txnNumber, sess.answered = txnNumber, map[string]bson.Raw{}
		sess.txn = &transaction{number: txnNumber, fork: core, snapTS: ts, api: apiKeyOf(req.Command)}
	}
	t := sess.txn
	if txnNumber != sess.txnNumber || t == nil || t.state != txnActive {
		return noSuchTransaction(txnNumber)
	}
	r := backend{t.fork}.Command(peer, withoutFields(req, txnFields))
	if err := s.checkConflicts(t); err != nil {
		s.endTxn(t)
		t.state = txnAborted
		return transient(errorReply(err))
	}
	if failed(r.Doc) {
		s.endTxn(t) // an error aborts the transaction, as in MongoDB
		t.state = txnAborted
		if code, _ := r.Doc.Lookup("code").AsInt64(); transientCode(int32(code), false) {
			return transient(r)
		}
	}
	return r
}

// checkTxnReadConcern refuses the read concerns a transaction cannot
// have.
func checkTxnReadConcern(req *wirehost.Request) error {
	level, _ := req.Lookup("readConcern", "level").StringValue()
	switch level {
	case "", "local", "majority", "snapshot":
		return nil
	}
	return cmdErrorf(72, "InvalidOptions", "The readConcern level must be either 'local' (default), 'majority' or 'snapshot' in order to run in a transaction")
}

// failed reports whether a reply is {ok: 0} or has write errors.
func failed(doc bson.Raw) bool {
	ok, _ := doc.Lookup("ok").AsFloat64()
	return ok != 1 || !doc.Lookup("writeErrors").IsZero()
}

// transient labels an error of a transaction TransientTransactionError.
func transient(r wirehost.Reply) wirehost.Reply {
	if r.Doc.Lookup("errorLabels").IsZero() {
		r.Doc = appendField(r.Doc, bson.KV("errorLabels", bson.A{"TransientTransactionError"}))
	}
	return r
}

func noSuchTransaction(txnNumber int64) wirehost.Reply {
	return transient(errorReply(cmdErrorf(251, "NoSuchTransaction",
		"Transaction with { txnNumber: %d } has been aborted.", txnNumber)))
}

// checkConflicts looks at the writes the transaction's last command made
// on its fork: each document must be unwritten by other transactions and
// unchanged in the store since the snapshot.
func (s *Server) checkConflicts(t *transaction) error {
	entries, _ := t.fork.store.Oplog(bson.Timestamp{})
	fresh := entries[t.applied:]
	t.applied = len(entries)
	if len(fresh) == 0 {
		return nil
	}
	changed := map[string]bool{}
	since, _ := s.store.Oplog(t.snapTS)
	for _, e := range since {
		changed[entryKey(e)] = true
	}
	s.sessions.locks.mu.Lock()
	defer s.sessions.locks.mu.Unlock()
	for _, e := range fresh {
		k := entryKey(e)
		if owner := s.sessions.locks.owner[k]; changed[k] || owner != nil && owner != t && owner.state == txnActive {
			return cmdErrorf(112, "WriteConflict",
				"Caused by :: Write conflict during plan execution and yielding is disabled. :: Please retry your operation or multi-document transaction.")
		}
		if owner := s.sessions.locks.owner[k]; owner == nil || owner.state != txnActive {
			s.sessions.locks.owner[k] = t
			t.keys = append(t.keys, k)
		}
	}
	return nil
}

// entryKey names what an oplog entry wrote: a document, or a collection
// for a command.
func entryKey(e store.Entry) string {
	if e.Op == "c" {
		return e.DB + "." + e.Coll
	}
	return e.DB + "." + e.Coll + "\x00" + store.Key(e.ID)
}

// endTxn releases the documents a transaction holds.
func (s *Server) endTxn(t *transaction) {
	if t == nil {
		return
	}
	s.sessions.locks.mu.Lock()
	defer s.sessions.locks.mu.Unlock()
	for _, k := range t.keys {
		if s.sessions.locks.owner[k] == t {
			delete(s.sessions.locks.owner, k)
		}
	}
	t.keys = nil
}

// commitTransaction replays the transaction's writes on the store, at
// once; a retried commit of a committed transaction answers as the first.
func (s *Server) commitTransaction(sess *serverSession, txnNumber int64) wirehost.Reply {
	t := sess.txn
	if t == nil || txnNumber != sess.txnNumber {
		return noSuchTransaction(txnNumber)
	}
	switch t.state {
	case txnCommitted:
		return t.commit
	case txnAborted:
		return noSuchTransaction(txnNumber)
	}
	defer s.endTxn(t)
	entries, _ := t.fork.store.Oplog(bson.Timestamp{})
	_, err := s.store.Write(func(tx *store.Tx) error {
		lsid := bson.D{bson.KV("id", bson.Binary{Subtype: 4, Data: sess.id})}
		tx.Commit(store.TxnID{Lsid: lsid, Number: txnNumber})
		for _, e := range entries {
			if err := replay(tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.state = txnAborted
		return transient(errorReply(cmdErrorf(112, "WriteConflict", "commit: %v", err)))
	}
	t.state = txnCommitted
	t.commit = wirehost.OK()
	return t.commit
}

// replay applies one of a transaction's oplog entries on the store.
func replay(tx *store.Tx, e store.Entry) error {
	switch e.Op {
	case "i":
		return tx.Insert(e.DB, e.Coll, e.Doc)
	case "u":
		return tx.Replace(e.DB, e.Coll, e.Pre, e.Doc, e.Update)
	case "d":
		return tx.Delete(e.DB, e.Coll, e.Pre)
	}
	switch e.Cmd[0].Key {
	case "create":
		if tx.Reader().Coll(e.DB, e.Coll) != nil {
			return nil // it exists in the store by now
		}
		return tx.CreateCollection(e.DB, e.Coll, e.Cmd[1:])
	case "createIndexes":
		specDoc, _ := lookup(e.Cmd, "spec").(bson.D)
		spec, err := parseIndexSpec(specDoc)
		if err != nil {
			return err
		}
		_, err = tx.CreateIndex(e.DB, e.Coll, spec)
		return err
	}
	return cmdErrorf(263, "OperationNotSupportedInTransaction", "%s in a transaction", e.Cmd[0].Key)
}

// abortTransaction drops the transaction's fork.
func (s *Server) abortTransaction(sess *serverSession, txnNumber int64) wirehost.Reply {
	t := sess.txn
	if t == nil || txnNumber != sess.txnNumber || t.state == txnAborted {
		return noSuchTransaction(txnNumber)
	}
	if t.state == txnCommitted {
		return errorReply(cmdErrorf(256, "TransactionCommitted", "Transaction %d has been committed.", txnNumber))
	}
	s.endTxn(t)
	t.state = txnAborted
	return wirehost.OK()
}
