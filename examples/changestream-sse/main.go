// Command changestream-sse watches a collection and pushes each change to
// the browser with Server-Sent Events: open the page, insert, update or
// delete documents in the collection (with mongosh, say), and watch them
// appear.
//
//	go run ./examples/changestream-sse -uri 'mongodb://localhost:27017/?replicaSet=rs0' -addr localhost:8080
//
// Each event's SSE id is its resume token (Extended JSON), so a browser
// that reconnects sends it back as Last-Event-ID and the stream resumes
// right after the last change it saw: nothing is lost, nothing repeated.
// Change streams need a replica set or a sharded cluster.
//
// The server comes from -uri, else $MONGODB_URI, else
// mongodb://localhost:27017. With -mem it is an in-process replica set
// instead (package mongotest): nothing to install, and the log prints its
// URI for mongosh or another program to write to. It watches test.events
// unless -db and -coll say otherwise.
//
//	go run ./examples/changestream-sse -mem
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

func main() {
	uri := flag.String("uri", "", "the server's connection string (default $MONGODB_URI, else mongodb://localhost:27017)")
	addr := flag.String("addr", "localhost:8080", "the address to serve HTTP on")
	dbName := flag.String("db", "test", "the database to watch")
	collName := flag.String("coll", "events", "the collection to watch")
	mem := flag.Bool("mem", false, "watch an in-process replica set (package mongotest) instead of -uri")
	flag.Parse()
	if *mem {
		rs, err := mongotest.StartReplicaSet(mongotest.ReplicaSetOptions{Members: 3})
		if err != nil {
			log.Fatal(err)
		}
		defer rs.Close()
		*uri = rs.URI()
		log.Printf("in-process replica set: %s", *uri)
	}
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

	mux := http.NewServeMux()
	mux.Handle("/events", &Changes{Coll: c.Database(*dbName).Collection(*collName)})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	})
	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
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

// Changes streams the changes of Coll to each request as Server-Sent
// Events: "change" events whose data is the change event in relaxed
// Extended JSON and whose id is its resume token; an "error" event if
// the stream fails. The response ends when the client goes away or the
// change stream ends (the collection was dropped, say).
type Changes struct {
	Coll *client.Collection
	// Pipeline filters or reshapes the events ($match, $project ...).
	Pipeline any
	// MaxAwaitTime is how long each getMore waits for changes before a
	// keep-alive comment goes out (default one second, the server's).
	MaxAwaitTime time.Duration
}

func (h *Changes) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming is not supported", http.StatusInternalServerError)
		return
	}
	opts := client.ChangeStreamOptions{FullDocument: "updateLookup", MaxAwaitTime: h.MaxAwaitTime}
	if last := r.Header.Get("Last-Event-ID"); last != "" {
		tok, err := bson.ExtJSONToRaw([]byte(last))
		if err != nil {
			http.Error(w, "Last-Event-ID is not a resume token: "+err.Error(), http.StatusBadRequest)
			return
		}
		opts.ResumeAfter = tok
	}
	ctx := r.Context() // ends when the client disconnects
	cs, err := h.Coll.Watch(ctx, h.Pipeline, opts)
	if err != nil {
		http.Error(w, "cannot watch: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		cs.Close(closeCtx) // kills the server's cursor
	}()

	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	flusher.Flush()
	for ctx.Err() == nil {
		if !cs.TryNext(ctx) {
			if err := cs.Err(); err != nil || cs.ID() == 0 {
				if err != nil && ctx.Err() == nil {
					fmt.Fprintf(w, "event: error\ndata: %s\n\n", strconv.Quote(err.Error()))
				}
				return
			}
			io.WriteString(w, ": waiting\n\n") // a comment keeps proxies from timing out
			flusher.Flush()
			continue
		}
		// Extended JSON holds no newline, so each fits on one data line.
		fmt.Fprintf(w, "id: %s\nevent: change\ndata: %s\n\n", cs.ResumeToken(), cs.Current)
		flusher.Flush()
	}
}

const page = `<!doctype html>
<title>changes</title>
<h1>Changes</h1>
<ol id="changes"></ol>
<script>
const list = document.getElementById("changes");
const source = new EventSource("/events");
source.addEventListener("change", (e) => {
  const change = JSON.parse(e.data);
  const item = document.createElement("li");
  item.textContent = change.operationType + " " + JSON.stringify(change.documentKey || change.ns);
  list.appendChild(item);
});
source.addEventListener("error", (e) => { if (e.data) console.log("change stream error:", e.data); });
</script>
`
