package driver

import (
	"github.com/torque-go/torque/pool"
	"github.com/torque-go/torque/session"
	"github.com/torque-go/torque/topology"
)

// pin pins the session of a transaction's first command to the mongos
// selected for it (the transactions specification's mongos pinning):
// selectServer sends every later command of the transaction, commit and
// abort included, to that mongos until the session unpins (session.Finish
// and unpinAfter say when).
func (x *Executor) pin(ex *execution, srv Server) {
	if ex.sess == nil || !ex.sess.InTransaction() {
		return
	}
	if _, ok := ex.sess.Pinned(); ok {
		return
	}
	if d := srv.Description(); d.Type == topology.Mongos {
		ex.sess.Pin(session.Pin{Addr: d.Addr})
	}
}

// unpinAfter unpins the session after an operation's final error when the
// specification says so: a TransientTransactionError, a commit with an
// unknown result, any abort. session.Finish does the same after each
// round trip; this covers the errors met before one (server selection, a
// connection that could not be checked out).
func unpinAfter(ex *execution, err error) {
	if HasLabel(err, LabelTransientTxn) || ex.op.Kind == Abort ||
		ex.op.Kind == Commit && HasLabel(err, LabelUnknownCommit) {
		ex.sess.Unpin()
	}
}

// addTransactionLabels adds to err, the final error of an operation run in
// a session, the labels the transactions specification gives it
// (session.TransactionLabels): TransientTransactionError for a network
// error inside a transaction or of abortTransaction,
// UnknownTransactionCommitResult for a commit whose outcome is unknown,
// and returns it. A commit cut short by the caller's context (or its
// timeoutMS) is one: it may have reached the server, and calling
// CommitTransaction again is the way to learn the outcome, as after a
// server selection error (the specification labels those even when
// nothing was sent). It stays the caller's error (errors.Is finds the
// context's), never a network error: the label is all it gains
// (commit_labels.go).
// (Added by helper "changestream" with the Commit and Abort kinds.)
func addTransactionLabels(ex *execution, err error) error {
	kind := ex.op.Kind.sessionKind()
	if kind == session.OpCommit && commitEndedByCaller(err) {
		return withLabel(err, LabelUnknownCommit)
	}
	for _, l := range session.TransactionLabels(classify(err), kind, ex.sess.InTransaction()) {
		addLabel(err, l)
	}
	return err
}

// Classified wraps err, an error of the driver, so that package
// session's rules read it (session.HasErrorLabel, session.WithTransaction
// look for a session.ClassifiedError); errors.Is and errors.As see
// through the wrapper, and Unclassified removes it. nil stays nil.
func Classified(err error) error {
	if err == nil {
		return nil
	}
	return classifiedError{classified{err}}
}

// Unclassified returns the error Classified wrapped, or err itself.
func Unclassified(err error) error {
	if c, ok := err.(classifiedError); ok {
		return c.error
	}
	return err
}

// classifiedError is classified with Unwrap.
type classifiedError struct{ classified }

func (c classifiedError) Unwrap() error { return c.error }

// pinnedConn is the connection a transaction behind a load balancer holds
// from its first command to its end (the load-balancers specification:
// every command of the transaction must reach the same mongos, and only
// that connection is sure to). The session owns it (session.Pin.Conn) and
// releases it when it unpins; the executor never releases it itself. A
// release that comes while an attempt still uses the connection (the
// session unpins inside Finish) waits until the attempt ends.
type pinnedConn struct {
	Conn
	busy     bool // an attempt is using it
	released bool // the session let go of it while busy
	closed   bool // Close gave it back already (a network error)
}

// Close discards the connection (which gives it back to its pool).
func (p *pinnedConn) Close() error {
	p.closed = true
	return p.Conn.Close()
}

// Release gives the connection back to its pool, at the end of the
// attempt using it, if any.
func (p *pinnedConn) Release() {
	if p.closed {
		return
	}
	if p.busy {
		p.released = true
		return
	}
	p.Conn.Release()
}

// idle ends an attempt's use of the connection.
func (p *pinnedConn) idle() {
	p.busy = false
	if p.released && !p.closed {
		p.released = false
		p.Conn.Release()
	}
}

// txnConn returns the connection the session's load-balanced transaction
// is pinned to, if any.
func txnConn(ex *execution) *pinnedConn {
	if ex.sess == nil {
		return nil
	}
	if p, ok := ex.sess.Pinned(); ok {
		pc, _ := p.Conn.(*pinnedConn)
		return pc
	}
	return nil
}

// pinConn pins the session of a transaction's first command behind a
// load balancer to the connection checked out for it, and returns the
// connection to use: the pinned one, or conn itself.
func pinConn(ex *execution, srv Server, conn Conn) Conn {
	if ex.sess == nil || !ex.sess.InTransaction() || srv.Description().Type != topology.LoadBalancer {
		return conn
	}
	if _, ok := ex.sess.Pinned(); ok {
		return conn
	}
	markPin(conn, pool.PinTransaction)
	pc := &pinnedConn{Conn: conn}
	ex.sess.Pin(session.Pin{Addr: srv.Description().Addr, Conn: pc})
	return pc
}

// bareConn is the deployment's own connection under a pinnedConn, for the
// deployment's methods that take one back (ReportError).
func bareConn(conn Conn) Conn {
	if pc, ok := conn.(*pinnedConn); ok {
		return pc.Conn
	}
	return conn
}

// markPin tells the connection's pool what holds it beyond the operation
// (a cursor, a transaction), for the counts of its wait-queue timeout
// error, when the deployment's connections take it.
func markPin(conn Conn, kind pool.PinKind) {
	if p, ok := conn.(interface{ Pin(pool.PinKind) }); ok {
		p.Pin(kind)
	}
}
