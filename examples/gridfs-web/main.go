// Command gridfs-web serves files stored in GridFS over HTTP, the Go
// counterpart of Motor's AIOHTTPGridFS example: upload files from a form,
// list them, and download them with the headers browsers use to cache
// and to seek — Content-Type, Content-Length, ETag / If-None-Match,
// Last-Modified / If-Modified-Since, and Range requests answered 206
// Partial Content, so that a video plays from any point.
//
//	go run ./examples/gridfs-web -uri mongodb://localhost:27017 -addr localhost:8080
//
// Open http://localhost:8080/, upload a file, and follow its link. Files
// are streamed both ways: an upload goes from the request body to GridFS
// chunk by chunk, and a download (or the part a Range asks for) from a
// GridFS download stream to the response, never a whole file in memory.
//
// The server comes from -uri, else $MONGODB_URI, else
// mongodb://localhost:27017; files go to the bucket "fs" of database
// "test" unless -db and -bucket say otherwise.
package main

import (
	"context"
	"errors"
	"flag"
	"log"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/gridfs"
)

func main() {
	uri := flag.String("uri", "", "the server's connection string (default $MONGODB_URI, else mongodb://localhost:27017)")
	addr := flag.String("addr", "localhost:8080", "the address to serve HTTP on")
	dbName := flag.String("db", "test", "the database of the bucket")
	bucketName := flag.String("bucket", "fs", "the GridFS bucket")
	flag.Parse()
	if *uri == "" {
		*uri = os.Getenv("MONGODB_URI")
	}
	if *uri == "" {
		*uri = "mongodb://localhost:27017"
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	c, err := client.Connect(ctx, *uri)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	bucket, err := gridfs.NewBucket(c.Database(*dbName), gridfs.BucketOptions{Name: *bucketName})
	if err != nil {
		log.Fatal(err)
	}

	srv := &http.Server{Addr: *addr, Handler: NewHandler(bucket), ReadHeaderTimeout: 10 * time.Second}
	go func() { // ends with ctx: at an interrupt, or when main returns
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	log.Printf("serving http://%s/", *addr)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		log.Print(err)
	}
}
