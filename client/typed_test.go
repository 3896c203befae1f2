package client_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/mockserver"
)

type book struct {
	ID     int    `bson:"_id"`
	Title  string `bson:"title"`
	Year   int    `bson:"year"`
	Author string `bson:"author,omitempty"`
}

var shelf = []book{
	{1, "Dune", 1965, "Herbert"},
	{2, "Solaris", 1961, "Lem"},
	{3, "Neuromancer", 1984, "Gibson"},
	{4, "Hyperion", 1989, ""},
}

// typedShelf returns a typed collection on FerretDB holding shelf.
func typedShelf(t *testing.T) client.TypedCollection[book] {
	t.Helper()
	books := client.Typed[book](serverCollection(t))
	res, err := books.InsertMany(testContext(t), shelf)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.InsertedIDs) != len(shelf) {
		t.Fatalf("inserted %d, want %d", len(res.InsertedIDs), len(shelf))
	}
	return books
}

var byYear = client.FindOptions{Sort: bson.D{bson.KV("year", 1)}}

func TestTypedFind(t *testing.T) {
	books := typedShelf(t)
	ctx := testContext(t)

	got, err := books.FindOne(ctx, bson.D{bson.KV("title", "Solaris")})
	if err != nil || got != shelf[1] {
		t.Errorf("FindOne = %+v, %v; want %+v", got, err, shelf[1])
	}
	if got, err := books.FindOne(ctx, bson.D{bson.KV("title", "Ubik")}); !errors.Is(err, client.ErrNoDocuments) || got != (book{}) {
		t.Errorf("FindOne of a missing book = %+v, %v; want the zero book and ErrNoDocuments", got, err)
	}

	all, err := books.FindAll(ctx, bson.D{bson.KV("year", bson.D{bson.KV("$lt", 1985)})}, byYear)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]book{shelf[1], shelf[0], shelf[2]}, all); diff != "" {
		t.Errorf("FindAll (-want +got):\n%s", diff)
	}

	// Next and Value, in batches of one; Hyperion, with no author, must not
	// inherit Gibson from the book before it.
	cur, err := books.Find(ctx, bson.D{}, client.FindOptions{Sort: byYear.Sort, BatchSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	var seen []book
	for cur.Next(ctx) {
		seen = append(seen, cur.Value())
	}
	if err := cur.Err(); err != nil {
		t.Fatal(err)
	}
	if err := cur.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]book{shelf[1], shelf[0], shelf[2], shelf[3]}, seen); diff != "" {
		t.Errorf("Next/Value (-want +got):\n%s", diff)
	}

	// The untyped methods are still there, through the embedded Collection.
	n, err := books.CountDocuments(ctx, bson.D{})
	if err != nil || n != 4 {
		t.Errorf("CountDocuments = %d, %v; want 4", n, err)
	}
	raw, err := books.Collection.FindOne(ctx, bson.D{bson.KV("_id", 3)}).Raw()
	if err != nil || !strings.Contains(raw.String(), "Neuromancer") {
		t.Errorf("untyped FindOne = %s, %v", raw, err)
	}
}

func TestTypedIter(t *testing.T) {
	books := typedShelf(t)
	ctx := testContext(t)
	cur, err := books.Find(ctx, bson.D{}, client.FindOptions{Sort: byYear.Sort, BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for b, err := range cur.Iter(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		titles = append(titles, b.Title)
		if len(titles) == 3 {
			break // leaves the cursor open (the rule of every Iter)
		}
	}
	if want := []string{"Solaris", "Dune", "Neuromancer"}; !cmp.Equal(titles, want) {
		t.Errorf("titles = %v, want %v", titles, want)
	}
	if cur.ID() == 0 {
		t.Error("cursor closed by breaking out of the loop, want it open")
	}
	for b, err := range cur.Iter(ctx) { // a second loop goes on where the first stopped
		if err != nil {
			t.Fatal(err)
		}
		titles = append(titles, b.Title)
	}
	if len(titles) != len(shelf) {
		t.Errorf("read %d books in two loops, want %d", len(titles), len(shelf))
	}
	if err := cur.Close(ctx); err != nil {
		t.Fatal(err)
	}

	// ToList takes at most length documents and leaves the rest.
	cur, err = books.Find(ctx, bson.D{}, client.FindOptions{Sort: byYear.Sort, BatchSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	first, err := cur.ToList(ctx, 3)
	if err != nil || len(first) != 3 || first[2] != shelf[2] {
		t.Fatalf("ToList(3) = %+v, %v", first, err)
	}
	rest, err := cur.All(ctx)
	if err != nil || len(rest) != 1 || rest[0] != shelf[3] {
		t.Errorf("All after ToList = %+v, %v; want Hyperion", rest, err)
	}
}

func TestTypedFindAndModify(t *testing.T) {
	books := typedShelf(t)
	ctx := testContext(t)

	before, err := books.FindOneAndUpdate(ctx, bson.D{bson.KV("_id", 4)},
		bson.D{bson.KV("$set", bson.D{bson.KV("author", "Simmons")})})
	if err != nil || before != shelf[3] {
		t.Errorf("FindOneAndUpdate = %+v, %v; want the book before: %+v", before, err, shelf[3])
	}
	after, err := books.FindOneAndUpdate(ctx, bson.D{bson.KV("_id", 4)},
		bson.D{bson.KV("$inc", bson.D{bson.KV("year", 1)})}, client.FindOneAndUpdateOptions{ReturnAfter: true})
	if want := (book{4, "Hyperion", 1990, "Simmons"}); err != nil || after != want {
		t.Errorf("FindOneAndUpdate after = %+v, %v; want %+v", after, err, want)
	}

	replacement := book{ID: 2, Title: "Solaris", Year: 1961, Author: "Stanisław Lem"}
	got, err := books.FindOneAndReplace(ctx, bson.D{bson.KV("_id", 2)}, replacement, client.FindOneAndUpdateOptions{ReturnAfter: true})
	if err != nil || got != replacement {
		t.Errorf("FindOneAndReplace = %+v, %v; want %+v", got, err, replacement)
	}

	deleted, err := books.FindOneAndDelete(ctx, bson.D{bson.KV("_id", 1)})
	if err != nil || deleted != shelf[0] {
		t.Errorf("FindOneAndDelete = %+v, %v; want %+v", deleted, err, shelf[0])
	}
	if _, err := books.FindOneAndDelete(ctx, bson.D{bson.KV("_id", 1)}); !errors.Is(err, client.ErrNoDocuments) {
		t.Errorf("second FindOneAndDelete: %v, want ErrNoDocuments", err)
	}
}

// A document that does not fit T stops the cursor with an error that
// says so; the documents before it come through.
func TestTypedDecodeError(t *testing.T) {
	books := typedShelf(t)
	ctx := testContext(t)
	if _, err := books.Collection.InsertOne(ctx, bson.D{bson.KV("_id", 5), bson.KV("title", "Ubik"), bson.KV("year", "1969")}); err != nil {
		t.Fatal(err)
	}
	cur, err := books.Find(ctx, bson.D{}, client.FindOptions{Sort: bson.D{bson.KV("_id", 1)}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := cur.All(ctx)
	if err == nil || !strings.Contains(err.Error(), "client_test.book") {
		t.Errorf("All = %v, want a decoding error naming the type", err)
	}
	if len(got) != 4 {
		t.Errorf("All returned %d books before the error, want 4", len(got))
	}
	if cur.Next(ctx) {
		t.Error("Next after a decoding error = true, want false")
	}
	if _, err := books.FindOne(ctx, bson.D{bson.KV("_id", 5)}); err == nil {
		t.Error("FindOne of a document that does not fit = nil error")
	}
}

// Pointers, maps and bson.Raw are types like any other.
func TestTypedOtherTypes(t *testing.T) {
	books := typedShelf(t)
	ctx := testContext(t)
	ptr, err := client.Typed[*book](books.Collection).FindOne(ctx, bson.D{bson.KV("_id", 3)})
	if err != nil || ptr == nil || *ptr != shelf[2] {
		t.Errorf("Typed[*book].FindOne = %v, %v", ptr, err)
	}
	ms, err := client.Typed[bson.M](books.Collection).FindAll(ctx, bson.D{bson.KV("_id", bson.D{bson.KV("$gte", 3)})},
		client.FindOptions{Sort: bson.D{bson.KV("_id", 1)}, Projection: bson.D{bson.KV("title", 1), bson.KV("_id", 0)}})
	if diff := cmp.Diff([]bson.M{{"title": "Neuromancer"}, {"title": "Hyperion"}}, ms); err != nil || diff != "" {
		t.Errorf("Typed[bson.M].FindAll: %v (-want +got):\n%s", err, diff)
	}
	raws, err := client.Typed[bson.Raw](books.Collection).FindAll(ctx, bson.D{}, byYear)
	if err != nil || len(raws) != 4 {
		t.Fatalf("Typed[bson.Raw].FindAll = %d documents, %v", len(raws), err)
	}
	if title, _ := raws[0].Lookup("title").StringValue(); title != "Solaris" {
		t.Errorf("first raw document = %s, want Solaris (each Raw must own its bytes)", raws[0])
	}
}

// TypedCursorOf types a cursor from any call that returns one.
func TestTypedCursorOf(t *testing.T) {
	books := typedShelf(t)
	ctx := testContext(t)
	type entry struct {
		Title string `bson:"title"`
	}
	pipeline := bson.A{
		bson.D{bson.KV("$match", bson.D{bson.KV("year", bson.D{bson.KV("$gte", 1980)})})},
		bson.D{bson.KV("$project", bson.D{bson.KV("_id", 0), bson.KV("title", 1)})},
		bson.D{bson.KV("$sort", bson.D{bson.KV("title", 1)})},
	}
	cur, err := client.TypedCursorOf[entry](books.Aggregate(ctx, pipeline))
	if err != nil {
		t.Fatal(err)
	}
	got, err := cur.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]entry{{"Hyperion"}, {"Neuromancer"}}, got); diff != "" {
		t.Errorf("titles (-want +got):\n%s", diff)
	}
	if _, err := client.TypedCursorOf[entry](nil, errors.New("boom")); err == nil || err.Error() != "boom" {
		t.Errorf("TypedCursorOf passes the error on: got %v", err)
	}
}

// A typed collection in a few lines, against the mock server (which
// stores inserts and answers equality finds).
func ExampleTyped() {
	srv, err := mockserver.Start(mockserver.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close(context.Background())

	c, err := client.Connect(context.Background(), srv.URI())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Disconnect(context.Background())

	type Planet struct {
		Name  string `bson:"_id"`
		Moons int    `bson:"moons"`
	}
	planets := client.Typed[Planet](c.Database("space").Collection("planets"))
	if _, err := planets.InsertMany(context.Background(), []Planet{{"Mars", 2}, {"Jupiter", 95}}); err != nil {
		fmt.Println(err)
		return
	}
	mars, err := planets.FindOne(context.Background(), bson.D{bson.KV("_id", "Mars")})
	fmt.Println(mars.Name, mars.Moons, err)

	_, err = planets.FindOne(context.Background(), bson.D{bson.KV("_id", "Vulcan")})
	fmt.Println(err)
	// Output:
	// Mars 2 <nil>
	// client: no documents in result
}
