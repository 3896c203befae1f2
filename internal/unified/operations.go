package unified

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

// outcome is what an operation produced: its result as a BSON value (the
// zero RawValue when unset, as for an unacknowledged write) and its error.
// Partial results (a bulk write's counts) come with the error.
type outcome struct {
	result bson.RawValue
	err    error
	entity cursorEntity // a change stream or find cursor to save
	coll   *collEntity  // createCollection's collection, to save
}

// collectionOps are the operations on collection entities, by name.
var collectionOps = map[string]func(context.Context, *collEntity, *args) outcome{
	"insertOne":              insertOne,
	"insertMany":             insertMany,
	"find":                   find,
	"findOne":                findOne,
	"aggregate":              aggregateColl,
	"countDocuments":         countDocuments,
	"estimatedDocumentCount": estimatedCount,
	"distinct":               distinct,
	"updateOne":              updateOne,
	"updateMany":             updateMany,
	"replaceOne":             replaceOne,
	"deleteOne":              deleteOne,
	"deleteMany":             deleteMany,
	"findOneAndUpdate":       findOneAndUpdate,
	"findOneAndReplace":      findOneAndReplace,
	"findOneAndDelete":       findOneAndDelete,
	"bulkWrite":              bulkWrite,
	"createIndex":            createIndex,
	"listIndexes":            listIndexes,
	"listIndexNames":         listIndexNames,
	"dropIndex":              dropIndex,
	"dropIndexes":            dropIndexes,
	"createChangeStream":     watchCollection,
	"createFindCursor":       createFindCursor,
	"rename":                 rename,
	"createSearchIndex":      createSearchIndex,
	"createSearchIndexes":    createSearchIndexes,
	"listSearchIndexes":      listSearchIndexes,
	"updateSearchIndex":      updateSearchIndex,
	"dropSearchIndex":        dropSearchIndex,
}

// execute runs one operation on its object.
func (r *run) execute(ctx context.Context, name, object string, a *args) outcome {
	if compareVersions(r.tg.env.version, []int{8, 2}) < 0 {
		// rawData is for servers from 8.2 on; drivers must not send it to
		// older ones, and torque has no such option to send.
		a.skip("rawData")
	}
	if err := r.entities.unavailable[object]; err != nil {
		return outcome{err: fmt.Errorf("%w: %w", errUnsupportedOp, err)}
	}
	ctx, err := r.withSession(ctx, a)
	if err != nil {
		return outcome{err: err}
	}
	if ctx, err = withTimeoutArgs(ctx, a); err != nil {
		return outcome{err: err}
	}
	if s, ok := r.entities.sessions[object]; ok {
		return r.sessionOp(ctx, object, s, name, a)
	}
	if c, ok := r.entities.cursors[object]; ok {
		return cursorOp(ctx, c, name, a)
	}
	if object == "testRunner" {
		return r.testRunnerOp(ctx, name, a)
	}
	if c, ok := r.entities.colls[object]; ok {
		if op, ok := collectionOps[name]; ok {
			if c.unacknowledged && r.inTransaction(a) {
				// A transaction ignores the collection's w: 0.
				c = &collEntity{Collection: c.Collection}
			}
			return op(ctx, c, a)
		}
	}
	if db, ok := r.entities.dbs[object]; ok {
		if op, ok := databaseOps[name]; ok {
			return op(ctx, db, a)
		}
	}
	if b, ok := r.entities.buckets[object]; ok {
		return bucketOp(ctx, b, name, a)
	}
	if c, ok := r.entities.clients[object]; ok {
		if op, ok := clientOps[name]; ok {
			return op(ctx, c.Client, a)
		}
	}
	return outcome{err: fmt.Errorf("%w: operation %q on %q", errUnsupportedOp, name, object)}
}

// errUnsupportedOp marks an operation the runner does not implement.
var errUnsupportedOp = errors.New("runner: unsupported operation")

// argErr ends an operation whose arguments the runner cannot use.
func argErr(a *args) *outcome {
	if err := a.done(); err != nil {
		return &outcome{err: err}
	}
	return nil
}

func insertOne(ctx context.Context, c *collEntity, a *args) outcome {
	doc := a.docOrNil("document")
	o := client.InsertOneOptions{BypassDocumentValidation: a.boolPtr("bypassDocumentValidation"), Comment: a.value("comment")}
	if bad := argErr(a); bad != nil {
		return *bad
	}
	res, err := c.InsertOne(ctx, doc, o)
	if err != nil || c.unacknowledged {
		return outcome{err: err}
	}
	return result(bson.D{bson.KV("insertedId", res.InsertedID)})
}

func insertMany(ctx context.Context, c *collEntity, a *args) outcome {
	docs := a.docs("documents")
	o := client.InsertManyOptions{BypassDocumentValidation: a.boolPtr("bypassDocumentValidation"),
		Comment: a.value("comment")}
	if a.has("ordered") {
		o.Unordered = !a.boolean("ordered")
	}
	if bad := argErr(a); bad != nil {
		return *bad
	}
	res, err := c.InsertMany(ctx, docs, o)
	if c.unacknowledged {
		return outcome{err: err}
	}
	if err != nil {
		// Beside a write error the spec's result is the bulk-write shape
		// with the partial counts (expectError.expectResult).
		out := result(bson.D{bson.KV("insertedCount", res.InsertedCount),
			bson.KV("deletedCount", int64(0)), bson.KV("matchedCount", int64(0)),
			bson.KV("modifiedCount", int64(0)), bson.KV("upsertedCount", int64(0)),
			bson.KV("upsertedIds", bson.D{})})
		out.err = err
		return out
	}
	ids := bson.D{}
	for i, id := range res.InsertedIDs {
		ids = append(ids, bson.KV(bson.ArrayKey(i), id))
	}
	return result(bson.D{bson.KV("insertedIds", ids)})
}

func find(ctx context.Context, c *collEntity, a *args) outcome {
	filter := a.docOrNil("filter")
	o := client.FindOptions{Sort: a.docOrNil("sort"), Projection: a.docOrNil("projection"),
		Skip: a.int64("skip"), Limit: a.int64("limit"), BatchSize: int32(a.int64("batchSize")),
		Hint: a.hint(), Collation: a.collation(), MaxTime: a.millis("maxTimeMS"), Comment: a.value("comment"),
		AllowDiskUse: a.boolPtr("allowDiskUse"), Let: a.docOrNil("let"), Min: a.docOrNil("min"),
		Max: a.docOrNil("max"), ReturnKey: a.boolean("returnKey"), ShowRecordID: a.boolean("showRecordId")}
	cursorTypeArgs(a, &o)
	if bad := argErr(a); bad != nil {
		return *bad
	}
	cur, err := c.Find(ctx, filter, o)
	return drain(ctx, cur, err)
}

func findOne(ctx context.Context, c *collEntity, a *args) outcome {
	filter := a.docOrNil("filter")
	o := client.FindOneOptions{Sort: a.docOrNil("sort"), Projection: a.docOrNil("projection"),
		Skip: a.int64("skip"), Hint: a.hint(), Collation: a.collation(), MaxTime: a.millis("maxTimeMS"),
		Comment: a.value("comment"), Let: a.docOrNil("let")}
	if bad := argErr(a); bad != nil {
		return *bad
	}
	return single(c, c.FindOne(ctx, filter, o))
}

func aggregateOptions(a *args) client.AggregateOptions {
	return client.AggregateOptions{AllowDiskUse: a.boolPtr("allowDiskUse"), BatchSize: int32(a.int64("batchSize")),
		BypassDocumentValidation: a.boolPtr("bypassDocumentValidation"), Collation: a.collation(),
		MaxTime: a.millis("maxTimeMS"), Comment: a.value("comment"), Hint: a.hint(), Let: a.docOrNil("let"),
		MaxAwaitTime: a.millis("maxAwaitTimeMS")}
}

func aggregateColl(ctx context.Context, c *collEntity, a *args) outcome {
	pipeline := a.pipeline("pipeline")
	o := aggregateOptions(a)
	if bad := argErr(a); bad != nil {
		return *bad
	}
	cur, err := c.Aggregate(ctx, pipeline, o)
	return drain(ctx, cur, err)
}

func aggregateDB(ctx context.Context, db *client.Database, a *args) outcome {
	pipeline := a.pipeline("pipeline")
	o := aggregateOptions(a)
	if bad := argErr(a); bad != nil {
		return *bad
	}
	cur, err := db.Aggregate(ctx, pipeline, o)
	return drain(ctx, cur, err)
}

// drain reads a cursor to its end: the result is the array of its
// documents.
func drain(ctx context.Context, cur *client.Cursor, err error) outcome {
	if err != nil {
		return outcome{err: err}
	}
	defer cur.Close(ctx)
	arr := bson.A{}
	for cur.Next(ctx) {
		arr = append(arr, bson.Raw(bytes.Clone(cur.Current)))
	}
	if err := cur.Err(); err != nil {
		return outcome{err: err}
	}
	return result(arr)
}

func countDocuments(ctx context.Context, c *collEntity, a *args) outcome {
	filter := a.docOrNil("filter")
	o := client.CountOptions{Skip: a.int64("skip"), Limit: a.int64("limit"), Hint: a.hint(),
		Collation: a.collation(), MaxTime: a.millis("maxTimeMS"), Comment: a.value("comment")}
	if bad := argErr(a); bad != nil {
		return *bad
	}
	n, err := c.CountDocuments(ctx, filter, o)
	if err != nil {
		return outcome{err: err}
	}
	return result(n)
}

func estimatedCount(ctx context.Context, c *collEntity, a *args) outcome {
	o := client.EstimatedCountOptions{MaxTime: a.millis("maxTimeMS"), Comment: a.value("comment")}
	if bad := argErr(a); bad != nil {
		return *bad
	}
	n, err := c.EstimatedDocumentCount(ctx, o)
	if err != nil {
		return outcome{err: err}
	}
	return result(n)
}

func distinct(ctx context.Context, c *collEntity, a *args) outcome {
	field := a.str("fieldName")
	filter := a.docOrNil("filter")
	o := client.DistinctOptions{Collation: a.collation(), MaxTime: a.millis("maxTimeMS"),
		Comment: a.value("comment"), Hint: a.hint()}
	if bad := argErr(a); bad != nil {
		return *bad
	}
	vals, err := c.Distinct(ctx, field, filter, o)
	if err != nil {
		return outcome{err: err}
	}
	arr := bson.A{}
	for _, v := range vals {
		arr = append(arr, v)
	}
	return result(arr)
}

func createIndex(ctx context.Context, c *collEntity, a *args) outcome {
	m := client.IndexModel{Keys: a.docOrNil("keys"),
		Options: client.IndexOptions{Name: a.str("name"), Unique: a.boolean("unique")}}
	o := client.CreateIndexesOptions{MaxTime: a.millis("maxTimeMS")}
	if bad := argErr(a); bad != nil {
		return *bad
	}
	name, err := c.Indexes().CreateOne(ctx, m, o)
	if err != nil {
		return outcome{err: err}
	}
	return result(name)
}

// single turns a FindOne or FindOneAnd* result into an outcome: the
// document, or null when nothing matched.
func single(c *collEntity, sr client.SingleResult) outcome {
	doc, err := sr.Raw()
	if err == nil && c.unacknowledged {
		return outcome{}
	}
	if errors.Is(err, client.ErrNoDocuments) {
		return outcome{result: bson.RawValue{Type: bson.TypeNull}}
	}
	if err != nil {
		return outcome{err: err}
	}
	return outcome{result: docValue(doc)}
}

// result encodes v as an operation's result.
func result(v any) outcome {
	t, b, err := bson.MarshalValue(v)
	if err != nil {
		return outcome{err: fmt.Errorf("runner: encoding the result: %w", err)}
	}
	return outcome{result: bson.RawValue{Type: t, Value: b}}
}
