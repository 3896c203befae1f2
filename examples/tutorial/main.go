// Command tutorial walks through Motor's asyncio tutorial ("Tutorial:
// Using Motor With asyncio") with torque, step by step, and prints what
// the tutorial prints. Each step is a function named after the tutorial's
// coroutine: doInsert, doFindOne, doFind, doCount, doReplace, doUpdate,
// doDeleteMany, useCountCommand.
//
//	go run ./examples/tutorial -uri mongodb://localhost:27017
//	go run ./examples/tutorial -mem     (make demo-mem: nothing to install)
//
// The server comes from -uri, else $MONGODB_URI, else
// mongodb://localhost:27017; with -mem it is an in-process server from
// package mongotest, started for the run and stopped after it. The program
// drops and refills the collection test_database.test_collection.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

func main() {
	uri := flag.String("uri", "", "the server's connection string (default $MONGODB_URI, else mongodb://localhost:27017)")
	mem := flag.Bool("mem", false, "run against an in-process server (package mongotest) instead of -uri")
	flag.Parse()
	if *mem {
		srv, err := mongotest.Start(mongotest.Options{})
		if err != nil {
			log.Fatal(err)
		}
		defer srv.Close()
		*uri = srv.URI()
	}
	if *uri == "" {
		*uri = os.Getenv("MONGODB_URI")
	}
	if *uri == "" {
		*uri = "mongodb://localhost:27017"
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// A client does no I/O until the first operation; make one per
	// program and share it.
	c, err := client.Connect(ctx, *uri)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	if err := tutorial(ctx, c.Database("test_database"), os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// tutorial runs every step against db's test_collection, writing to w.
func tutorial(ctx context.Context, db *client.Database, w io.Writer) error {
	coll := db.Collection("test_collection")
	if err := coll.Drop(ctx); err != nil {
		return err
	}
	steps := []func(context.Context, *client.Collection, io.Writer) error{
		doInsert, doInsertMany, doFindOne, doFind, doFindAsyncFor, doFindSortSkipLimit,
		doCount, doReplace, doUpdate, doUpdateMany, doDeleteMany,
	}
	for _, step := range steps {
		if err := step(ctx, coll, w); err != nil {
			return err
		}
	}
	return useCountCommand(ctx, db, w)
}

// doInsert stores one document; the driver adds its _id. (The tutorial
// then deletes it before going on.)
func doInsert(ctx context.Context, coll *client.Collection, w io.Writer) error {
	result, err := coll.InsertOne(ctx, bson.D{bson.KV("key", "value")})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "result %v\n", result.InsertedID)
	_, err = coll.DeleteMany(ctx, bson.D{})
	return err
}

// doInsertMany inserts 2000 documents {i: 0} ... {i: 1999}, in as few
// insert commands as the server's limits allow.
func doInsertMany(ctx context.Context, coll *client.Collection, w io.Writer) error {
	docs := make([]any, 2000)
	for i := range docs {
		docs[i] = bson.D{bson.KV("i", i)}
	}
	result, err := coll.InsertMany(ctx, docs)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "inserted %d docs\n", len(result.InsertedIDs))
	return nil
}

// doFindOne gets the first document whose i is less than 1.
func doFindOne(ctx context.Context, coll *client.Collection, w io.Writer) error {
	document, err := coll.FindOne(ctx, bson.D{bson.KV("i", bson.D{bson.KV("$lt", 1)})}).Raw()
	if err != nil {
		return err
	}
	fmt.Fprintln(w, document)
	return nil
}

// doFind reads the documents whose i is less than 5, sorted by i, as a
// list of at most 100 (to_list(length=100)).
func doFind(ctx context.Context, coll *client.Collection, w io.Writer) error {
	cursor, err := coll.Find(ctx, bson.D{bson.KV("i", bson.D{bson.KV("$lt", 5)})},
		client.FindOptions{Sort: bson.D{bson.KV("i", 1)}})
	if err != nil {
		return err
	}
	defer cursor.Close(ctx)
	documents, err := cursor.ToList(ctx, 100)
	if err != nil {
		return err
	}
	for _, document := range documents {
		fmt.Fprintln(w, document)
	}
	return nil
}

// doFindAsyncFor handles one document at a time: Motor's "async for" is
// a range loop over the cursor.
func doFindAsyncFor(ctx context.Context, coll *client.Collection, w io.Writer) error {
	cursor, err := coll.Find(ctx, bson.D{bson.KV("i", bson.D{bson.KV("$lt", 2)})})
	if err != nil {
		return err
	}
	defer cursor.Close(ctx)
	for document, err := range cursor.Iter(ctx) {
		if err != nil {
			return err
		}
		fmt.Fprintln(w, document)
	}
	return nil
}

// doFindSortSkipLimit applies a sort, a skip and a limit: of i = 3, 2, 1,
// 0 it skips 3 and keeps two.
func doFindSortSkipLimit(ctx context.Context, coll *client.Collection, w io.Writer) error {
	cursor, err := coll.Find(ctx, bson.D{bson.KV("i", bson.D{bson.KV("$lt", 4)})},
		client.FindOptions{Sort: bson.D{bson.KV("i", -1)}, Skip: 1, Limit: 2})
	if err != nil {
		return err
	}
	defer cursor.Close(ctx)
	for document, err := range cursor.Iter(ctx) {
		if err != nil {
			return err
		}
		fmt.Fprintln(w, document)
	}
	return nil
}

// doCount counts the documents of the collection, then those whose i is
// greater than 1000.
func doCount(ctx context.Context, coll *client.Collection, w io.Writer) error {
	n, err := coll.CountDocuments(ctx, bson.D{})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%d documents in collection\n", n)
	n, err = coll.CountDocuments(ctx, bson.D{bson.KV("i", bson.D{bson.KV("$gt", 1000)})})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%d documents where i > 1000\n", n)
	return nil
}

// doReplace replaces the document whose i is 50 with {key: "value"}: all
// of it goes but its _id.
func doReplace(ctx context.Context, coll *client.Collection, w io.Writer) error {
	oldDocument, err := coll.FindOne(ctx, bson.D{bson.KV("i", 50)}).Raw()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "found document: %s\n", oldDocument)
	id, ok := oldDocument.Lookup("_id").ObjectID()
	if !ok {
		return errors.New("the document has no ObjectID _id")
	}
	result, err := coll.ReplaceOne(ctx, bson.D{bson.KV("_id", id)}, bson.D{bson.KV("key", "value")})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "replaced %d document\n", result.ModifiedCount)
	newDocument, err := coll.FindOne(ctx, bson.D{bson.KV("_id", id)}).Raw()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "document is now %s\n", newDocument)
	return nil
}

// doUpdate sets key to "value" in the document whose i is 51, leaving the
// rest of it intact.
func doUpdate(ctx context.Context, coll *client.Collection, w io.Writer) error {
	result, err := coll.UpdateOne(ctx, bson.D{bson.KV("i", 51)},
		bson.D{bson.KV("$set", bson.D{bson.KV("key", "value")})})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "updated %d document\n", result.ModifiedCount)
	newDocument, err := coll.FindOne(ctx, bson.D{bson.KV("i", 51)}).Raw()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "document is now %s\n", newDocument)
	return nil
}

// doUpdateMany updates every document whose i is greater than 100 (the
// tutorial prints nothing here).
func doUpdateMany(ctx context.Context, coll *client.Collection, _ io.Writer) error {
	_, err := coll.UpdateMany(ctx, bson.D{bson.KV("i", bson.D{bson.KV("$gt", 100)})},
		bson.D{bson.KV("$set", bson.D{bson.KV("key", "value")})})
	return err
}

// doDeleteMany removes every document whose i is at least 1000.
func doDeleteMany(ctx context.Context, coll *client.Collection, w io.Writer) error {
	n, err := coll.CountDocuments(ctx, bson.D{})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%d documents before calling delete_many()\n", n)
	if _, err := coll.DeleteMany(ctx, bson.D{bson.KV("i", bson.D{bson.KV("$gte", 1000)})}); err != nil {
		return err
	}
	if n, err = coll.CountDocuments(ctx, bson.D{}); err != nil {
		return err
	}
	fmt.Fprintf(w, "%d documents after\n", n)
	return nil
}

// useCountCommand runs a command: every operation is one underneath.
// The command name must come first, so a command is a bson.D (ordered),
// never a map.
func useCountCommand(ctx context.Context, db *client.Database, w io.Writer) error {
	response, err := db.RunCommand(ctx, bson.D{bson.KV("count", "test_collection")}).Raw()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "response: %s\n", response)
	return nil
}
