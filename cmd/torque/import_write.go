package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

// batch is the documents of one write, with the input line of each.
type batch struct {
	docs  []bson.Raw
	lines []int
	size  int
}

// add appends doc; in insert mode a document without _id gets an
// ObjectID first, so that sending the batch again cannot insert it twice.
func (b *batch) add(doc bson.Raw, line int) error {
	if importFlags.mode == "insert" && doc.Lookup("_id").Type == 0 {
		doc = withObjectID(doc)
	}
	b.docs = append(b.docs, doc)
	b.lines = append(b.lines, line)
	b.size += len(doc)
	return nil
}

func (b *batch) reset() { b.docs, b.lines, b.size = b.docs[:0], b.lines[:0], 0 }

// withObjectID returns doc with a new ObjectID _id as its first element.
func withObjectID(doc bson.Raw) bson.Raw {
	out := make([]byte, 4, len(doc)+17)
	out = bson.AppendObjectIDElement(out, "_id", bson.NewObjectID())
	out = append(out, doc[4:]...)
	n := len(out)
	out[0], out[1], out[2], out[3] = byte(n), byte(n>>8), byte(n>>16), byte(n>>24)
	return out
}

// batchWriter writes batches in the chosen --mode.
type batchWriter struct {
	coll   *client.Collection
	st     *importStats
	fields [][]string // --upsertFields, split at the dots
	models []client.WriteModel
	any    []any
}

func newBatchWriter(coll *client.Collection, st *importStats) *batchWriter {
	w := &batchWriter{coll: coll, st: st}
	for _, f := range splitFields(importFlags.upsertFields) {
		w.fields = append(w.fields, strings.Split(f, "."))
	}
	return w
}

func (w *batchWriter) write(ctx context.Context, b *batch) error {
	if importFlags.mode == "insert" {
		return w.insert(ctx, b)
	}
	return w.upsert(ctx, b)
}

// retryable tells whether a batch that failed with err may be sent again:
// the server may or may not have applied it.
func retryable(err error) bool {
	return client.IsNetworkError(err) || client.HasErrorLabel(err, "RetryableWriteError")
}

// insert inserts the batch. After a network error it sends the batch once
// more, unordered: the documents the first attempt stored are refused as
// duplicate keys, and counted as written when the stored document is the
// same, byte for byte. An ordered insert that skips a refused document
// goes on with the next one.
func (w *batchWriter) insert(ctx context.Context, b *batch) error {
	for start := 0; start < len(b.docs); {
		w.any = w.any[:0]
		for _, d := range b.docs[start:] {
			w.any = append(w.any, d)
		}
		res, err := w.coll.InsertMany(ctx, w.any, client.InsertManyOptions{Unordered: !importFlags.ordered})
		retried := false
		if err != nil && retryable(err) && ctx.Err() == nil {
			retried = true
			res, err = w.coll.InsertMany(ctx, w.any, client.InsertManyOptions{Unordered: true})
		}
		w.st.inserted.Add(res.InsertedCount)
		w.st.written.Add(res.InsertedCount)
		var we *client.WriteException
		if !errors.As(err, &we) || we.WriteConcernError != nil {
			return err
		}
		next := len(b.docs)
		for _, e := range we.WriteErrors {
			i := start + e.Index
			if retried && e.Code == 11000 && w.alreadyStored(ctx, b.docs[i]) {
				w.st.inserted.Add(1)
				w.st.written.Add(1)
				continue
			}
			if err := w.refused(b.lines[i], e); err != nil {
				return err
			}
			if importFlags.ordered && !retried {
				next = i + 1 // the server stopped there
			}
		}
		start = next
	}
	return nil
}

// alreadyStored tells whether the collection holds doc exactly.
func (w *batchWriter) alreadyStored(ctx context.Context, doc bson.Raw) bool {
	stored, err := w.coll.FindOne(ctx, bson.D{bson.KV("_id", doc.Lookup("_id"))}).Raw()
	return err == nil && bytes.Equal(stored, doc)
}

// refused reports a document the server refused: an error that stops the
// import, or a line on stderr with --skip-errors.
func (w *batchWriter) refused(line int, e client.WriteError) error {
	err := fmt.Errorf("line %d: the server refused the document: %s", line, e.Message)
	if !importFlags.skipErrors {
		return err
	}
	w.st.skipped.Add(1)
	fmt.Fprintf(os.Stderr, "torque import: skipped %s\n", oneLine(err.Error()))
	return nil
}

// upsert writes the batch as replacements (upsert) or $set updates
// (merge) of the documents its --upsertFields find. Both are idempotent,
// so a batch that failed with a network error is simply sent again.
func (w *batchWriter) upsert(ctx context.Context, b *batch) error {
	w.models = w.models[:0]
	lines := b.lines[:0:0]
	for i, doc := range b.docs {
		m, err := w.model(doc)
		if err != nil {
			err = fmt.Errorf("line %d: %w", b.lines[i], err)
			if !importFlags.skipErrors {
				return err
			}
			w.st.skipped.Add(1)
			fmt.Fprintf(os.Stderr, "torque import: skipped %s\n", err)
			continue
		}
		w.models = append(w.models, m)
		lines = append(lines, b.lines[i])
	}
	if len(w.models) == 0 {
		return nil
	}
	for start := 0; start < len(w.models); {
		next, err := w.bulk(ctx, w.models[start:], lines[start:])
		if err != nil {
			return err
		}
		start += next
	}
	return nil
}

// bulk sends models and returns how many the server went through: all,
// or, when ordered, up to the refused one that was skipped.
func (w *batchWriter) bulk(ctx context.Context, models []client.WriteModel, lines []int) (int, error) {
	opts := client.BulkWriteOptions{Unordered: !importFlags.ordered}
	res, err := w.coll.BulkWrite(ctx, models, opts)
	if err != nil && retryable(err) && ctx.Err() == nil {
		res, err = w.coll.BulkWrite(ctx, models, opts)
	}
	w.st.upserted.Add(res.UpsertedCount)
	w.st.matched.Add(res.MatchedCount)
	w.st.modified.Add(res.ModifiedCount)
	w.st.written.Add(res.UpsertedCount + res.MatchedCount)
	var we *client.WriteException
	if !errors.As(err, &we) || we.WriteConcernError != nil {
		return len(models), err
	}
	next := len(models)
	for _, e := range we.WriteErrors {
		if err := w.refused(lines[e.Index], e); err != nil {
			return 0, err
		}
		if importFlags.ordered {
			next = e.Index + 1
		}
	}
	return next, nil
}

// model is the write of one document in upsert or merge mode.
func (w *batchWriter) model(doc bson.Raw) (client.WriteModel, error) {
	filter := bson.D{}
	for _, path := range w.fields {
		v := doc.Lookup(path...)
		if v.Type == 0 {
			return nil, fmt.Errorf("no %s field to upsert on", strings.Join(path, "."))
		}
		filter = append(filter, bson.KV(strings.Join(path, "."), v))
	}
	if importFlags.mode == "upsert" {
		return client.ReplaceOneModel{Filter: filter, Replacement: doc, Upsert: true}, nil
	}
	set := bson.D{}
	elems, err := doc.Elements()
	if err != nil {
		return nil, err
	}
	for _, e := range elems {
		if e.Key() != "_id" {
			set = append(set, bson.KV(e.Key(), e.Value()))
		}
	}
	return client.UpdateOneModel{Filter: filter, Update: bson.D{bson.KV("$set", set)}, Upsert: true}, nil
}
