package driver

import (
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/session"
	"github.com/torque-go/torque/topology"
	"github.com/torque-go/torque/wire"
)

// Kind says what an operation does, for server selection and retries.
type Kind uint8

const (
	// Command is any other command: it runs on the primary (or the read
	// preference's server when ReadPref is set), with no retry.
	Command Kind = iota
	// Read selects by read preference, sends $readPreference and the read
	// concern, and may be retried under the retryable-reads rules.
	Read
	// Write selects a writable server, sends the write concern, and may be
	// retried under the retryable-writes rules (with Retryable set).
	Write
	// GetMore is getMore or killCursors: on the cursor's server (Server),
	// never retried, no read concern.
	GetMore
	// Commit and Abort are commitTransaction and abortTransaction (added
	// by helper "changestream" for client/transaction.go): they act on the
	// session's transaction as it is (no StartOperation), package session
	// gives their write concern, and they are retried once after a
	// retryable write error even when retryWrites is off.
	Commit
	Abort
)

// sessionKind maps an operation's kind to the session package's.
func (k Kind) sessionKind() session.OpKind {
	switch k {
	case Read:
		return session.OpRead
	case Write:
		return session.OpWrite
	case GetMore:
		return session.OpGetMore
	case Commit:
		return session.OpCommit
	case Abort:
		return session.OpAbort
	}
	return session.OpCommand
}

// Operation is one command for the executor: a builder, a reply handler
// and the rules that apply. Client builds one per call; the executor adds
// $db, lsid, txnNumber, $clusterTime, concerns and $readPreference.
type Operation struct {
	Name string // the command name, its first key
	DB   string
	Kind Kind
	// OperationID is the operationId of its command log messages: an
	// operation of several commands (a bulk write) gives each the same,
	// from NextOperationID. Zero: Execute takes a new one.
	OperationID int64
	// Retryable allows the one retry the specs permit for this command
	// (a find, an insert, a single-document update ...; not an update
	// with multi: true, not an aggregate with $out).
	Retryable bool

	// Command appends the command's own elements, the name first, inside
	// the body document. It may be called more than once (a retry, a
	// second batch) and must append the same thing every time.
	//
	// The contract on desc: it is the description of the connection's
	// server when the executor calls Command (encode.go, on every
	// attempt), and nil when a caller builds the command ahead of
	// selection (client.execute does, see Built). Every Command must
	// accept nil; one whose command depends on the server (a getMore's
	// comment needs 4.4) is run with Execute directly, never built ahead.
	Command func(dst []byte, desc *topology.ServerDescription) ([]byte, error)
	// Built, when set, is what Command appended, built by the caller
	// ahead of selection (package client does, so that bad arguments fail
	// before any I/O): it is sent instead of calling Command. The executor
	// only reads it, during Execute.
	Built []byte

	// Batch, when set, is sent as a kind-1 document sequence and split
	// over several commands as the server's limits require.
	Batch *Batch

	// Handle is called with each {ok: 1} reply, before its write errors
	// become an error; nil ignores the reply.
	Handle func(r *Reply) error

	// WritesData marks a command that is not a CRUD write but changes
	// data (create, drop, dropDatabase, createIndexes, dropIndexes): a
	// causally consistent session sends it afterClusterTime, as it does a
	// write.
	WritesData bool

	// ReadPref selects the server of a read or a command. A Write has
	// none, but for an aggregate with $out or $merge, whose read
	// preference applies on MongoDB 5.0+ (topology.Criteria.WriteStage).
	ReadPref     topology.ReadPref
	ReadConcern  session.ReadConcern
	WriteConcern session.WriteConcern

	// Session is the explicit session; nil means an implicit one when the
	// server supports sessions.
	Session *session.ClientSession
	// NoSession sends no lsid (endSessions itself).
	NoSession bool
	// KeepSession lets the handler keep an implicit session (a cursor
	// that is not exhausted): see Reply.KeepSession.
	KeepSession bool

	// Server pins the operation to a server (getMore and killCursors on
	// the cursor's server): no selection, no retry elsewhere.
	Server Server
	// Conn, with Server, pins it to a connection too (a cursor's, behind
	// a load balancer): no checkout, and the executor never releases it.
	// After a *NetworkError the executor has closed it: drop it;
	// otherwise the caller still owns it.
	Conn Conn
	// PinConn lets the handler keep the connection when the server is a
	// load balancer (a cursor: see Reply.KeepConn).
	PinConn bool
	// LazyBatch marks a command whose reply is a cursor's batch
	// (cursor.firstBatch or cursor.nextBatch) and whose handler checks
	// each document of it where the document is read: on arrival those
	// documents are only framed (validateCursorReply, cursor_reply.go),
	// the rest of the reply is checked whole.
	LazyBatch bool

	// MaxTime is an explicit maxTimeMS; zero derives one from the timeout
	// when the operation has a timeoutMS (CSOT), unless OmitMaxTime. Under
	// CSOT an explicit MaxTime is ignored (the deprecated option gives way
	// to timeoutMS), but for a getMore's (maxAwaitTimeMS).
	MaxTime     time.Duration
	OmitMaxTime bool

	// CSOT says a client-side operation timeout (timeoutMS) applies, set
	// at some level, 0 included: maxTimeMS is derived from the time left
	// before ctx's deadline, and a retryable failure is retried as often
	// as the rules allow until that deadline (forever with timeoutMS=0),
	// not once. Deadline, when not zero, is the operation's own end; the
	// earlier of it and ctx's deadline wins. Both are zero without
	// timeoutMS: one retry, no derived maxTimeMS (see csot.go).
	CSOT     bool
	Deadline time.Time
}

// Batch is the documents of a write, sent as the document sequence
// Identifier ("documents", "updates", "deletes"): Docs, already encoded,
// or, when Append is set, Len documents that Append encodes straight into
// the message.
type Batch struct {
	Identifier string
	Docs       [][]byte
	// Append appends document i to dst and returns dst; on error dst may
	// hold a partial document (the executor drops it). A retry calls it
	// again for the same i and it must append the same bytes.
	Append func(dst []byte, i int) ([]byte, error)
	Len    int
	// Ordered stops after the first batch that has a write error.
	Ordered bool

	// Sequences, when set, appends the batch's document sequences itself,
	// for a command with more than one (bulkWrite's ops and nsInfo) or
	// whose documents depend on the batch they are in; Identifier, Docs
	// and Append are then unused and Len is the number of documents. It
	// appends those of documents [start, start+n) when n > 0 (a retry
	// resends the batch of its first attempt), else of as many documents
	// from start as lim allows, and returns how many it put in (at least
	// one, or an error).
	Sequences func(dst []byte, start, n int, lim Limits) ([]byte, int, error)
	// Split, when set with Sequences, fixes each batch before its command
	// is built (on the server of its first attempt): how many documents
	// from start go into it (at least one, or an error), and whether it
	// may be retried (a client bulk write's batch with a multi update or
	// delete may not). Sequences is then called with that n.
	Split func(start int, lim Limits) (n int, retryable bool, err error)
	// Continue, when set, is asked after each batch (but the last) that
	// went out without an error whether to send the next: a reply whose
	// errors only the handler can see (bulkWrite's results cursor) can
	// end an ordered write.
	Continue func() bool
}

// Limits are the selected server's limits (defaults filled in) and the
// size of the message before the batch's sequences, for Batch.Sequences.
type Limits struct {
	MaxMessageSizeBytes, MaxWriteBatchSize, MaxBSONObjectSize int
	MessageSoFar                                              int
}

// count is the number of documents in the batch.
func (b *Batch) count() int {
	if b.Append != nil || b.Sequences != nil {
		return b.Len
	}
	return len(b.Docs)
}

// appendDoc appends document i of the batch to dst.
func (b *Batch) appendDoc(dst []byte, i int) ([]byte, error) {
	if b.Append != nil {
		return b.Append(dst, i)
	}
	return append(dst, b.Docs[i]...), nil
}

// Reply is one {ok: 1} reply, as the handler sees it. Doc lives in a
// pooled buffer that goes back to the pool when the handler returns,
// unless it calls Keep.
type Reply struct {
	Doc bson.Raw
	// Server is the server that answered (a cursor's getMore goes there).
	Server Server
	// BatchStart and BatchLen place the batch in the operation's
	// documents.
	BatchStart, BatchLen int

	buf         *[]byte
	kept        bool
	conn        Conn // a connection the handler may keep (PinConn)
	connKept    bool
	session     *session.ClientSession
	implicit    bool
	sessionKept bool
}

// Keep takes ownership of the buffer holding Doc: Doc stays valid until the
// caller returns buf with wire.PutBuffer.
func (r *Reply) Keep() (buf *[]byte) {
	r.kept = true
	return r.buf
}

// KeepSession takes an implicit session away from the executor (which
// would end it when the operation returns); the caller ends it with
// its End. It returns nil for an explicit session or none.
func (r *Reply) KeepSession() *session.ClientSession {
	if !r.implicit || r.session == nil {
		return nil
	}
	r.sessionKept = true
	return r.session
}

// KeepConn takes the connection that carried the reply away from the
// executor, for a cursor behind a load balancer, whose getMore and
// killCursors must use it (Operation.Conn); the caller releases it when
// the cursor is done. It returns nil unless the operation had PinConn and
// the server is a load balancer.
func (r *Reply) KeepConn() Conn {
	if r.conn == nil {
		return nil
	}
	r.connKept = true
	return r.conn
}

// release returns the reply's buffer unless the handler kept it, and its
// connection likewise.
func (r *Reply) release() {
	if r == nil {
		return
	}
	if !r.kept && r.buf != nil {
		wire.PutBuffer(r.buf)
	}
	r.buf = nil
	if r.conn != nil && !r.connKept {
		r.conn.Release()
	}
	r.conn = nil
}
