package main

// The page in a real Chromium: change events appear in the list as they
// happen, and when the event stream breaks, the browser's EventSource
// reconnects with Last-Event-ID and the list goes on with nothing lost or
// repeated. Change streams need a replica set, which FerretDB lacks, so
// the server is internal/mockserver playing a primary whose aggregate and
// getMore handlers serve a growing list of events and honour resumeAfter.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/browsertest"
	"github.com/torque-go/torque/internal/mockserver"
)

// changeFeed is the mock server's change stream: events 1..n, event i
// with resume token {_data: "t<i>"}.
type changeFeed struct {
	mu      sync.Mutex
	n       int
	cursors map[int64]int // cursor id -> last event returned
	ended   bool          // the next getMore ends its cursor
	resumed []string      // each aggregate's resumeAfter ("" for none)
	next    int64
}

func (f *changeFeed) add(k int) { f.mu.Lock(); f.n += k; f.mu.Unlock() }
func (f *changeFeed) end()      { f.mu.Lock(); f.ended = true; f.mu.Unlock() }

func (f *changeFeed) after(last int) []bson.Raw {
	var out []bson.Raw
	for i := last + 1; i <= f.n; i++ {
		out = append(out, mockserver.Doc(bson.KV("_id", bson.D{bson.KV("_data", fmt.Sprintf("t%d", i))}),
			bson.KV("operationType", "insert"), bson.KV("documentKey", bson.D{bson.KV("_id", i)})))
	}
	return out
}

func (f *changeFeed) install(srv *mockserver.Server) {
	f.cursors = map[int64]int{}
	srv.Handle("aggregate", func(req *mockserver.Request) mockserver.Reply {
		f.mu.Lock()
		defer f.mu.Unlock()
		tok, _ := req.Lookup("pipeline", "0", "$changeStream", "resumeAfter", "_data").StringValue()
		f.resumed = append(f.resumed, tok)
		last, _ := strconv.Atoi(strings.TrimPrefix(tok, "t"))
		f.next++
		batch := f.after(last)
		f.cursors[f.next] = f.n
		return mockserver.CursorReply("test.events", f.next, batch...)
	})
	srv.Handle("getMore", func(req *mockserver.Request) mockserver.Reply {
		id, _ := req.Lookup("getMore").AsInt64()
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.ended {
			f.ended = false
			return mockserver.NextBatch("test.events", 0)
		}
		batch := f.after(f.cursors[id])
		f.cursors[id] = f.n
		r := mockserver.NextBatch("test.events", id, batch...)
		if len(batch) == 0 {
			r.Delay = 20 * time.Millisecond // as awaitData would wait
		}
		return r
	})
}

func TestChangesInBrowser(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{Hello: mockserver.Hello{Role: mockserver.Primary, SetName: "rs0"}})
	feed := &changeFeed{}
	feed.install(srv)
	c, err := client.Connect(context.Background(), srv.URI())
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux() // as main's
	mux.Handle("/events", &Changes{Coll: c.Database("test").Collection("events"), MaxAwaitTime: 50 * time.Millisecond})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	})
	web := httptest.NewUnstartedServer(mux)
	web.Config.ReadHeaderTimeout = 10 * time.Second
	web.Start()
	t.Cleanup(func() {
		web.CloseClientConnections()
		web.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c.Disconnect(ctx)
	})

	p := browsertest.New(t).NewPage()
	p.Navigate(web.URL + "/")
	p.WaitFor(`document.querySelector("h1").textContent === "Changes"`)
	if _, err := srv.WaitFor(context.Background(), "aggregate", 1); err != nil {
		t.Fatal(err)
	}
	feed.add(2) // two inserts
	p.WaitFor(`document.querySelectorAll("#changes li").length === 2`)
	p.Screenshot("changestream-sse-two-events")

	feed.end() // the stream breaks; the browser reconnects by itself
	feed.add(1)
	p.WaitFor(`document.querySelectorAll("#changes li").length >= 3`)
	time.Sleep(200 * time.Millisecond) // a repeated event would show up by now
	p.Screenshot("changestream-sse-after-reconnect")
	if got, want := p.Text(), "Changes\ninsert {\"_id\":1}\ninsert {\"_id\":2}\ninsert {\"_id\":3}"; got != want {
		t.Errorf("the page shows %q, want %q", got, want)
	}
	feed.mu.Lock()
	defer feed.mu.Unlock()
	if fmt.Sprint(feed.resumed) != "[ t2]" {
		t.Errorf("aggregates resumed after %q, want none, then t2 (the browser's Last-Event-ID)", feed.resumed)
	}
}
