package unified

import (
	"context"
	"fmt"
	"sort"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

func updateOptions(a *args) client.UpdateOptions {
	return client.UpdateOptions{Upsert: a.boolean("upsert"), ArrayFilters: a.docs("arrayFilters"),
		Collation: a.collation(), Hint: a.hint(), Sort: a.docOrNil("sort"), Let: a.docOrNil("let"),
		BypassDocumentValidation: a.boolPtr("bypassDocumentValidation"), Comment: a.value("comment")}
}

func updateOne(ctx context.Context, c *collEntity, a *args) outcome {
	return updateWith(c, a, "update", func(f, u any, o client.UpdateOptions) (client.UpdateResult, error) {
		return c.UpdateOne(ctx, f, u, o)
	})
}

func updateMany(ctx context.Context, c *collEntity, a *args) outcome {
	return updateWith(c, a, "update", func(f, u any, o client.UpdateOptions) (client.UpdateResult, error) {
		return c.UpdateMany(ctx, f, u, o)
	})
}

func replaceOne(ctx context.Context, c *collEntity, a *args) outcome {
	return updateWith(c, a, "replacement", func(f, u any, o client.UpdateOptions) (client.UpdateResult, error) {
		return c.ReplaceOne(ctx, f, u, client.ReplaceOptions{Upsert: o.Upsert, Collation: o.Collation,
			Hint: o.Hint, Sort: o.Sort, Let: o.Let, BypassDocumentValidation: o.BypassDocumentValidation, Comment: o.Comment})
	})
}

func updateWith(c *collEntity, a *args, key string, run func(f, u any, o client.UpdateOptions) (client.UpdateResult, error)) outcome {
	filter := a.docOrNil("filter")
	u := a.update(key)
	o := updateOptions(a)
	if bad := argErr(a); bad != nil {
		return *bad
	}
	res, err := run(filter, u, o)
	if err != nil || c.unacknowledged {
		return outcome{err: err}
	}
	d := bson.D{bson.KV("matchedCount", res.MatchedCount), bson.KV("modifiedCount", res.ModifiedCount),
		bson.KV("upsertedCount", res.UpsertedCount)}
	if res.UpsertedID != nil {
		d = append(d, bson.KV("upsertedId", res.UpsertedID))
	}
	return result(d)
}

func deleteOne(ctx context.Context, c *collEntity, a *args) outcome {
	return deleteWith(ctx, c, a, c.DeleteOne)
}

func deleteMany(ctx context.Context, c *collEntity, a *args) outcome {
	return deleteWith(ctx, c, a, c.DeleteMany)
}

func deleteWith(ctx context.Context, c *collEntity, a *args, run func(context.Context, any, ...client.DeleteOptions) (client.DeleteResult, error)) outcome {
	filter := a.docOrNil("filter")
	o := client.DeleteOptions{Collation: a.collation(), Hint: a.hint(), Let: a.docOrNil("let"), Comment: a.value("comment")}
	if bad := argErr(a); bad != nil {
		return *bad
	}
	res, err := run(ctx, filter, o)
	if err != nil || c.unacknowledged {
		return outcome{err: err}
	}
	return result(bson.D{bson.KV("deletedCount", res.DeletedCount)})
}

func findAndModifyOptions(a *args) (client.FindOneAndUpdateOptions, error) {
	o := client.FindOneAndUpdateOptions{Upsert: a.boolean("upsert"), Projection: a.docOrNil("projection"),
		Sort: a.docOrNil("sort"), ArrayFilters: a.docs("arrayFilters"), Collation: a.collation(), Hint: a.hint(),
		Let: a.docOrNil("let"), MaxTime: a.millis("maxTimeMS"),
		BypassDocumentValidation: a.boolPtr("bypassDocumentValidation"), Comment: a.value("comment")}
	switch rd := a.str("returnDocument"); rd {
	case "", "Before":
	case "After":
		o.ReturnAfter = true
	default:
		return o, fmt.Errorf("runner: returnDocument %q", rd)
	}
	return o, nil
}

func findOneAndUpdate(ctx context.Context, c *collEntity, a *args) outcome {
	filter, u := a.docOrNil("filter"), a.update("update")
	o, err := findAndModifyOptions(a)
	if bad := argErr(a); bad != nil || err != nil {
		return outcome{err: firstErr(err, bad)}
	}
	return single(c, c.FindOneAndUpdate(ctx, filter, u, o))
}

func findOneAndReplace(ctx context.Context, c *collEntity, a *args) outcome {
	filter, u := a.docOrNil("filter"), a.docOrNil("replacement")
	o, err := findAndModifyOptions(a)
	if bad := argErr(a); bad != nil || err != nil {
		return outcome{err: firstErr(err, bad)}
	}
	return single(c, c.FindOneAndReplace(ctx, filter, u, o))
}

func findOneAndDelete(ctx context.Context, c *collEntity, a *args) outcome {
	filter := a.docOrNil("filter")
	o := client.FindOneAndDeleteOptions{Projection: a.docOrNil("projection"), Sort: a.docOrNil("sort"),
		Collation: a.collation(), Hint: a.hint(), Let: a.docOrNil("let"), MaxTime: a.millis("maxTimeMS"),
		Comment: a.value("comment")}
	if bad := argErr(a); bad != nil {
		return *bad
	}
	return single(c, c.FindOneAndDelete(ctx, filter, o))
}

func firstErr(err error, bad *outcome) error {
	if err != nil {
		return err
	}
	return bad.err
}

func bulkWrite(ctx context.Context, c *collEntity, a *args) outcome {
	var models []client.WriteModel
	for i, v := range a.array("requests").All() {
		m, err := writeModel(v)
		if err != nil {
			return outcome{err: fmt.Errorf("runner: requests[%d]: %w", i, err)}
		}
		models = append(models, m)
	}
	o := client.BulkWriteOptions{BypassDocumentValidation: a.boolPtr("bypassDocumentValidation"),
		Let: a.docOrNil("let"), Comment: a.value("comment")}
	if a.has("ordered") {
		o.Unordered = !a.boolean("ordered")
	}
	if bad := argErr(a); bad != nil {
		return *bad
	}
	res, err := c.BulkWrite(ctx, models, o)
	if c.unacknowledged || !res.Acknowledged && err == nil {
		return outcome{err: err}
	}
	out := result(bson.D{bson.KV("deletedCount", res.DeletedCount), bson.KV("insertedCount", res.InsertedCount),
		bson.KV("insertedIds", idMap(res.InsertedIDs)), bson.KV("matchedCount", res.MatchedCount),
		bson.KV("modifiedCount", res.ModifiedCount), bson.KV("upsertedCount", res.UpsertedCount),
		bson.KV("upsertedIds", idMap(res.UpsertedIDs))})
	out.err = err
	return out
}

// idMap turns index -> _id into the document {"<index>": _id}, in order.
func idMap(ids map[int]any) bson.D {
	keys := make([]int, 0, len(ids))
	for k := range ids {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	d := bson.D{}
	for _, k := range keys {
		d = append(d, bson.KV(bson.ArrayKey(k), ids[k]))
	}
	return d
}

// writeModel reads one request of a bulkWrite: {insertOne: {...}}, ...
func writeModel(v bson.RawValue) (client.WriteModel, error) {
	doc, ok := v.Document()
	if !ok {
		return nil, fmt.Errorf("not a document: %s", v)
	}
	el, err := doc.Index(0)
	if err != nil {
		return nil, err
	}
	spec, _ := el.Value().Document()
	a := newArgs(spec)
	var m client.WriteModel
	switch el.Key() {
	case "insertOne":
		m = client.InsertOneModel{Document: a.docOrNil("document")}
	case "updateOne":
		m = client.UpdateOneModel{Filter: a.docOrNil("filter"), Update: a.update("update"), Upsert: a.boolean("upsert"),
			ArrayFilters: a.docs("arrayFilters"), Collation: a.collation(), Hint: a.hint(), Sort: a.docOrNil("sort")}
	case "updateMany":
		m = client.UpdateManyModel{Filter: a.docOrNil("filter"), Update: a.update("update"), Upsert: a.boolean("upsert"),
			ArrayFilters: a.docs("arrayFilters"), Collation: a.collation(), Hint: a.hint()}
	case "replaceOne":
		m = client.ReplaceOneModel{Filter: a.docOrNil("filter"), Replacement: a.docOrNil("replacement"),
			Upsert: a.boolean("upsert"), Collation: a.collation(), Hint: a.hint(), Sort: a.docOrNil("sort")}
	case "deleteOne":
		m = client.DeleteOneModel{Filter: a.docOrNil("filter"), Collation: a.collation(), Hint: a.hint()}
	case "deleteMany":
		m = client.DeleteManyModel{Filter: a.docOrNil("filter"), Collation: a.collation(), Hint: a.hint()}
	default:
		return nil, fmt.Errorf("%w: write model %q", errUnsupportedOp, el.Key())
	}
	return m, a.done()
}
