// Command bulk-write sends a mix of inserts, updates and deletes as one
// BulkWrite, then shows what an ordered bulk write does when one of its
// writes fails: it stops there, and the error says which write failed
// and what went through.
//
//	go run ./examples/bulk-write -uri mongodb://localhost:27017
//
// The server comes from -uri, else $MONGODB_URI, else
// mongodb://localhost:27017. The program drops and refills the collection
// examples.stock.
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
)

func main() {
	uri := flag.String("uri", "", "the server's connection string (default $MONGODB_URI, else mongodb://localhost:27017)")
	flag.Parse()
	if *uri == "" {
		*uri = os.Getenv("MONGODB_URI")
	}
	if *uri == "" {
		*uri = "mongodb://localhost:27017"
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := client.Connect(ctx, *uri)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	if err := run(ctx, c.Database("examples"), os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run applies two bulk writes to the stock collection.
func run(ctx context.Context, db *client.Database, w io.Writer) error {
	stock := db.Collection("stock")
	if err := stock.Drop(ctx); err != nil {
		return err
	}
	item := func(id, name string, qty int) bson.D {
		return bson.D{bson.KV("_id", id), bson.KV("name", name), bson.KV("qty", qty)}
	}
	res, err := stock.BulkWrite(ctx, []client.WriteModel{
		client.InsertOneModel{Document: item("a1", "anvil", 3)},
		client.InsertOneModel{Document: item("b2", "bellows", 10)},
		client.InsertOneModel{Document: item("c3", "chisel", 0)},
		client.UpdateOneModel{Filter: bson.D{bson.KV("_id", "a1")}, Update: bson.D{bson.KV("$inc", bson.D{bson.KV("qty", 2)})}},
		client.UpdateOneModel{Filter: bson.D{bson.KV("_id", "d4")}, Update: bson.D{bson.KV("$set", bson.D{bson.KV("name", "drill"), bson.KV("qty", 1)})}, Upsert: true},
		client.DeleteManyModel{Filter: bson.D{bson.KV("qty", 0)}},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "inserted %d, matched %d, modified %d, upserted %d (%v), deleted %d\n",
		res.InsertedCount, res.MatchedCount, res.ModifiedCount, res.UpsertedCount, res.UpsertedIDs[4], res.DeletedCount)

	// Ordered (the default): the duplicate _id at index 1 stops the batch,
	// so index 2 is never tried.
	res, err = stock.BulkWrite(ctx, []client.WriteModel{
		client.InsertOneModel{Document: item("e5", "file", 7)},
		client.InsertOneModel{Document: item("a1", "another anvil", 1)},
		client.InsertOneModel{Document: item("f6", "gauge", 2)},
	})
	var we *client.WriteException
	if errors.As(err, &we) {
		fmt.Fprintf(w, "write error at index %d, duplicate key: %v; inserted %d\n",
			we.WriteErrors[0].Index, client.IsDuplicateKey(err), res.InsertedCount)
	}
	n, err := stock.CountDocuments(ctx, bson.D{})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%d items in stock\n", n)
	return nil
}
