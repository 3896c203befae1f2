package driver

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/session"
	"github.com/torque-go/torque/topology"
	"github.com/torque-go/torque/wire"
)

// commandOverhead is the room the batch rules leave a statement beyond
// maxBsonObjectSize for its command fields (an update's q and u together).
const commandOverhead = 16 * 1024

// encoded is one OP_MSG ready to send, with what monitoring needs.
type encoded struct {
	msg        []byte
	requestID  int32
	body       bson.Raw // the command document, inside msg
	moreToCome bool
}

// encode builds the OP_MSG for ex's command into dst: the operation's own
// fields, then $db, lsid, txnNumber, $clusterTime, concerns,
// $readPreference and maxTimeMS, then the batch's document sequence.
func (x *Executor) encode(ctx context.Context, dst []byte, ex *execution, srv Server, desc *topology.ServerDescription) (encoded, error) {
	op := ex.op
	var e encoded
	e.requestID = wire.NextRequestID()
	var flags wire.MsgFlags
	// In a transaction the collection's write concern does not apply
	// (the commit's does): w:0 there still waits for the reply.
	if op.Kind == Write && !op.WriteConcern.Acknowledged() && (ex.sess == nil || !ex.sess.InTransaction()) {
		flags, e.moreToCome = wire.MoreToCome, true
	}
	start, dst := wire.StartMsg(dst, e.requestID, 0, flags)
	dst = wire.StartBody(dst)
	bodyStart := len(dst)
	doc, dst := bson.AppendDocumentStart(dst)
	var err error
	if op.Built != nil {
		dst = append(dst, op.Built...)
	} else if dst, err = op.Command(dst, desc); err != nil {
		return e, err
	}
	dst = bson.AppendStringElement(dst, "$db", op.DB)
	dst = appendServerAPI(dst, x.ServerAPI)
	if dst, err = x.appendSession(dst, ex, desc); err != nil {
		return e, err
	}
	dst = x.appendReadPrefFor(dst, op, srv, desc)
	if dst, err = x.appendMaxTime(ctx, dst, op, desc); err != nil {
		return e, err
	}
	if dst, err = bson.AppendDocumentEnd(dst, doc); err != nil {
		return e, err
	}
	if max := int(desc.MaxBSONObjectSize); max > 0 && len(dst)-bodyStart > max+commandOverhead {
		return e, fmt.Errorf("driver: %s command is %d bytes, over the server's limit of %d", op.Name, len(dst)-bodyStart, max+commandOverhead)
	}
	e.body = bson.Raw(dst[bodyStart:len(dst):len(dst)])
	if op.Batch != nil {
		if dst, err = x.appendBatch(dst, ex, desc, len(dst)-start); err != nil {
			return e, err
		}
	}
	if dst, err = wire.FinishMsg(dst, start); err != nil {
		return e, err
	}
	e.msg = dst[start:]
	e.body = bson.Raw(e.msg[bodyStart-start : bodyStart-start+len(e.body)])
	return e, nil
}

// appendSession appends the session's fields (lsid, txnNumber, the
// transaction fields, readConcern, $clusterTime), as package session
// computes them, and the operation's write concern outside transactions.
func (x *Executor) appendSession(dst []byte, ex *execution, desc *topology.ServerDescription) ([]byte, error) {
	op := ex.op
	var ct session.ClusterTime
	if x.Clock != nil {
		ct = x.Clock.Get()
	}
	kind := op.Kind.sessionKind()
	if op.WritesData && kind == session.OpCommand {
		kind = session.OpWrite
	}
	f, err := ex.sess.Prepare(session.Op{
		Kind:           kind,
		ReadConcern:    op.ReadConcern,
		RetryableWrite: ex.retry && op.Kind == Write,
		WireVersion:    desc.MaxWireVersion,
		OverloadRetry:  ex.overloadRetry,
	}, ct)
	if err != nil {
		return dst, err
	}
	csotFields(op, &f)
	dst = f.Append(dst)
	inTxn := ex.sess != nil && ex.sess.InTransaction()
	if !inTxn && f.WriteConcern == nil && (op.Kind == Write || op.Kind == Command) {
		dst = appendWriteConcern(dst, csotWriteConcern(op))
	}
	return dst, nil
}

// appendReadPrefFor appends $readPreference to a read or a generic
// command when the topology needs it (see readPrefToSend); to a write
// only when it has a read preference (an aggregate with $out or $merge)
// and the server is MongoDB 5.0+, which may run it on a secondary.
func (x *Executor) appendReadPrefFor(dst []byte, op *Operation, srv Server, desc *topology.ServerDescription) []byte {
	writeStage := op.Kind == Write && op.ReadPref.Mode != topology.Primary &&
		desc.MaxWireVersion >= topology.WriteStageReadPrefWireVersion
	if op.Kind == Read || op.Kind == Command || writeStage {
		if rp, ok := readPrefToSend(op.ReadPref, srv.TopologyType(), desc.Type); ok {
			dst = appendReadPref(dst, rp)
		}
	}
	return dst
}

// appendMaxTime appends maxTimeMS: under CSOT what is left of the
// deadline less the server's minimum round trip (nothing with no deadline:
// timeoutMS=0), failing before sending when that is under a millisecond;
// else the operation's own. A getMore's MaxTime (maxAwaitTimeMS) is
// always its own.
func (x *Executor) appendMaxTime(ctx context.Context, dst []byte, op *Operation, desc *topology.ServerDescription) ([]byte, error) {
	if op.MaxTime > 0 && (!op.CSOT || op.Kind == GetMore) {
		return bson.AppendInt64Element(dst, "maxTimeMS", max(op.MaxTime.Milliseconds(), 1)), nil
	}
	if !op.CSOT || op.Deadline.IsZero() || op.OmitMaxTime || op.Kind == Write && !op.WriteConcern.Acknowledged() {
		return dst, nil // timeoutMS=0: no limit, no maxTimeMS
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		return dst, nil
	}
	left := time.Until(deadline) - desc.MinRTT
	if left < time.Millisecond {
		return dst, timeoutBeforeSend(op.Name)
	}
	return bson.AppendInt64Element(dst, "maxTimeMS", left.Milliseconds()), nil
}

// appendBatch appends the document sequence of the batch starting at
// ex.start: ex.n documents when a first attempt already fixed the count,
// else as many as the server's limits allow. msgLen is the message so far.
// Each document is encoded once, in place. When the first message cannot
// hold them all, the rest are encoded aside before it is sent (see
// encodeRest), so a document that cannot be encoded or is too large fails
// the write before anything goes out.
func (x *Executor) appendBatch(dst []byte, ex *execution, desc *topology.ServerDescription, msgLen int) ([]byte, error) {
	b := ex.op.Batch
	lim := limitsOf(desc)
	maxCount, maxMsg, maxDoc := lim.MaxWriteBatchSize, lim.MaxMessageSizeBytes, lim.MaxBSONObjectSize
	if b.Sequences != nil {
		lim.MessageSoFar = msgLen
		at := len(dst)
		dst, n, err := b.Sequences(dst, ex.start, ex.n, lim)
		if err == nil && (n <= 0 || n > b.Len-ex.start || ex.n > 0 && n != ex.n) {
			err = fmt.Errorf("driver: %s: the batch from document %d has %d documents", ex.op.Name, ex.start, n)
		}
		if err != nil {
			return dst[:at], err
		}
		ex.n = n
		return dst, nil
	}
	if b.Identifier != "documents" {
		maxDoc += commandOverhead
	}
	first := ex.start == 0 && ex.n == 0
	seq, dst := wire.StartSequence(dst, b.Identifier)
	size := msgLen + len(dst) - seq + 4 // + a checksum's room
	n := 0
	for i := ex.start; i < b.count(); i++ {
		if ex.n > 0 && n == ex.n || ex.n == 0 && n == maxCount {
			break
		}
		at := len(dst)
		var err error
		if dst, err = x.appendBatchDoc(dst, ex, i); err != nil {
			return dst[:at], err
		}
		d := dst[at:]
		if err := checkDocSize(i, len(d), maxDoc); err != nil {
			return dst[:at], err
		}
		if size+len(d) > maxMsg {
			if n == 0 {
				return dst[:at], fmt.Errorf("driver: document %d (%d bytes) does not fit in a message of maxMessageSizeBytes %d", i, len(d), maxMsg)
			}
			if first { // keep its encoding for the next message
				ex.pre, ex.preEnds, ex.preFrom = append(ex.pre[:0], d...), append(ex.preEnds[:0], len(d)), i
			}
			dst = dst[:at]
			break
		}
		size += len(d)
		n++
		if n == 1 && ex.n == 0 {
			dst = growForBatch(dst, len(d), min(b.count()-i, maxCount), maxMsg-size)
		}
	}
	if first && n < b.count() {
		if err := x.encodeRest(ex, n, maxDoc); err != nil {
			return dst[:seq], err
		}
	}
	ex.n = n
	return wire.EndSequence(dst, seq)
}

// encodeRest encodes documents from (or from just after the one the first
// message left out) to the end into ex.pre, checking each one's size.
// Documents given already encoded (Batch.Docs) are only checked.
func (x *Executor) encodeRest(ex *execution, from, maxDoc int) error {
	b := ex.op.Batch
	if b.Append == nil {
		for i := from; i < len(b.Docs); i++ {
			if err := checkDocSize(i, len(b.Docs[i]), maxDoc); err != nil {
				return err
			}
		}
		return nil
	}
	if len(ex.preEnds) == 0 {
		ex.pre, ex.preFrom = ex.pre[:0], from
	}
	for i := ex.preFrom + len(ex.preEnds); i < b.count(); i++ {
		at := len(ex.pre)
		var err error
		if ex.pre, err = b.appendDoc(ex.pre, i); err != nil {
			return err
		}
		if err := checkDocSize(i, len(ex.pre)-at, maxDoc); err != nil {
			return err
		}
		ex.preEnds = append(ex.preEnds, len(ex.pre))
	}
	return nil
}

func checkDocSize(i, size, maxDoc int) error {
	if size > maxDoc {
		return fmt.Errorf("driver: document %d is %d bytes, over the server's maxBsonObjectSize of %d", i, size, maxDoc)
	}
	return nil
}

// appendBatchDoc appends document i of ex's batch: from ex.pre when it
// was encoded before the first message went out, else a new encoding.
func (x *Executor) appendBatchDoc(dst []byte, ex *execution, i int) ([]byte, error) {
	if j := i - ex.preFrom; j >= 0 && j < len(ex.preEnds) {
		begin := 0
		if j > 0 {
			begin = ex.preEnds[j-1]
		}
		return append(dst, ex.pre[begin:ex.preEnds[j]]...), nil
	}
	return ex.op.Batch.appendDoc(dst, i)
}

// growForBatch makes room in dst, once per message, for count documents
// the size of the first (docLen), at most room bytes: the buffer then
// grows in one step rather than by doubling.
func growForBatch(dst []byte, docLen, count, room int) []byte {
	want := min(docLen*(count-1), room)
	if want <= cap(dst)-len(dst) {
		return dst
	}
	return slices.Grow(dst, want)
}

// limitsOf is the server's batch limits, defaults filled in.
func limitsOf(desc *topology.ServerDescription) Limits {
	return Limits{
		MaxWriteBatchSize:   int(orDefault(desc.MaxWriteBatchSize, topology.DefaultMaxWriteBatchSize)),
		MaxMessageSizeBytes: int(orDefault(desc.MaxMessageSizeBytes, topology.DefaultMaxMessageSizeBytes)),
		MaxBSONObjectSize:   int(orDefault(desc.MaxBSONObjectSize, topology.DefaultMaxBSONObjectSize)),
	}
}

func orDefault(v, def int32) int32 {
	if v <= 0 {
		return def
	}
	return v
}
