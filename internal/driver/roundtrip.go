package driver

import (
	"context"
	"errors"
	"fmt"
	"github.com/torque-go/torque/pool"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/session"
	"github.com/torque-go/torque/topology"
	"github.com/torque-go/torque/wire"
)

// roundTrip encodes ex's command, sends it on conn, reads and classifies
// the reply. The connection goes back to its pool, or is closed when the
// stream is out of step (a network error, a timeout while a reply was
// due, a malformed reply). An {ok: 1} reply comes back (with a
// *WriteException error when it has write errors); the caller releases it.
func (x *Executor) roundTrip(ctx context.Context, ex *execution, srv Server, conn Conn) (*Reply, error) {
	ex.desc = conn.Description()
	buf := wire.GetBuffer()
	e, err := x.encode(ctx, *buf, ex, srv, &ex.desc)
	if err != nil {
		wire.PutBuffer(buf)
		x.release(ex, conn)
		return nil, err
	}
	if cap(e.msg) > cap(*buf) {
		*buf = e.msg[:0] // grown for a large message: the pool keeps it
	}
	ev := x.started(ex, conn, &e)
	out, sent, err := conn.RoundTrip(ctx, e.msg, buf)
	if err != nil {
		wire.PutBuffer(buf)
		if contextEnded(ctx) && isContextError(err) || errors.Is(err, ErrClientDisconnected) {
			return nil, x.endedByCaller(ctx, ex, conn, ev, err, sent)
		}
		return nil, x.connFailed(ctx, ex, srv, conn, ev, err, sent)
	}
	if e.moreToCome {
		wire.PutBuffer(buf)
		x.release(ex, conn)
		x.succeeded(ev, okReply)
		return nil, nil
	}
	body := bson.Raw(out)
	if err := validateReply(body, ex.op.LazyBatch); err != nil {
		wire.PutBuffer(buf)
		return nil, x.replyInvalid(ex, conn, ev, err)
	}
	return x.classify(ex, srv, conn, ev, buf, body)
}

// release returns a healthy connection to its pool, unless it is the
// operation's own (Operation.Conn) or its transaction's (pinnedConn).
func (x *Executor) release(ex *execution, conn Conn) {
	if _, pinned := conn.(*pinnedConn); ex.op.Conn == nil && !pinned {
		conn.Release()
	}
}

// okReply is the reply reported for an unacknowledged write: {ok: 1}.
var okReply = func() bson.Raw {
	start, doc := bson.AppendDocumentStart(nil)
	doc = bson.AppendDoubleElement(doc, "ok", 1)
	doc, _ = bson.AppendDocumentEnd(doc, start)
	return doc
}()

// connFailed handles a failure of the connection itself: the connection
// is closed (a reply may still be due: closing is how this driver keeps a
// stream in step, and no goroutine is left to drain it), the error becomes
// a *NetworkError, SDAM hears of it and the session is marked dirty.
// SDAM hears first, as the load-balancers tests require (the pool is
// cleared before the connection goes back to it).
func (x *Executor) connFailed(ctx context.Context, ex *execution, srv Server, conn Conn, ev *event, err error, sent bool) error {
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		err = fmt.Errorf("%w: %w", cerr, err)
	}
	ne := &NetworkError{Addr: string(conn.Description().Addr), Err: err, Sent: sent}
	srv.ReportError(bareConn(conn), ne)
	conn.Close()
	if ex.sess != nil {
		_ = ex.sess.Finish(ex.op.Kind.sessionKind(), nil, classify(ne))
	}
	x.failed(ev, ne)
	return ne
}

// endedByCaller handles a round trip cut short by the operation's own
// context (cancelled, or past its deadline) or by the client's Disconnect:
// the caller's doing, which says nothing about the server. The connection goes back to its pool,
// which closes it if a reply is still due or the stream was cut, and
// keeps it if nothing was sent; SDAM hears nothing; the error is not a
// network error, so nothing retries it. A request that went out leaves
// the server session in an unknown state: it is marked dirty.
func (x *Executor) endedByCaller(ctx context.Context, ex *execution, conn Conn, ev *event, err error, sent bool) error {
	x.release(ex, conn)
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		err = fmt.Errorf("%w: %w", cerr, err)
	}
	if ex.sess != nil {
		if ss := ex.sess.ServerSession(); sent && ss != nil {
			ss.MarkDirty()
		}
		_ = ex.sess.Finish(ex.op.Kind.sessionKind(), nil, classify(err))
	}
	x.failed(ev, err)
	return err
}

// replyInvalid handles a reply that arrived whole, framed as it should
// be, but whose content this driver cannot read: malformed BSON, or no
// "ok" field. The stream is in step, so the connection goes back to its
// pool; it is the operation's error (wrapping the *bson.DecodeError, with
// the command's name), never a network error, never SDAM input, never a
// reason to retry.
func (x *Executor) replyInvalid(ex *execution, conn Conn, ev *event, err error) error {
	x.release(ex, conn)
	err = &ReplyError{Command: ex.op.Name, Err: err}
	if ex.sess != nil {
		_ = ex.sess.Finish(ex.op.Kind.sessionKind(), nil, classify(err))
	}
	x.failed(ev, err)
	return err
}

// classify reads a reply: it records the cluster and operation times,
// turns {ok: 0} into an *Error and write errors into a *WriteException,
// and tells SDAM about state-change errors.
func (x *Executor) classify(ex *execution, srv Server, conn Conn, ev *event, buf *[]byte, body bson.Raw) (*Reply, error) {
	f, err := scanReply(body)
	if err != nil {
		wire.PutBuffer(buf)
		return nil, x.replyInvalid(ex, conn, ev, err)
	}
	if !f.ok {
		e := commandError(body, &f)
		x.recordTimes(ex, &f, body, e)
		wire.PutBuffer(buf)
		if e.Code == 20 && ex.retry && ex.op.Kind == Write {
			e.Message = "this MongoDB deployment does not support retryable writes: add retryWrites=false to the connection string (" + e.Message + ")"
		}
		if wantsReauth(ex, conn, e) {
			x.failed(ev, e)
			return nil, &reauthNeeded{err: e} // conn stays checked out: reauth.go
		}
		srv.ReportError(bareConn(conn), e)
		x.release(ex, conn)
		x.failed(ev, e)
		return nil, e
	}
	x.succeeded(ev, body)
	we := writeException(&f, ex.start)
	if we != nil {
		x.recordTimes(ex, &f, body, we)
	} else {
		x.recordTimes(ex, &f, body, nil)
	}
	r := &Reply{Doc: body, Server: srv, BatchStart: ex.start, BatchLen: ex.n, buf: buf, session: ex.sess, implicit: ex.implicit}
	if we != nil && we.WriteConcernError != nil {
		srv.ReportError(bareConn(conn), we)
	}
	if _, txn := conn.(*pinnedConn); ex.op.PinConn && ex.op.Conn == nil && !txn && srv.Description().Type == topology.LoadBalancer {
		r.conn = conn // the handler may keep it; Reply.release releases it otherwise
		markPin(conn, pool.PinCursor)
	} else {
		x.release(ex, conn)
	}
	if we != nil {
		return r, we
	}
	return r, nil
}

// recordTimes advances the client's cluster time, and gives the reply
// and its error to the session (operation and cluster time, transaction
// state, a dirty server session).
func (x *Executor) recordTimes(ex *execution, f *replyFields, body bson.Raw, err error) {
	if f.clusterTime != nil && x.Clock != nil {
		if ct, perr := session.ParseClusterTime(f.clusterTime); perr == nil {
			x.Clock.Advance(ct)
		}
	}
	if ex.sess != nil {
		_ = ex.sess.Finish(ex.op.Kind.sessionKind(), body, classify(err))
	}
}

// sinceMono is time.Since, kept in one place for the events.
func sinceMono(t time.Time) time.Duration { return time.Since(t) }
