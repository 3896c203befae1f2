// Command aggregation runs an aggregation pipeline over orders: $match,
// $group with $sum, $sort and $project, decoding each result into a Go
// struct. Stages are bson.D: their keys have an order, and a bson.M with
// more than one key is refused where order matters ($sort).
//
//	go run ./examples/aggregation -uri mongodb://localhost:27017
//
// The server comes from -uri, else $MONGODB_URI, else
// mongodb://localhost:27017. The program drops and refills the collection
// examples.orders.
package main

import (
	"context"
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

// Total is one result of the pipeline.
type Total struct {
	Customer string  `bson:"customer"`
	Orders   int     `bson:"orders"`
	Spent    float64 `bson:"spent"`
}

// run stores some orders and prints what each customer spent on shipped
// orders, the biggest spender first.
func run(ctx context.Context, db *client.Database, w io.Writer) error {
	orders := db.Collection("orders")
	if err := orders.Drop(ctx); err != nil {
		return err
	}
	_, err := orders.InsertMany(ctx, []bson.D{
		{bson.KV("customer", "ada"), bson.KV("amount", 12.5), bson.KV("status", "shipped")},
		{bson.KV("customer", "grace"), bson.KV("amount", 40.0), bson.KV("status", "shipped")},
		{bson.KV("customer", "ada"), bson.KV("amount", 30.0), bson.KV("status", "shipped")},
		{bson.KV("customer", "alan"), bson.KV("amount", 99.0), bson.KV("status", "cancelled")},
		{bson.KV("customer", "alan"), bson.KV("amount", 5.25), bson.KV("status", "shipped")},
	})
	if err != nil {
		return err
	}
	pipeline := bson.A{
		bson.D{bson.KV("$match", bson.D{bson.KV("status", "shipped")})},
		bson.D{bson.KV("$group", bson.D{
			bson.KV("_id", "$customer"),
			bson.KV("orders", bson.D{bson.KV("$sum", 1)}),
			bson.KV("spent", bson.D{bson.KV("$sum", "$amount")}),
		})},
		bson.D{bson.KV("$sort", bson.D{bson.KV("spent", -1), bson.KV("_id", 1)})},
		bson.D{bson.KV("$project", bson.D{bson.KV("_id", 0), bson.KV("customer", "$_id"), bson.KV("orders", 1), bson.KV("spent", 1)})},
	}
	cur, err := orders.Aggregate(ctx, pipeline)
	if err != nil {
		return err
	}
	var totals []Total
	if err := cur.All(ctx, &totals); err != nil {
		return err
	}
	for _, t := range totals {
		fmt.Fprintf(w, "%-6s %d orders %6.2f\n", t.Customer, t.Orders, t.Spent)
	}
	// The same $sort as a bson.M has no order: an error, before anything
	// is sent.
	_, err = orders.Aggregate(ctx, bson.A{bson.M{"$sort": bson.M{"spent": -1, "_id": 1}}})
	fmt.Fprintln(w, err)
	return nil
}
