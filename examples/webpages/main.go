// Command webpages is the web application of Motor's asyncio tutorial,
// with net/http instead of aiohttp: a trivial site of two pages stored in
// MongoDB, each document's _id its page name and "body" its HTML.
//
//	go run ./examples/webpages -uri mongodb://localhost:27017 -addr localhost:8080
//
// Visit localhost:8080/pages/page-one and the server answers "Hello!"; at
// /pages/page-two, "Goodbye."; at any other URL, 404.
//
// The server comes from -uri, else $MONGODB_URI, else
// mongodb://localhost:27017. The program drops and refills the collection
// test.pages.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

func main() {
	uri := flag.String("uri", "", "the server's connection string (default $MONGODB_URI, else mongodb://localhost:27017)")
	addr := flag.String("addr", "localhost:8080", "the address to serve HTTP on")
	flag.Parse()
	if *uri == "" {
		*uri = os.Getenv("MONGODB_URI")
	}
	if *uri == "" {
		*uri = "mongodb://localhost:27017"
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	// One client for the life of the process: making one per request
	// would open new connections every time.
	c, err := client.Connect(ctx, *uri)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	setupCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	pages, err := setupDB(setupCtx, c.Database("test"))
	cancel()
	if err != nil {
		log.Fatal(err)
	}

	srv := &http.Server{Addr: *addr, Handler: newHandler(pages), ReadHeaderTimeout: 10 * time.Second}
	go func() { // ends with ctx: at an interrupt, or when main returns
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	log.Printf("serving http://%s/pages/page-one", *addr)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		log.Print(err)
	}
}

// setupDB drops the "pages" collection (this is a demonstration), then
// stores two pages, and returns the collection.
func setupDB(ctx context.Context, db *client.Database) (*client.Collection, error) {
	pages := db.Collection("pages")
	if err := pages.Drop(ctx); err != nil {
		return nil, err
	}
	const html = "<html><body>%s</body></html>"
	for _, p := range []struct{ name, text string }{{"page-one", "Hello!"}, {"page-two", "Goodbye."}} {
		doc := bson.D{bson.KV("_id", p.name), bson.KV("body", fmt.Sprintf(html, p.text))}
		if _, err := pages.InsertOne(ctx, doc); err != nil {
			return nil, err
		}
	}
	return pages, nil
}

// page is a stored page.
type page struct {
	Body string `bson:"body"`
}

// newHandler routes GET /pages/{name} to the page whose _id is name.
func newHandler(pages *client.Collection) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /pages/{name}", func(w http.ResponseWriter, r *http.Request) {
		// If the visitor gets "/pages/page-one", then name is "page-one".
		name := r.PathValue("name")
		var p page
		err := pages.FindOne(r.Context(), bson.D{bson.KV("_id", name)}).Decode(&p)
		switch {
		case errors.Is(err, client.ErrNoDocuments):
			http.Error(w, fmt.Sprintf("No page named %q", name), http.StatusNotFound)
		case err != nil:
			log.Printf("page %q: %v", name, err)
			http.Error(w, "the database failed", http.StatusInternalServerError)
		default:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, p.Body)
		}
	})
	return mux
}
