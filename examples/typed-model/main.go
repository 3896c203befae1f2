// Command typed-model keeps a typed collection of books: a Go struct is
// the document, client.Typed gives a collection whose reads return it,
// and client.DistinctAs decodes distinct values into a typed slice.
//
//	go run ./examples/typed-model -uri mongodb://localhost:27017
//
// The server comes from -uri, else $MONGODB_URI, else
// mongodb://localhost:27017. The program drops and refills the collection
// examples.books.
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

// Book is one document of the collection. The bson tags name its fields;
// omitempty leaves an empty Tags out.
type Book struct {
	ID     int      `bson:"_id"`
	Title  string   `bson:"title"`
	Author string   `bson:"author"`
	Year   int      `bson:"year"`
	Tags   []string `bson:"tags,omitempty"`
}

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

// run fills the books collection and reads it back as Books, writing
// what it finds to w.
func run(ctx context.Context, db *client.Database, w io.Writer) error {
	coll := db.Collection("books")
	if err := coll.Drop(ctx); err != nil {
		return err
	}
	books := client.Typed[Book](coll)
	// InsertMany takes the []Book as it is.
	res, err := books.InsertMany(ctx, []Book{
		{1, "Dune", "Frank Herbert", 1965, []string{"sf"}},
		{2, "Neuromancer", "William Gibson", 1984, []string{"sf", "cyberpunk"}},
		{3, "Solaris", "Stanisław Lem", 1961, nil},
		{4, "The Left Hand of Darkness", "Ursula K. Le Guin", 1969, []string{"sf"}},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "inserted %d books\n", len(res.InsertedIDs))

	dune, err := books.FindOne(ctx, bson.D{bson.KV("title", "Dune")})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "found: %s by %s (%d)\n", dune.Title, dune.Author, dune.Year)

	// A typed cursor decodes each document into a new Book.
	cur, err := books.Find(ctx, bson.D{bson.KV("year", bson.D{bson.KV("$lt", 1970)})},
		client.FindOptions{Sort: bson.D{bson.KV("year", 1)}})
	if err != nil {
		return err
	}
	defer cur.Close(ctx)
	for b, err := range cur.Iter(ctx) {
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "before 1970: %d %s\n", b.Year, b.Title)
	}

	if _, err := books.UpdateOne(ctx, bson.D{bson.KV("_id", 3)},
		bson.D{bson.KV("$push", bson.D{bson.KV("tags", "classic")})}); err != nil {
		return err
	}
	solaris, err := books.FindOne(ctx, bson.D{bson.KV("_id", 3)})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Solaris tags: %v\n", solaris.Tags)

	years, err := client.DistinctAs[int](ctx, coll, "year", bson.D{bson.KV("tags", "sf")})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "years of sf books: %v\n", years)

	_, err = books.FindOne(ctx, bson.D{bson.KV("title", "Ubik")})
	fmt.Fprintf(w, "Ubik: %v\n", err)
	return nil
}
