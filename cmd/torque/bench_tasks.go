package main

import (
	"bytes"
	"context"
	"io"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/gridfs"
)

// benchTasks are the specification's single- and multi-document tasks
// (with its counts divided by scale), in its order.
func benchTasks(db *client.Database, d *benchData, scale int) []benchTask {
	coll := db.Collection("corpus")
	n := max(10000/scale, 1)
	nLarge := max(10/scale, 1)
	hello := bson.D{bson.KV("hello", true)}
	fresh := func(ctx context.Context) error { return db.Drop(ctx) }
	tweets := func(ctx context.Context) error { return insertTweets(ctx, db, coll, d.tweet, n) }
	upload := d.gridfs[:len(d.gridfs)/scale]
	bucket, _ := gridfs.NewBucket(db)
	return []benchTask{
		{name: "single/run-command", size: 13 * int64(n), run: func(ctx context.Context) error {
			for range n {
				if err := db.RunCommand(ctx, hello).Err(); err != nil {
					return err
				}
			}
			return nil
		}},
		{name: "single/find-one-by-id", size: d.tweetSize * int64(n), once: tweets, run: func(ctx context.Context) error {
			for i := range n {
				if err := coll.FindOne(ctx, bson.D{bson.KV("_id", i+1)}).Err(); err != nil {
					return err
				}
			}
			return nil
		}},
		insertOneTask("single/small-doc-insert-one", coll, fresh, d.small, d.smallSize, n),
		insertOneTask("single/large-doc-insert-one", coll, fresh, d.large, d.largeSize, nLarge),
		{name: "multi/find-many-and-empty-cursor", size: d.tweetSize * int64(n), once: tweets, run: func(ctx context.Context) error {
			cur, err := coll.Find(ctx, bson.D{})
			if err != nil {
				return err
			}
			defer cur.Close(ctx)
			for cur.Next(ctx) {
			}
			return cur.Err()
		}},
		insertManyTask("multi/small-doc-bulk-insert", coll, fresh, d.small, d.smallSize, n),
		insertManyTask("multi/large-doc-bulk-insert", coll, fresh, d.large, d.largeSize, nLarge),
		{name: "multi/gridfs-upload", size: int64(len(upload)), setup: fresh, run: func(ctx context.Context) error {
			_, err := bucket.UploadFromStream(ctx, "gridfstest", bytes.NewReader(upload))
			return err
		}},
		{name: "multi/gridfs-download", size: int64(len(upload)),
			once: func(ctx context.Context) error {
				if err := fresh(ctx); err != nil {
					return err
				}
				_, err := bucket.UploadFromStream(ctx, "gridfstest", bytes.NewReader(upload))
				return err
			},
			run: func(ctx context.Context) error {
				_, err := bucket.DownloadToStreamByName(ctx, "gridfstest", -1, io.Discard)
				return err
			}},
	}
}

// insertTweets fills the collection with n copies of the tweet, _id 1..n.
func insertTweets(ctx context.Context, db *client.Database, coll *client.Collection, tweet bson.Raw, n int) error {
	if err := db.Drop(ctx); err != nil {
		return err
	}
	docs := make([]any, n)
	for i := range docs {
		docs[i] = withID(tweet, int32(i+1))
	}
	_, err := coll.InsertMany(ctx, docs)
	return err
}

// withID returns doc with _id id first (and any _id of its own dropped).
func withID(doc bson.Raw, id int32) bson.Raw {
	out := make([]byte, 4, len(doc)+16)
	out = bson.AppendInt32Element(out, "_id", id)
	for e := range doc.AllElements() {
		if e.Key() != "_id" {
			out = append(out, e...)
		}
	}
	out = append(out, 0)
	n := len(out)
	out[0], out[1], out[2], out[3] = byte(n), byte(n>>8), byte(n>>16), byte(n>>24)
	return out
}

func insertOneTask(name string, coll *client.Collection, fresh func(context.Context) error, doc bson.Raw, size int64, n int) benchTask {
	return benchTask{name: name, size: size * int64(n), setup: fresh, run: func(ctx context.Context) error {
		for range n {
			if _, err := coll.InsertOne(ctx, doc); err != nil {
				return err
			}
		}
		return nil
	}}
}

func insertManyTask(name string, coll *client.Collection, fresh func(context.Context) error, doc bson.Raw, size int64, n int) benchTask {
	docs := make([]any, n)
	for i := range docs {
		docs[i] = doc
	}
	return benchTask{name: name, size: size * int64(n), setup: fresh, run: func(ctx context.Context) error {
		_, err := coll.InsertMany(ctx, docs)
		return err
	}}
}
