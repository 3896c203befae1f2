package client

import (
	"errors"
	"fmt"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/driver"
	"github.com/torque-go/torque/wire"
)

// clientOp is one model of Client.BulkWrite, encoded: the elements of its
// entry in the ops sequence after the first (insert/update/delete: the
// namespace's index in the batch's nsInfo, written per batch).
type clientOp struct {
	kind  statementKind
	multi bool
	id    any    // an insert's _id
	ns    string // "db.coll"
	body  []byte // the elements after the first
	// docLen is the size of the document a w: 0 write must keep under
	// maxBsonObjectSize (an insert's document, a replacement); 0: none.
	docLen int
}

// opKeys are the first keys of the ops entries, by kind.
var opKeys = [3]string{kindInsert: "insert", kindUpdate: "update", kindDelete: "delete"}

// size is the size of the op's entry in the ops sequence.
func (op *clientOp) size() int {
	return 4 + 1 + len(opKeys[op.kind]) + 1 + 4 + len(op.body) + 1
}

// nsInfoSize is the size of {ns: ns}.
func nsInfoSize(ns string) int { return 4 + 1 + len("ns") + 1 + 4 + len(ns) + 1 + 1 }

// messageOverhead is what the bulk-write spec reserves in a message for
// the fields every command carries (lsid, txnNumber, $clusterTime ...).
const messageOverhead = 1000

// split fixes the batch from op start (Batch.Split): as many ops as fit,
// retryable unless one is a multi update or delete.
func (b *clientBulk) split(start int, lim driver.Limits) (int, bool, error) {
	n, err := b.fit(start, lim)
	if err != nil {
		return 0, false, err
	}
	for i := start; i < start+n; i++ {
		if b.ops[i].multi {
			return n, false, nil
		}
	}
	return n, true, nil
}

// sequences appends the ops and nsInfo document sequences of the batch
// from op start: n ops when n > 0, else as many as fit (Batch.Sequences).
func (b *clientBulk) sequences(dst []byte, start, n int, lim driver.Limits) ([]byte, int, error) {
	if n == 0 {
		var err error
		if n, err = b.fit(start, lim); err != nil {
			return dst, 0, err
		}
	}
	local := make(map[string]int32)
	var order []string
	seq, dst := wire.StartSequence(dst, "ops")
	for i := start; i < start+n; i++ {
		op := &b.ops[i]
		idx, ok := local[op.ns]
		if !ok {
			idx = int32(len(order))
			local[op.ns] = idx
			order = append(order, op.ns)
		}
		d, out := bson.AppendDocumentStart(dst)
		out = bson.AppendInt32Element(out, opKeys[op.kind], idx)
		out = append(out, op.body...)
		dst, _ = bson.AppendDocumentEnd(out, d)
	}
	dst, err := wire.EndSequence(dst, seq)
	if err != nil {
		return dst, 0, err
	}
	seq, dst = wire.StartSequence(dst, "nsInfo")
	for _, ns := range order {
		d, out := bson.AppendDocumentStart(dst)
		out = bson.AppendStringElement(out, "ns", ns)
		dst, _ = bson.AppendDocumentEnd(out, d)
	}
	dst, err = wire.EndSequence(dst, seq)
	return dst, n, err
}

// fit counts the ops from start that go into one command: at most
// maxWriteBatchSize, their entries and nsInfo documents together within
// maxMessageSizeBytes less the overhead and the command's own fields. A
// w: 0 write also checks the document size limits, which otherwise are
// the server's to enforce.
func (b *clientBulk) fit(start int, lim driver.Limits) (int, error) {
	room := lim.MaxMessageSizeBytes - messageOverhead - b.cmdLen
	seen := make(map[string]bool)
	size, n := 0, 0
	for i := start; i < len(b.ops) && n < lim.MaxWriteBatchSize; i++ {
		op := &b.ops[i]
		if !b.acked {
			if err := op.checkUnacknowledged(i, lim.MaxBSONObjectSize); err != nil {
				return 0, err
			}
		}
		add := op.size()
		if !seen[op.ns] {
			add += nsInfoSize(op.ns)
		}
		if size+add > room {
			if n == 0 {
				return 0, fmt.Errorf("client: BulkWrite model %d (%d bytes with its namespace) does not fit in a message of maxMessageSizeBytes %d", i, add, lim.MaxMessageSizeBytes)
			}
			break
		}
		seen[op.ns] = true
		size += add
		n++
	}
	return n, nil
}

// checkUnacknowledged applies the size limits of a w: 0 write, whose
// failure the server would not report.
func (op *clientOp) checkUnacknowledged(i, maxDoc int) error {
	if op.docLen > maxDoc {
		return fmt.Errorf("client: BulkWrite model %d: the document is %d bytes, over the server's maxBsonObjectSize of %d", i, op.docLen, maxDoc)
	}
	if s := op.size(); s > maxDoc+commandRoom {
		return fmt.Errorf("client: BulkWrite model %d is %d bytes, over the server's limit of %d", i, s, maxDoc+commandRoom)
	}
	return nil
}

// commandRoom is what a command may have beyond maxBsonObjectSize.
const commandRoom = 16 * 1024

func (m InsertOneModel) appendOp(dst, scratch []byte, enc *bson.Encoder, index int) ([]byte, []byte, clientOp, error) {
	if m.Document == nil {
		return dst, scratch, clientOp{}, errors.New("document is nil")
	}
	start := len(dst)
	dst = bson.AppendHeader(dst, bson.TypeEmbeddedDocument, "document")
	at := len(dst)
	dst, scratch, id, err := marshalInsert(dst, scratch, enc, m.Document, index)
	if err != nil {
		if inner := errors.Unwrap(err); inner != nil {
			err = inner
		}
		return dst[:start], scratch, clientOp{}, err
	}
	return dst, scratch, clientOp{kind: kindInsert, id: id, docLen: len(dst) - at}, nil
}

func (m UpdateOneModel) appendOp(dst, scratch []byte, enc *bson.Encoder, _ int) ([]byte, []byte, clientOp, error) {
	o := UpdateOptions{Upsert: m.Upsert, ArrayFilters: m.ArrayFilters, Collation: m.Collation, Hint: m.Hint, Sort: m.Sort}
	return appendUpdateOp(dst, scratch, enc, m.Filter, m.Update, false, false, &o)
}

func (m UpdateManyModel) appendOp(dst, scratch []byte, enc *bson.Encoder, _ int) ([]byte, []byte, clientOp, error) {
	o := UpdateOptions{Upsert: m.Upsert, ArrayFilters: m.ArrayFilters, Collation: m.Collation, Hint: m.Hint}
	return appendUpdateOp(dst, scratch, enc, m.Filter, m.Update, true, false, &o)
}

func (m ReplaceOneModel) appendOp(dst, scratch []byte, enc *bson.Encoder, _ int) ([]byte, []byte, clientOp, error) {
	o := UpdateOptions{Upsert: m.Upsert, Collation: m.Collation, Hint: m.Hint, Sort: m.Sort}
	return appendUpdateOp(dst, scratch, enc, m.Filter, m.Replacement, false, true, &o)
}

func (m DeleteOneModel) appendOp(dst, scratch []byte, enc *bson.Encoder, _ int) ([]byte, []byte, clientOp, error) {
	dst, err := appendDeleteOp(dst, enc, m.Filter, false, m.Collation, m.Hint)
	return dst, scratch, clientOp{kind: kindDelete}, err
}

func (m DeleteManyModel) appendOp(dst, scratch []byte, enc *bson.Encoder, _ int) ([]byte, []byte, clientOp, error) {
	dst, err := appendDeleteOp(dst, enc, m.Filter, true, m.Collation, m.Hint)
	return dst, scratch, clientOp{kind: kindDelete, multi: true}, err
}

// appendUpdateOp appends filter, updateMods, multi, upsert, arrayFilters,
// hint, collation and sort; on error dst comes back as it was.
func appendUpdateOp(dst, scratch []byte, enc *bson.Encoder, filter, u any, multi, replace bool, o *UpdateOptions) ([]byte, []byte, clientOp, error) {
	start := len(dst)
	op := clientOp{kind: kindUpdate, multi: multi}
	dst, err := appendDoc(dst, enc, "filter", filter, "filter")
	if err == nil {
		at := len(dst)
		if replace {
			dst, err = appendReplacement(dst, enc, "updateMods", u)
			op.docLen = len(dst) - at - 2 - len("updateMods")
		} else {
			dst, err = appendUpdate(dst, enc, "updateMods", u)
		}
	}
	if err != nil {
		return dst[:start], scratch, op, err
	}
	dst = bson.AppendBooleanElement(dst, "multi", multi)
	if o.Upsert {
		dst = bson.AppendBooleanElement(dst, "upsert", true)
	}
	if o.ArrayFilters != nil {
		if dst, err = appendFilters(dst, enc, o.ArrayFilters); err != nil {
			return dst[:start], scratch, op, err
		}
	}
	if dst, err = appendHint(dst, enc, o.Hint); err == nil {
		dst, err = appendCollation(dst, o.Collation)
	}
	if err == nil && o.Sort != nil {
		dst, err = appendOrderedDoc(dst, enc, "sort", o.Sort)
	}
	if err != nil {
		return dst[:start], scratch, op, err
	}
	return dst, scratch, op, nil
}

// appendDeleteOp appends filter, multi, hint and collation.
func appendDeleteOp(dst []byte, enc *bson.Encoder, filter any, multi bool, collation *Collation, hint any) ([]byte, error) {
	start := len(dst)
	dst, err := appendDoc(dst, enc, "filter", filter, "filter")
	if err != nil {
		return dst[:start], err
	}
	dst = bson.AppendBooleanElement(dst, "multi", multi)
	if dst, err = appendHint(dst, enc, hint); err == nil {
		dst, err = appendCollation(dst, collation)
	}
	if err != nil {
		return dst[:start], err
	}
	return dst, nil
}
