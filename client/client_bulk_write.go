package client

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/driver"
	"github.com/torque-go/torque/session"
	"github.com/torque-go/torque/topology"
	"github.com/torque-go/torque/wire"
)

// ClientWriteModel is one write of Client.BulkWrite: a WriteModel
// (InsertOneModel, UpdateOneModel, UpdateManyModel, ReplaceOneModel,
// DeleteOneModel, DeleteManyModel, as for Collection.BulkWrite) and the
// collection it writes to.
type ClientWriteModel struct {
	Database, Collection string
	Model                WriteModel
}

// ClientBulkWriteOptions are the options of Client.BulkWrite.
type ClientBulkWriteOptions struct {
	// Unordered lets the server go on after a failed write; the default
	// runs the models in order and stops at the first write error.
	Unordered                bool
	BypassDocumentValidation *bool
	// Let defines variables for the filters and updates.
	Let     any
	Comment any
	// WriteConcern, when set, replaces the client's.
	WriteConcern *WriteConcern
	// VerboseResults asks for the result of each write
	// (ClientBulkWriteResult's InsertResults, UpdateResults,
	// DeleteResults); the default is the counts only.
	VerboseResults bool
}

// ClientBulkWriteResult is what Client.BulkWrite did. The maps are keyed
// by the index of the model in the slice passed to BulkWrite and are nil
// unless HasVerboseResults.
type ClientBulkWriteResult struct {
	InsertedCount int64
	UpsertedCount int64
	MatchedCount  int64
	ModifiedCount int64
	DeletedCount  int64
	// Acknowledged is false for a write concern of w: 0: nothing else is
	// known then.
	Acknowledged bool
	// HasVerboseResults says the maps below were asked for
	// (VerboseResults) and filled.
	HasVerboseResults bool
	// InsertResults holds the _id of each document the server
	// acknowledged inserting.
	InsertResults map[int]InsertOneResult
	// UpdateResults holds the counts of each update and replacement; an
	// upsert has UpsertedCount 1 and its UpsertedID (which may be nil, a
	// null _id).
	UpdateResults map[int]UpdateResult
	DeleteResults map[int]DeleteResult
}

// BulkWrite runs models, writes to any collections of any databases, with
// the bulkWrite command of MongoDB 8.0: in as few commands as the server's
// limits allow (maxWriteBatchSize, maxMessageSizeBytes), each carrying the
// namespaces of its own writes. Each batch is retried once under the
// retryable-writes rules unless it holds an UpdateManyModel or a
// DeleteManyModel.
//
// Its error, after any write error or write-concern error, is a
// *ClientBulkWriteException: the write errors by model index, every
// write-concern error, the top-level error that ended the bulk write (if
// any: network, server selection, {ok: 0}, a failed getMore), and the
// partial result when some write is known to have succeeded. A top-level
// error before any result is returned alone. Models that cannot be encoded
// fail before anything is sent.
func (c *Client) BulkWrite(ctx context.Context, models []ClientWriteModel, opts ...ClientBulkWriteOptions) (ClientBulkWriteResult, error) {
	o, err := single(opts)
	if err != nil {
		return ClientBulkWriteResult{}, err
	}
	b, err := c.planClientBulk(ctx, models, &o)
	if err != nil {
		return ClientBulkWriteResult{}, err
	}
	defer b.free()
	op := &driver.Operation{Name: "bulkWrite", DB: "admin", Kind: driver.Write, Retryable: true,
		WriteConcern: b.wc, PinConn: true,
		Batch: &driver.Batch{Len: len(models), Ordered: !o.Unordered, Split: b.split, Sequences: b.sequences,
			Continue: b.proceed},
		Command: func(dst []byte, _ *topology.ServerDescription) ([]byte, error) { return b.appendCommand(dst) },
		Handle:  func(r *driver.Reply) error { return b.handle(ctx, r) }}
	err = c.execute(ctx, op)
	if b.implicit != nil {
		b.implicit.End(0)
	}
	return b.outcome(err)
}

// planClientBulk checks the options and encodes every model once.
func (c *Client) planClientBulk(ctx context.Context, models []ClientWriteModel, o *ClientBulkWriteOptions) (*clientBulk, error) {
	if len(models) == 0 {
		return nil, errors.New("client: BulkWrite with no models")
	}
	wc := c.opts.WriteConcern
	if o.WriteConcern != nil {
		wc = *o.WriteConcern
	}
	sess := sessionFrom(ctx)
	inTxn := sess != nil && sess.InTransaction()
	if inTxn && o.WriteConcern != nil {
		return nil, errors.New("client: BulkWrite: Cannot set write concern after starting a transaction (the transaction's applies)")
	}
	acked := wc.Acknowledged() || inTxn
	var explicit *session.ClientSession
	if sess != nil {
		explicit = sess.cs
	}
	if !acked && o.VerboseResults {
		return nil, errors.New("client: BulkWrite: Cannot request unacknowledged write concern and verbose results")
	}
	if !acked && !o.Unordered {
		return nil, errors.New("client: BulkWrite: Cannot request unacknowledged write concern and ordered writes (set Unordered)")
	}
	b := &clientBulk{c: c, sess: explicit, opts: o, wc: wc, acked: acked, arena: wire.GetBuffer(), scratch: wire.GetBuffer()}
	b.ops = make([]clientOp, len(models))
	b.res.Acknowledged, b.res.HasVerboseResults = acked, acked && o.VerboseResults
	if err := b.encodeModels(models); err != nil {
		b.free()
		return nil, err
	}
	own, err := b.appendCommand(nil)
	if err != nil {
		b.free()
		return nil, err
	}
	b.cmdLen = len(own) + 5 // as a document, as the spec counts it
	return b, nil
}

// clientBulk is one Client.BulkWrite: its encoded models and what the
// replies said.
type clientBulk struct {
	c      *Client
	sess   *session.ClientSession // the explicit session, if any
	opts   *ClientBulkWriteOptions
	wc     WriteConcern
	acked  bool
	ops    []clientOp
	cmdLen int // the command's own fields, for the batch size rule

	arena, scratch *[]byte

	res      ClientBulkWriteResult
	success  bool // some write is known to have succeeded
	errs     map[int]WriteError
	wces     []WriteConcernError
	topErr   error                  // a failed getMore
	implicit *session.ClientSession // the implicit session a cursor kept
}

// appendCommand appends the command's own fields.
func (b *clientBulk) appendCommand(dst []byte) ([]byte, error) {
	o := b.opts
	dst = bson.AppendInt32Element(dst, "bulkWrite", 1)
	dst = bson.AppendBooleanElement(dst, "errorsOnly", !o.VerboseResults)
	dst = bson.AppendBooleanElement(dst, "ordered", !o.Unordered)
	if o.BypassDocumentValidation != nil {
		dst = bson.AppendBooleanElement(dst, "bypassDocumentValidation", *o.BypassDocumentValidation)
	}
	dst, err := appendOptionalDoc(dst, b.c.enc(), "let", o.Let)
	if err != nil {
		return dst, err
	}
	return appendValue(dst, b.c.enc(), "comment", o.Comment)
}

// encodeModels encodes each model's operation (but for its namespace
// index, which depends on the batch) into the arena.
func (b *clientBulk) encodeModels(models []ClientWriteModel) error {
	buf, tmp := (*b.arena)[:0], (*b.scratch)[:0]
	ends := make([]int, len(models))
	names := make(map[[2]string]string) // one "db.coll" string per namespace
	for i, m := range models {
		if v := reflect.ValueOf(m.Model); m.Model == nil || v.Kind() == reflect.Pointer && v.IsNil() {
			return fmt.Errorf("client: BulkWrite model %d is nil", i)
		}
		if m.Database == "" || m.Collection == "" {
			return fmt.Errorf("client: BulkWrite model %d has no database or collection name", i)
		}
		var err error
		if buf, tmp, b.ops[i], err = m.Model.appendOp(buf, tmp, b.c.enc(), i); err != nil {
			return &modelError{index: i, err: err}
		}
		ns, ok := names[[2]string{m.Database, m.Collection}]
		if !ok {
			ns = m.Database + "." + m.Collection
			names[[2]string{m.Database, m.Collection}] = ns
		}
		b.ops[i].ns = ns
		ends[i] = len(buf)
	}
	for i := range b.ops {
		b.ops[i].body = buf[startOf(ends, i):ends[i]:ends[i]]
	}
	*b.arena, *b.scratch = buf[:0], tmp[:0]
	return nil
}

// free returns the buffers.
func (b *clientBulk) free() {
	wire.PutBuffer(b.arena)
	wire.PutBuffer(b.scratch)
}

// proceed says whether to send the next batch: not after a top-level
// error, nor after a write error of an ordered bulk write.
func (b *clientBulk) proceed() bool {
	return b.topErr == nil && (b.opts.Unordered || len(b.errs) == 0)
}
