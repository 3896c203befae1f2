package client

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/driver"
	"github.com/torque-go/torque/wire"
)

// WriteModel is one write of a BulkWrite: an InsertOneModel,
// UpdateOneModel, UpdateManyModel, ReplaceOneModel, DeleteOneModel or
// DeleteManyModel (a value or a pointer to one).
type WriteModel interface {
	// appendStatement appends the model's statement (the document of an
	// insert, {q, u, ...} of an update, {q, limit, ...} of a delete) to
	// dst. scratch is a buffer it may reuse.
	appendStatement(dst, scratch []byte, enc *bson.Encoder, index int) (out, scratchOut []byte, st statement, err error)
	// appendOp appends the elements of the model's entry in the ops of
	// Client.BulkWrite's command after its first.
	appendOp(dst, scratch []byte, enc *bson.Encoder, index int) (out, scratchOut []byte, op clientOp, err error)
}

// InsertOneModel inserts Document, adding an ObjectID _id when it has
// none.
type InsertOneModel struct {
	Document any
}

// UpdateOneModel updates the first document matching Filter with Update,
// a document of update operators or a pipeline.
type UpdateOneModel struct {
	Filter, Update any
	Upsert         bool
	// ArrayFilters choose the array elements $[<identifier>] updates.
	ArrayFilters []any
	Collation    *Collation
	Hint         any
	// Sort picks the first of several matches in this order (MongoDB 8.0
	// and later).
	Sort any
}

// UpdateManyModel updates every document matching Filter.
type UpdateManyModel struct {
	Filter, Update any
	Upsert         bool
	ArrayFilters   []any
	Collation      *Collation
	Hint           any
}

// ReplaceOneModel replaces the first document matching Filter with
// Replacement, which must not contain update operators.
type ReplaceOneModel struct {
	Filter, Replacement any
	Upsert              bool
	Collation           *Collation
	Hint                any
	// Sort picks the first of several matches in this order (MongoDB 8.0
	// and later).
	Sort any
}

// DeleteOneModel deletes the first document matching Filter.
type DeleteOneModel struct {
	Filter    any
	Collation *Collation
	Hint      any
}

// DeleteManyModel deletes every document matching Filter.
type DeleteManyModel struct {
	Filter    any
	Collation *Collation
	Hint      any
}

// BulkWriteOptions are the options of BulkWrite.
type BulkWriteOptions struct {
	// Unordered lets the server go on after a failed write, and lets the
	// driver send all writes of a kind together; the default runs the
	// models in order and stops at the first write error.
	Unordered                bool
	BypassDocumentValidation *bool
	// Let defines variables for the updates' and deletes' filters.
	Let     any
	Comment any
}

// BulkWriteResult counts what a BulkWrite did. Indexes are those of the
// models passed to BulkWrite.
type BulkWriteResult struct {
	InsertedCount int64
	MatchedCount  int64
	ModifiedCount int64
	DeletedCount  int64
	UpsertedCount int64
	// UpsertedIDs maps the index of each model that upserted to the _id of
	// the document it inserted.
	UpsertedIDs map[int]any
	// InsertedIDs maps the index of each InsertOneModel to its document's
	// _id (its own, or the ObjectID added), also for a document that was
	// not inserted: see the error.
	InsertedIDs map[int]any
	// Acknowledged is false for a write concern of w: 0, whose counts are
	// unknown.
	Acknowledged bool
}

// BulkWrite runs models, several writes of any kinds, in as few commands
// as it can: consecutive models of one kind (in an unordered write, all of
// a kind) go into one insert, update or delete command, split further as
// the server's limits require.
//
// Its error is a *WriteException whose WriteErrors' Index is the index
// of the failed model in models, with the last write-concern error; or
// another error (network, server selection, a command error) that ended
// the bulk write early, joined with the write errors seen before it. The
// result counts what was done, also when there is an error.
func (c *Collection) BulkWrite(ctx context.Context, models []WriteModel, opts ...BulkWriteOptions) (BulkWriteResult, error) {
	o, err := single(opts)
	if err != nil {
		return BulkWriteResult{}, err
	}
	if len(models) == 0 {
		return BulkWriteResult{}, errors.New("client: BulkWrite with no models")
	}
	arena, scratch := wire.GetBuffer(), wire.GetBuffer()
	defer wire.PutBuffer(arena)
	defer wire.PutBuffer(scratch)
	runs, res, err := planBulk(arena, scratch, c.enc, models, !o.Unordered)
	if err != nil {
		return BulkWriteResult{}, err
	}
	// A transaction ignores the collection's w: 0: its writes are
	// acknowledged.
	sess := sessionFrom(ctx)
	res.Acknowledged = c.wc.Acknowledged() || sess != nil && sess.InTransaction()
	var all *WriteException
	ctx, cancel := c.TimeoutContext(ctx) // one timeoutMS for every command
	defer cancel()
	opID := driver.NextOperationID() // one operationId for all its commands
	for k, r := range runs {
		op := c.bulkOperation(r, &o, &res)
		op.OperationID = opID
		err := c.execute(ctx, op)
		if err == nil {
			continue
		}
		we, rest := splitWriteException(err)
		if we != nil {
			r.remap(we)
			all = mergeWrite(all, we)
		}
		if rest != nil {
			// The run's inserts may or may not have happened; those of
			// the runs after it did not: none is reported inserted.
			res.forgetInserts(runs[k:], nil, !o.Unordered)
			return res, joinWrite(all, rest)
		}
		res.forgetInserts(runs[k:k+1], we, !o.Unordered)
		if !o.Unordered && len(we.WriteErrors) > 0 {
			res.forgetInserts(runs[k+1:], nil, true)
			break
		}
	}
	if all != nil {
		return res, all
	}
	return res, nil
}

// forgetInserts removes from InsertedIDs the inserts of runs that did
// not happen: with we, those of its write errors (and, ordered, every
// statement after the first); without, all of the runs' inserts.
func (res *BulkWriteResult) forgetInserts(runs []*bulkRun, we *WriteException, ordered bool) {
	for _, r := range runs {
		if r.kind != kindInsert {
			continue
		}
		if we == nil {
			for _, i := range r.index {
				delete(res.InsertedIDs, i)
			}
			continue
		}
		first := -1
		for _, e := range we.WriteErrors {
			delete(res.InsertedIDs, e.Index)
			if first < 0 || e.Index < first {
				first = e.Index
			}
		}
		for _, i := range r.index {
			if ordered && first >= 0 && i > first {
				delete(res.InsertedIDs, i)
			}
		}
	}
}

// splitWriteException separates the *WriteException of a run's error
// from any other error it holds: a run split over several commands can
// end with write errors joined to, say, a network error.
func splitWriteException(err error) (we *WriteException, rest error) {
	if e, ok := err.(*WriteException); ok {
		return e, nil
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return nil, err
	}
	var others []error
	for _, e := range joined.Unwrap() {
		if w, isWE := e.(*WriteException); isWE && we == nil {
			we = w
			continue
		}
		others = append(others, e)
	}
	return we, errors.Join(others...)
}

// mergeWrite adds the errors of we to all (nil at first), keeping the last
// write-concern error.
func mergeWrite(all, we *WriteException) *WriteException {
	if all == nil {
		all = &WriteException{}
	}
	all.WriteErrors = append(all.WriteErrors, we.WriteErrors...)
	if we.WriteConcernError != nil {
		all.WriteConcernError = we.WriteConcernError
	}
	all.Labels = appendNew(all.Labels, we.Labels)
	return all
}

// joinWrite returns err, after the write errors gathered so far if any.
func joinWrite(all *WriteException, err error) error {
	if all == nil {
		return err
	}
	return errors.Join(all, err)
}

// appendNew appends the labels of add that labels lacks.
func appendNew(labels, add []string) []string {
	for _, l := range add {
		if !slices.Contains(labels, l) {
			labels = append(labels, l)
		}
	}
	return labels
}

// statementKind is the command a model's statement goes into.
type statementKind uint8

const (
	kindInsert statementKind = iota
	kindUpdate
	kindDelete
)

// statement is what a model's appendStatement reports besides its bytes.
type statement struct {
	kind  statementKind
	multi bool // updates or deletes several documents: not retryable
	id    any  // an insert's _id
}

// bulkRun is the statements of one command: its kind, the statements'
// bytes, and for each, the index of its model.
type bulkRun struct {
	kind  statementKind
	docs  [][]byte
	index []int
	multi bool
}

// remap turns the indexes of we's write errors, counted in the run's
// statements, into model indexes.
func (r *bulkRun) remap(we *WriteException) {
	for i := range we.WriteErrors {
		if n := we.WriteErrors[i].Index; n >= 0 && n < len(r.index) {
			we.WriteErrors[i].Index = r.index[n]
		}
	}
}

// planBulk encodes every model's statement once into arena and groups
// them into runs: consecutive statements of a kind when ordered, all of a
// kind (in order of first appearance) when not.
func planBulk(arena, scratch *[]byte, enc *bson.Encoder, models []WriteModel, ordered bool) ([]*bulkRun, BulkWriteResult, error) {
	var res BulkWriteResult
	buf, tmp := (*arena)[:0], (*scratch)[:0]
	ends := make([]int, len(models))
	sts := make([]statement, len(models))
	for i, m := range models {
		if v := reflect.ValueOf(m); m == nil || v.Kind() == reflect.Pointer && v.IsNil() {
			return nil, res, fmt.Errorf("client: BulkWrite model %d is nil", i)
		}
		var err error
		if buf, tmp, sts[i], err = m.appendStatement(buf, tmp, enc, i); err != nil {
			return nil, res, &modelError{index: i, err: err}
		}
		ends[i] = len(buf)
		if sts[i].kind == kindInsert {
			if res.InsertedIDs == nil {
				res.InsertedIDs = make(map[int]any)
			}
			res.InsertedIDs[i] = sts[i].id
		}
	}
	*arena, *scratch = buf[:0], tmp[:0]
	var runs []*bulkRun
	var byKind [3]*bulkRun
	for i, st := range sts {
		var r *bulkRun
		switch {
		case !ordered:
			r = byKind[st.kind]
		case len(runs) > 0 && runs[len(runs)-1].kind == st.kind:
			r = runs[len(runs)-1]
		}
		if r == nil {
			r = &bulkRun{kind: st.kind}
			runs = append(runs, r)
			byKind[st.kind] = r
		}
		r.docs = append(r.docs, buf[startOf(ends, i):ends[i]:ends[i]])
		r.index = append(r.index, i)
		r.multi = r.multi || st.multi
	}
	return runs, res, nil
}

// bulkOperation is the insert, update or delete command of one run; its
// handler adds each reply's counts to res.
func (c *Collection) bulkOperation(r *bulkRun, o *BulkWriteOptions, res *BulkWriteResult) *driver.Operation {
	name, seq := "insert", "documents"
	switch r.kind {
	case kindUpdate:
		name, seq = "update", "updates"
	case kindDelete:
		name, seq = "delete", "deletes"
	}
	w := writeCommand{name: name, seq: seq, ordered: !o.Unordered, retryable: !r.multi,
		comment: o.Comment}
	if r.kind != kindDelete {
		w.bypass = o.BypassDocumentValidation
	}
	if r.kind != kindInsert {
		w.let = o.Let
	}
	return c.writeOperation(w, w.batch(r.docs), func(reply *driver.Reply) error { return res.add(r, reply) })
}

// add counts one reply of run r: n, nModified and upserted, whose
// indexes count from the reply's batch.
func (res *BulkWriteResult) add(r *bulkRun, reply *driver.Reply) error {
	n, _ := reply.Doc.Lookup("n").AsInt64()
	switch r.kind {
	case kindInsert:
		res.InsertedCount += n
		return nil
	case kindDelete:
		res.DeletedCount += n
		return nil
	}
	modified, _ := reply.Doc.Lookup("nModified").AsInt64()
	res.ModifiedCount += modified
	up, _ := reply.Doc.Lookup("upserted").Array()
	var upserted int64
	for _, v := range up.All() {
		d, _ := v.Document()
		i, ok := d.Lookup("index").AsInt64()
		at := reply.BatchStart + int(i)
		if !ok || i < 0 || at >= len(r.index) {
			return fmt.Errorf("client: update reply has an upserted entry without a valid index: %v", d)
		}
		var id any
		if err := d.Lookup("_id").Unmarshal(&id); err != nil {
			return fmt.Errorf("client: upserted _id: %w", err)
		}
		if res.UpsertedIDs == nil {
			res.UpsertedIDs = make(map[int]any)
		}
		res.UpsertedIDs[r.index[at]] = id
		upserted++
	}
	res.UpsertedCount += upserted
	res.MatchedCount += n - upserted
	return nil
}

// modelError is a model BulkWrite could not encode.
type modelError struct {
	index int
	err   error
}

func (e *modelError) Error() string {
	return "client: BulkWrite model " + strconv.Itoa(e.index) + ": " + strings.TrimPrefix(e.err.Error(), "client: ")
}

func (e *modelError) Unwrap() error { return e.err }

func (m InsertOneModel) appendStatement(dst, scratch []byte, enc *bson.Encoder, index int) ([]byte, []byte, statement, error) {
	if m.Document == nil {
		return dst, scratch, statement{}, errors.New("document is nil")
	}
	dst, scratch, id, err := marshalInsert(dst, scratch, enc, m.Document, index)
	if err != nil {
		if inner := errors.Unwrap(err); inner != nil {
			err = inner // without marshalInsert's "document N:"
		}
		return dst, scratch, statement{}, err
	}
	return dst, scratch, statement{kind: kindInsert, id: id}, nil
}

func (m UpdateOneModel) appendStatement(dst, scratch []byte, enc *bson.Encoder, _ int) ([]byte, []byte, statement, error) {
	o := UpdateOptions{Upsert: m.Upsert, ArrayFilters: m.ArrayFilters, Collation: m.Collation, Hint: m.Hint, Sort: m.Sort}
	return appendUpdateStatement(dst, scratch, enc, m.Filter, m.Update, false, false, &o)
}

func (m UpdateManyModel) appendStatement(dst, scratch []byte, enc *bson.Encoder, _ int) ([]byte, []byte, statement, error) {
	o := UpdateOptions{Upsert: m.Upsert, ArrayFilters: m.ArrayFilters, Collation: m.Collation, Hint: m.Hint}
	return appendUpdateStatement(dst, scratch, enc, m.Filter, m.Update, true, false, &o)
}

func (m ReplaceOneModel) appendStatement(dst, scratch []byte, enc *bson.Encoder, _ int) ([]byte, []byte, statement, error) {
	o := UpdateOptions{Upsert: m.Upsert, Collation: m.Collation, Hint: m.Hint, Sort: m.Sort}
	return appendUpdateStatement(dst, scratch, enc, m.Filter, m.Replacement, false, true, &o)
}

func (m DeleteOneModel) appendStatement(dst, scratch []byte, enc *bson.Encoder, _ int) ([]byte, []byte, statement, error) {
	dst, err := appendDeleteStatement(dst, enc, m.Filter, 1, m.Collation, m.Hint)
	return dst, scratch, statement{kind: kindDelete}, err
}

func (m DeleteManyModel) appendStatement(dst, scratch []byte, enc *bson.Encoder, _ int) ([]byte, []byte, statement, error) {
	dst, err := appendDeleteStatement(dst, enc, m.Filter, 0, m.Collation, m.Hint)
	return dst, scratch, statement{kind: kindDelete, multi: true}, err
}

// appendUpdateStatement appends an update statement (appendUpdateStmt) and
// describes it.
func appendUpdateStatement(dst, scratch []byte, enc *bson.Encoder, filter, u any, multi, replace bool, o *UpdateOptions) ([]byte, []byte, statement, error) {
	dst, err := appendUpdateStmt(dst, enc, filter, u, multi, replace, o)
	return dst, scratch, statement{kind: kindUpdate, multi: multi}, err
}

// appendDeleteStatement appends {q, limit, collation, hint}; limit 0
// deletes every match, 1 the first.
func appendDeleteStatement(dst []byte, enc *bson.Encoder, filter any, limit int32, collation *Collation, hint any) ([]byte, error) {
	start, dst := bson.AppendDocumentStart(dst)
	dst, err := appendDoc(dst, enc, "q", filter, "filter")
	if err != nil {
		return dst[:start], err
	}
	dst = bson.AppendInt32Element(dst, "limit", limit)
	if dst, err = appendCollation(dst, collation); err != nil {
		return dst[:start], err
	}
	if dst, err = appendHint(dst, enc, hint); err != nil {
		return dst[:start], err
	}
	return bson.AppendDocumentEnd(dst, start)
}

func startOf(ends []int, i int) int {
	if i == 0 {
		return 0
	}
	return ends[i-1]
}
