// Command indexes creates a unique index and a compound index, lists
// them, and handles the duplicate-key error a unique index raises: with
// client.IsDuplicateKey, and with errors.As for the details.
//
//	go run ./examples/indexes -uri mongodb://localhost:27017
//
// The server comes from -uri, else $MONGODB_URI, else
// mongodb://localhost:27017. The program drops and refills the collection
// examples.users.
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

// run indexes the users collection and inserts a user twice.
func run(ctx context.Context, db *client.Database, w io.Writer) error {
	users := db.Collection("users")
	if err := users.Drop(ctx); err != nil {
		return err
	}
	// Key patterns are ordered documents: bson.D, never a multi-key bson.M.
	names, err := users.Indexes().CreateMany(ctx, []client.IndexModel{
		{Keys: bson.D{bson.KV("email", 1)}, Options: client.IndexOptions{Unique: true}},
		{Keys: bson.D{bson.KV("last", 1), bson.KV("first", 1)}},
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "created:", names)
	specs, err := users.Indexes().ListSpecifications(ctx)
	if err != nil {
		return err
	}
	for _, s := range specs {
		fmt.Fprintf(w, "index %s on %v unique=%v\n", s.Name, s.Keys, s.Unique)
	}

	ada := bson.D{bson.KV("email", "ada@example.com"), bson.KV("first", "Ada"), bson.KV("last", "Lovelace")}
	if _, err := users.InsertOne(ctx, ada); err != nil {
		return err
	}
	_, err = users.InsertOne(ctx, bson.D{bson.KV("email", "ada@example.com"), bson.KV("first", "Augusta")})
	switch {
	case client.IsDuplicateKey(err):
		var we *client.WriteException
		if errors.As(err, &we) {
			fmt.Fprintf(w, "duplicate key: the email is taken (write error code %d)\n", we.WriteErrors[0].Code)
		}
	case err != nil:
		return err
	default:
		fmt.Fprintln(w, "no error: the unique index did not hold")
	}
	// Upserting on the unique key updates the one user instead.
	res, err := users.UpdateOne(ctx, bson.D{bson.KV("email", "ada@example.com")},
		bson.D{bson.KV("$set", bson.D{bson.KV("first", "Augusta Ada")})}, client.UpdateOptions{Upsert: true})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "matched %d, modified %d, upserted %v\n", res.MatchedCount, res.ModifiedCount, res.UpsertedID)
	return nil
}
