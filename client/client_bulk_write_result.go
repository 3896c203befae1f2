package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/driver"
)

// ClientBulkWriteException is the error of a Client.BulkWrite that had
// write errors, write-concern errors, or a top-level error after some
// results were seen. errors.As and HasErrorLabel reach the top-level error
// through Unwrap.
type ClientBulkWriteException struct {
	// Err is the top-level error that ended the bulk write (network,
	// server selection, an {ok: 0} reply, a failed getMore), or nil.
	Err error
	// WriteErrors are the failed writes, by model index; an ordered bulk
	// write has at most one.
	WriteErrors map[int]WriteError
	// WriteConcernErrors are those of every command that had one.
	WriteConcernErrors []WriteConcernError
	// PartialResult is what was done before the error, when some write
	// is known to have succeeded; else nil.
	PartialResult *ClientBulkWriteResult
}

// ErrorCodes returns the codes of the top-level error (when the server
// sent it), of the write-concern errors, and of the write errors by model
// index, as the official driver's ClientBulkWriteException.ErrorCodes.
func (e *ClientBulkWriteException) ErrorCodes() []int {
	codes := []int{}
	var se ServerError
	if errors.As(e.Err, &se) {
		codes = append(codes, se.ErrorCodes()...)
	}
	for _, wce := range e.WriteConcernErrors {
		codes = append(codes, int(wce.Code))
	}
	idx := slices.Sorted(maps.Keys(e.WriteErrors))
	for _, i := range idx {
		codes = append(codes, int(e.WriteErrors[i].Code))
	}
	return codes
}

// Error lists the first write error, the counts, and the top-level error.
func (e *ClientBulkWriteException) Error() string {
	var parts []string
	if n := len(e.WriteErrors); n > 0 {
		idx := make([]int, 0, n)
		for i := range e.WriteErrors {
			idx = append(idx, i)
		}
		sort.Ints(idx)
		parts = append(parts, strconv.Itoa(n)+" write errors, the first: "+e.WriteErrors[idx[0]].Error())
	}
	if n := len(e.WriteConcernErrors); n > 0 {
		parts = append(parts, strconv.Itoa(n)+" write concern errors, the last: "+e.WriteConcernErrors[n-1].Error())
	}
	if e.Err != nil {
		parts = append(parts, e.Err.Error())
	}
	return "client: BulkWrite: " + strings.Join(parts, "; ")
}

// Unwrap returns the top-level error.
func (e *ClientBulkWriteException) Unwrap() error { return e.Err }

// handle reads one bulkWrite reply: the summary counts, the
// write-concern error, and the results cursor, to its end (getMore on
// the same server, session and, behind a load balancer, connection).
func (b *clientBulk) handle(ctx context.Context, r *driver.Reply) error {
	d := r.Doc
	for _, f := range [...]struct {
		key string
		n   *int64
	}{{"nInserted", &b.res.InsertedCount}, {"nUpserted", &b.res.UpsertedCount}, {"nMatched", &b.res.MatchedCount},
		{"nModified", &b.res.ModifiedCount}, {"nDeleted", &b.res.DeletedCount}} {
		n, _ := d.Lookup(f.key).AsInt64()
		*f.n += n
	}
	if wce, ok := d.Lookup("writeConcernError").Document(); ok {
		b.wces = append(b.wces, writeConcernErrorOf(wce))
	}
	// Some write of the batch succeeded: none failed, or (unordered)
	// fewer than all, or (ordered) not the first (read from the cursor).
	nErrors, _ := d.Lookup("nErrors").AsInt64()
	first, err := b.readResults(ctx, r)
	if err != nil {
		b.topErr = err
		return err
	}
	if nErrors == 0 || b.opts.Unordered && int(nErrors) < r.BatchLen || first > 0 {
		b.success = true
	}
	return nil
}

// readResults records every entry of the reply's results cursor and
// returns the batch index of the first error (-1: none).
func (b *clientBulk) readResults(ctx context.Context, r *driver.Reply) (int, error) {
	cur := &Cursor{client: b.c, spec: &cursorSpec{name: "bulkWrite", enc: b.c.enc()}}
	defer func() { _ = cur.Close(ctx) }()
	if err := cur.takeBatch(r, "firstBatch"); err != nil {
		return -1, err
	}
	cur.srv = r.Server
	if cur.id != 0 {
		cur.sess = b.sess
		if s := r.KeepSession(); s != nil {
			b.implicit, cur.sess = s, s
		}
		cur.holdConn(r)
	}
	first := -1
	for cur.Next(ctx) {
		i, failed, err := b.record(r.BatchStart, r.BatchLen, cur.Current)
		if err != nil {
			return first, err
		}
		if failed && (first < 0 || i < first) {
			first = i
		}
	}
	return first, cur.Err()
}

// record reads one results entry {ok, idx, n, nModified, upserted, code,
// errmsg, errInfo} of the batch from op start, of n ops, and returns the
// entry's index in the batch and whether it is an error.
func (b *clientBulk) record(start, n int, doc bson.Raw) (int, bool, error) {
	if err := doc.ValidateStructure(); err != nil { // a getMore's batch is only framed on arrival
		return 0, false, fmt.Errorf("client: bulkWrite returned a malformed result: %w", err)
	}
	idx, ok := doc.Lookup("idx").AsInt64()
	if !ok || idx < 0 || int(idx) >= n {
		return 0, false, fmt.Errorf("client: bulkWrite result without a valid idx: %v", doc)
	}
	i := start + int(idx)
	if okv, _ := doc.Lookup("ok").AsFloat64(); okv != 1 {
		if b.errs == nil {
			b.errs = make(map[int]WriteError)
		}
		b.errs[i] = writeErrorOf(i, doc)
		return int(idx), true, nil
	}
	b.success = true
	if !b.res.HasVerboseResults {
		return int(idx), false, nil
	}
	count, _ := doc.Lookup("n").AsInt64()
	switch op := &b.ops[i]; op.kind {
	case kindInsert:
		mapSet(&b.res.InsertResults, i, InsertOneResult{InsertedID: op.id})
	case kindDelete:
		mapSet(&b.res.DeleteResults, i, DeleteResult{DeletedCount: count})
	default:
		u := UpdateResult{MatchedCount: count}
		u.ModifiedCount, _ = doc.Lookup("nModified").AsInt64()
		if up, ok := doc.Lookup("upserted").Document(); ok {
			u.UpsertedCount = 1
			if err := up.Lookup("_id").Unmarshal(&u.UpsertedID); err != nil {
				return int(idx), false, fmt.Errorf("client: upserted _id: %w", err)
			}
		}
		mapSet(&b.res.UpdateResults, i, u)
	}
	return int(idx), false, nil
}

func mapSet[V any](m *map[int]V, k int, v V) {
	if *m == nil {
		*m = make(map[int]V)
	}
	(*m)[k] = v
}

func writeErrorOf(i int, d bson.Raw) WriteError {
	we := WriteError{Index: i}
	if c, ok := d.Lookup("code").AsInt64(); ok {
		we.Code = int32(c)
	}
	we.CodeName, _ = d.Lookup("codeName").StringValue()
	we.Message, _ = d.Lookup("errmsg").StringValue()
	we.Details = cloneRawDoc(d.Lookup("errInfo"))
	we.KeyPattern = cloneRawDoc(d.Lookup("keyPattern"))
	we.KeyValue = cloneRawDoc(d.Lookup("keyValue"))
	return we
}

func writeConcernErrorOf(d bson.Raw) WriteConcernError {
	var e WriteConcernError
	if c, ok := d.Lookup("code").AsInt64(); ok {
		e.Code = int32(c)
	}
	e.CodeName, _ = d.Lookup("codeName").StringValue()
	e.Message, _ = d.Lookup("errmsg").StringValue()
	e.Details = cloneRawDoc(d.Lookup("errInfo"))
	return e
}

func cloneRawDoc(v bson.RawValue) bson.Raw {
	d, ok := v.Document()
	if !ok {
		return nil
	}
	return bytes.Clone(d)
}

// outcome turns what the bulk write saw, and the executor's error, into
// BulkWrite's result and error.
func (b *clientBulk) outcome(err error) (ClientBulkWriteResult, error) {
	if !b.acked {
		return ClientBulkWriteResult{}, err
	}
	top := b.topErr
	if err != nil {
		// The executor's *WriteException holds only write-concern errors,
		// which the handler recorded.
		if _, rest := splitWriteException(err); rest != nil {
			top = rest
		}
	}
	if top == nil && len(b.errs) == 0 && len(b.wces) == 0 {
		return b.res, nil
	}
	if len(b.errs) == 0 && len(b.wces) == 0 && !b.success {
		return ClientBulkWriteResult{}, top
	}
	ex := &ClientBulkWriteException{Err: top, WriteErrors: b.errs, WriteConcernErrors: b.wces}
	if !b.success {
		return ClientBulkWriteResult{}, ex
	}
	res := b.res
	ex.PartialResult = &res
	return res, ex
}
