package client

import (
	"context"
	"errors"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/driver"
)

// UpdateOptions are the options of UpdateOne and UpdateMany.
type UpdateOptions struct {
	// Upsert inserts a document built from the filter and the update when
	// nothing matches.
	Upsert bool
	// ArrayFilters choose the array elements $[<identifier>] updates: a
	// slice of filter documents.
	ArrayFilters []any
	Collation    *Collation
	Hint         any
	// Sort, for UpdateOne only, picks the first of several matches in
	// this order: MongoDB 8.0 and later (an older server refuses it, as
	// the CRUD spec's tests expect; UpdateMany refuses it before
	// sending).
	Sort                     any
	Let                      any
	BypassDocumentValidation *bool
	Comment                  any
}

// ReplaceOptions are the options of ReplaceOne.
type ReplaceOptions struct {
	Upsert    bool
	Collation *Collation
	Hint      any
	// Sort picks the first of several matches in this order: MongoDB 8.0
	// and later (an older server refuses it).
	Sort                     any
	Let                      any
	BypassDocumentValidation *bool
	Comment                  any
}

// UpdateResult is the result of an update or a replacement.
type UpdateResult struct {
	MatchedCount  int64
	ModifiedCount int64
	UpsertedCount int64
	// UpsertedID is the _id of the upserted document, nil when none.
	UpsertedID any
}

// DeleteOptions are the options of DeleteOne and DeleteMany.
type DeleteOptions struct {
	Collation *Collation
	Hint      any
	Let       any
	Comment   any
}

// DeleteResult is the result of a delete.
type DeleteResult struct {
	DeletedCount int64
}

// UpdateOne updates the first document matching filter with update: a
// document of update operators ({$set: ...}) or a pipeline.
func (c *Collection) UpdateOne(ctx context.Context, filter, update any, opts ...UpdateOptions) (UpdateResult, error) {
	return c.update(ctx, filter, update, false, false, opts)
}

// UpdateByID updates the document whose _id is id: UpdateOne with the
// filter {_id: id}. A nil id is refused before anything is sent.
func (c *Collection) UpdateByID(ctx context.Context, id, update any, opts ...UpdateOptions) (UpdateResult, error) {
	if id == nil {
		return UpdateResult{}, errors.New("client: UpdateByID needs an id (nil given)")
	}
	return c.UpdateOne(ctx, bson.D{bson.KV("_id", id)}, update, opts...)
}

// UpdateMany updates every document matching filter.
func (c *Collection) UpdateMany(ctx context.Context, filter, update any, opts ...UpdateOptions) (UpdateResult, error) {
	return c.update(ctx, filter, update, true, false, opts)
}

// ReplaceOne replaces the first document matching filter with
// replacement, which must not contain update operators.
func (c *Collection) ReplaceOne(ctx context.Context, filter, replacement any, opts ...ReplaceOptions) (UpdateResult, error) {
	o, err := single(opts)
	if err != nil {
		return UpdateResult{}, err
	}
	uo := UpdateOptions{Upsert: o.Upsert, Collation: o.Collation, Hint: o.Hint, Sort: o.Sort, Let: o.Let,
		BypassDocumentValidation: o.BypassDocumentValidation, Comment: o.Comment}
	return c.update(ctx, filter, replacement, false, true, []UpdateOptions{uo})
}

// update builds one update statement and runs the update command.
func (c *Collection) update(ctx context.Context, filter, u any, multi, replace bool, opts []UpdateOptions) (UpdateResult, error) {
	o, err := single(opts)
	if err != nil {
		return UpdateResult{}, err
	}
	stmt, err := appendUpdateStmt(nil, c.enc, filter, u, multi, replace, &o)
	if err != nil {
		return UpdateResult{}, err
	}
	var res UpdateResult
	w := writeCommand{name: "update", seq: "updates", ordered: true, retryable: !multi,
		bypass: o.BypassDocumentValidation, let: o.Let, comment: o.Comment}
	op := c.writeOperation(w, w.batch([][]byte{stmt}), func(r *driver.Reply) error { return res.read(r.Doc) })
	err = c.execute(ctx, op)
	return res, err
}

// appendUpdateStmt appends the update statement {q, u, upsert, multi,
// arrayFilters, collation, hint}, checking the filter and the update or
// replacement; on error dst comes back as it was.
func appendUpdateStmt(dst []byte, enc *bson.Encoder, filter, u any, multi, replace bool, o *UpdateOptions) ([]byte, error) {
	start, dst := bson.AppendDocumentStart(dst)
	dst, err := appendDoc(dst, enc, "q", filter, "filter")
	if err == nil {
		if replace {
			dst, err = appendReplacement(dst, enc, "u", u)
		} else {
			dst, err = appendUpdate(dst, enc, "u", u)
		}
	}
	if err != nil {
		return dst[:start], err
	}
	if o.Upsert {
		dst = bson.AppendBooleanElement(dst, "upsert", true)
	}
	if multi {
		dst = bson.AppendBooleanElement(dst, "multi", true)
	}
	if o.ArrayFilters != nil {
		if dst, err = appendFilters(dst, enc, o.ArrayFilters); err != nil {
			return dst[:start], err
		}
	}
	if dst, err = appendCollation(dst, o.Collation); err != nil {
		return dst[:start], err
	}
	if dst, err = appendHint(dst, enc, o.Hint); err != nil {
		return dst[:start], err
	}
	if o.Sort != nil {
		if multi {
			return dst[:start], errors.New("client: UpdateMany takes no sort (UpdateOne and ReplaceOne do)")
		}
		if dst, err = appendOrderedDoc(dst, enc, "sort", o.Sort); err != nil {
			return dst[:start], err
		}
	}
	return bson.AppendDocumentEnd(dst, start)
}

// appendFilters appends arrayFilters: [docs...].
func appendFilters(dst []byte, enc *bson.Encoder, filters []any) ([]byte, error) {
	start, dst := bson.AppendArrayElementStart(dst, "arrayFilters")
	for i, f := range filters {
		var err error
		if dst, err = appendDoc(dst, enc, bson.ArrayKey(i), f, "arrayFilters["+bson.ArrayKey(i)+"]"); err != nil {
			return dst, err
		}
	}
	return bson.AppendDocumentEnd(dst, start)
}

// read fills the result from an update reply: n, nModified, upserted.
func (res *UpdateResult) read(doc bson.Raw) error {
	n, _ := doc.Lookup("n").AsInt64()
	res.ModifiedCount, _ = doc.Lookup("nModified").AsInt64()
	if up, ok := doc.Lookup("upserted").Array(); ok {
		for _, v := range up.All() {
			d, _ := v.Document()
			res.UpsertedCount++
			if id := d.Lookup("_id"); !id.IsZero() {
				if err := id.Unmarshal(&res.UpsertedID); err != nil {
					return err
				}
			}
		}
	}
	res.MatchedCount = n - res.UpsertedCount
	return nil
}

// DeleteOne deletes the first document matching filter.
func (c *Collection) DeleteOne(ctx context.Context, filter any, opts ...DeleteOptions) (DeleteResult, error) {
	return c.delete(ctx, filter, 1, opts)
}

// DeleteMany deletes every document matching filter (bson.D{} for all).
func (c *Collection) DeleteMany(ctx context.Context, filter any, opts ...DeleteOptions) (DeleteResult, error) {
	return c.delete(ctx, filter, 0, opts)
}

func (c *Collection) delete(ctx context.Context, filter any, limit int32, opts []DeleteOptions) (DeleteResult, error) {
	o, err := single(opts)
	if err != nil {
		return DeleteResult{}, err
	}
	stmt, err := appendDeleteStatement(nil, c.enc, filter, limit, o.Collation, o.Hint)
	if err != nil {
		return DeleteResult{}, err
	}
	var res DeleteResult
	w := writeCommand{name: "delete", seq: "deletes", ordered: true, retryable: limit == 1, let: o.Let, comment: o.Comment}
	op := c.writeOperation(w, w.batch([][]byte{stmt}), func(r *driver.Reply) error {
		res.DeletedCount, _ = r.Doc.Lookup("n").AsInt64()
		return nil
	})
	err = c.execute(ctx, op)
	return res, err
}
