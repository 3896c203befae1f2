package session

import (
	"github.com/torque-go/torque/bson"
)

// OpKind says how a command relates to read concerns and transactions.
type OpKind uint8

// The kinds of command.
const (
	// OpRead is a read that takes a read concern: find, aggregate without
	// a write stage, distinct, count, listCollections...
	OpRead OpKind = iota
	// OpWrite is insert, update, delete, findAndModify, a writing
	// aggregate.
	OpWrite
	// OpCommand is any other command (runCommand, createIndexes, ...):
	// no read concern outside a transaction except a snapshot session's.
	OpCommand
	// OpGetMore is getMore or killCursors: never a read concern.
	OpGetMore
	// OpCommit is commitTransaction, OpAbort abortTransaction.
	OpCommit
	OpAbort
)

// Minimum wire version of snapshot reads (MongoDB 5.0).
const snapshotMinWireVersion = 13

// Op describes one command attempt to Prepare.
type Op struct {
	Kind OpKind
	// ReadConcern is the read concern the operation inherits (from the
	// collection, database or client). It is sent with OpRead outside
	// transactions, merged with afterClusterTime. An OpWrite is given one
	// only when it reads too (an aggregate with $out or $merge, which the
	// CRUD spec sends it with); otherwise a causally consistent session's
	// write carries afterClusterTime alone.
	ReadConcern ReadConcern
	// RetryableWrite adds txnNumber outside transactions: the write is
	// retryable and IncrementTxnNumber was called for the operation.
	RetryableWrite bool
	// WireVersion is the selected server's maxWireVersion.
	WireVersion int32
	// OverloadRetry: the attempt retries one that failed with an
	// overload error, under the client backpressure rules alone. A commit
	// is then sent as the attempt before it was (it does not count as a
	// retried commit, which takes w:majority).
	OverloadRetry bool
}

// Fields are the session fields of one command, as Prepare computed them;
// Append writes them. The zero value writes nothing.
type Fields struct {
	LSID             bson.Raw // lsid
	TxnNumber        int64    // txnNumber, when HasTxnNumber
	HasTxnNumber     bool
	StartTransaction bool // startTransaction: true
	AutocommitFalse  bool // autocommit: false

	HasReadConcern   bool // readConcern: {level?, afterClusterTime?, atClusterTime?}
	ReadConcern      ReadConcern
	AfterClusterTime bson.Timestamp // zero: absent
	AtClusterTime    bson.Timestamp // zero: absent

	WriteConcern  *WriteConcern // commit and abort only
	MaxTimeMS     int64         // commit only, when > 0
	RecoveryToken bson.Raw      // commit and abort of a sharded transaction
	ClusterTime   bson.Raw      // $clusterTime
}

// Prepare computes the session fields of one attempt of a command: lsid,
// txnNumber, startTransaction, autocommit, readConcern (with
// afterClusterTime in causally consistent sessions, atClusterTime in
// snapshot sessions, and in a transaction only on its first command),
// commit and abort's writeConcern, maxTimeMS and recoveryToken, and
// $clusterTime: the later of clientTime (the client's Clock) and the
// session's. Call it once per attempt, after Acquire: it counts commit
// attempts (a later one uses w:majority).
//
// Prepare may be called on a nil session, for commands that run without
// one (a server without sessions, an unacknowledged write): it then gives
// only the read concern of a read and $clusterTime.
func (s *ClientSession) Prepare(op Op, clientTime ClusterTime) (Fields, error) {
	var f Fields
	if s == nil {
		f.setReadConcern(op.Kind == OpRead || op.Kind == OpWrite, op.ReadConcern, bson.Timestamp{}, bson.Timestamp{})
		f.ClusterTime = clientTime.Raw()
		return f, nil
	}
	if s.ended {
		return Fields{}, newError(ErrSessionEnded)
	}
	if s.server == nil {
		return Fields{}, newError(ErrNoServerSession)
	}
	if s.snapshot && op.WireVersion < snapshotMinWireVersion {
		return Fields{}, newError(ErrSnapshotWireVersion)
	}
	s.server.lastUsed = s.pool.now()
	f.LSID = s.server.id
	f.ClusterTime = MaxClusterTime(clientTime, s.clusterTime).Raw()
	switch {
	case op.Kind == OpCommit || op.Kind == OpAbort:
		s.prepareEnd(&f, op)
	case s.InTransaction():
		s.prepareInTransaction(&f)
	default:
		if op.RetryableWrite {
			f.TxnNumber, f.HasTxnNumber = s.server.txnNumber, true
		}
		s.prepareReadConcern(&f, op)
	}
	return f, nil
}

// prepareInTransaction: every command of a transaction carries txnNumber
// and autocommit:false; the first also startTransaction and the
// transaction's read concern (with afterClusterTime even for a write).
func (s *ClientSession) prepareInTransaction(f *Fields) {
	if !s.txn.numbered {
		s.server.txnNumber++
		s.txn.numbered = true
	}
	f.TxnNumber, f.HasTxnNumber, f.AutocommitFalse = s.server.txnNumber, true, true
	if s.txn.state != TxnStarting {
		return
	}
	f.StartTransaction = true
	var rc ReadConcern
	if s.txn.opts.ReadConcern != nil {
		rc = *s.txn.opts.ReadConcern
	}
	f.setReadConcern(true, rc, s.afterClusterTime(), bson.Timestamp{})
}

// prepareEnd fills commitTransaction and abortTransaction.
func (s *ClientSession) prepareEnd(f *Fields, op Op) {
	f.TxnNumber, f.HasTxnNumber, f.AutocommitFalse = s.server.txnNumber, true, true
	f.RecoveryToken = s.txn.recoveryToken
	if op.Kind == OpAbort {
		if wc := s.txn.opts.WriteConcern; wc != nil && !wc.IsServerDefault() {
			f.WriteConcern = wc
		}
		return
	}
	if op.OverloadRetry && s.txn.commitAttempts > 0 {
		s.txn.commitAttempts-- // sent as the attempt it retries
	}
	if wc, send := s.commitWriteConcern(); send {
		f.WriteConcern = &wc
	}
	s.txn.commitAttempts++
	if mct := s.txn.opts.MaxCommitTime; mct != nil && *mct > 0 {
		f.MaxTimeMS = mct.Milliseconds()
	}
}

// prepareReadConcern handles commands outside transactions.
func (s *ClientSession) prepareReadConcern(f *Fields, op Op) {
	if s.snapshot {
		if op.Kind == OpGetMore {
			return
		}
		f.setReadConcern(true, ReadConcern{Level: "snapshot"}, bson.Timestamp{}, s.snapshotTime)
		return
	}
	switch op.Kind {
	case OpRead:
		f.setReadConcern(true, op.ReadConcern, s.afterClusterTime(), bson.Timestamp{})
	case OpWrite:
		// Writes carry afterClusterTime too, with no level: the causal
		// consistency spec's change of 2026-05-04 (insert, update, delete
		// and findAndModify accept it; prose test 13). A writing aggregate
		// ($out, $merge) is given its collection's level (CRUD spec).
		f.setReadConcern(true, op.ReadConcern, s.afterClusterTime(), bson.Timestamp{})
	}
}

// afterClusterTime is the operationTime a causally consistent session's
// next read must follow; zero before the first reply.
func (s *ClientSession) afterClusterTime() bson.Timestamp {
	if !s.causal || !s.hasOperationTime {
		return bson.Timestamp{}
	}
	return s.operationTime
}

// setReadConcern sets the read concern when it says anything: a level or
// a cluster time.
func (f *Fields) setReadConcern(want bool, rc ReadConcern, after, at bson.Timestamp) {
	if !want || (rc.Level == "" && after == (bson.Timestamp{}) && at == (bson.Timestamp{})) {
		return
	}
	f.HasReadConcern, f.ReadConcern, f.AfterClusterTime, f.AtClusterTime = true, rc, after, at
}

// Append appends the fields to a command document being built (between
// AppendDocumentStart and AppendDocumentEnd), in the order lsid,
// txnNumber, startTransaction, autocommit, readConcern, writeConcern,
// maxTimeMS, recoveryToken, $clusterTime. It does not allocate beyond
// growing dst.
func (f *Fields) Append(dst []byte) []byte {
	if f.LSID != nil {
		dst = bson.AppendDocumentElement(dst, "lsid", f.LSID)
	}
	if f.HasTxnNumber {
		dst = bson.AppendInt64Element(dst, "txnNumber", f.TxnNumber)
	}
	if f.StartTransaction {
		dst = bson.AppendBooleanElement(dst, "startTransaction", true)
	}
	if f.AutocommitFalse {
		dst = bson.AppendBooleanElement(dst, "autocommit", false)
	}
	if f.HasReadConcern {
		dst = f.appendReadConcern(dst)
	}
	if f.WriteConcern != nil {
		dst = appendWriteConcern(dst, "writeConcern", *f.WriteConcern)
	}
	if f.MaxTimeMS > 0 {
		dst = bson.AppendInt64Element(dst, "maxTimeMS", f.MaxTimeMS)
	}
	if f.RecoveryToken != nil {
		dst = bson.AppendDocumentElement(dst, "recoveryToken", f.RecoveryToken)
	}
	if f.ClusterTime != nil {
		dst = bson.AppendDocumentElement(dst, "$clusterTime", f.ClusterTime)
	}
	return dst
}

func (f *Fields) appendReadConcern(dst []byte) []byte {
	start, dst := bson.AppendDocumentElementStart(dst, "readConcern")
	if f.ReadConcern.Level != "" {
		dst = bson.AppendStringElement(dst, "level", f.ReadConcern.Level)
	}
	if f.AfterClusterTime != (bson.Timestamp{}) {
		dst = bson.AppendTimestampElement(dst, "afterClusterTime", f.AfterClusterTime.T, f.AfterClusterTime.I)
	}
	if f.AtClusterTime != (bson.Timestamp{}) {
		dst = bson.AppendTimestampElement(dst, "atClusterTime", f.AtClusterTime.T, f.AtClusterTime.I)
	}
	return endDocument(dst, start)
}
