package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/browsertest"
	"github.com/torque-go/torque/mongotest"
)

// openSignal wraps the event handler: each response's header (which
// Changes writes once its change stream is open) is counted.
type openSignal struct {
	h      http.Handler
	mu     sync.Mutex
	opened int
}

func (o *openSignal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.h.ServeHTTP(&headerHook{ResponseWriter: w, o: o}, r)
}

func (o *openSignal) count() int { o.mu.Lock(); defer o.mu.Unlock(); return o.opened }

type headerHook struct {
	http.ResponseWriter
	o *openSignal
}

func (h *headerHook) WriteHeader(code int) {
	h.o.mu.Lock()
	h.o.opened++
	h.o.mu.Unlock()
	h.ResponseWriter.WriteHeader(code)
}

func (h *headerHook) Flush() { h.ResponseWriter.(http.Flusher).Flush() }

// waitUntil polls cond for up to 30s.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("not %s after 30s", what)
		}
	}
}

// TestChangesInBrowserMongotest: against a mongotest replica set, real
// inserts appear in the page; when the connection to the browser breaks,
// its EventSource reconnects with Last-Event-ID and the inserts made
// meanwhile follow, nothing lost or repeated.
func TestChangesInBrowserMongotest(t *testing.T) {
	rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := client.Connect(ctx, rs.URI())
	if err != nil {
		t.Fatal(err)
	}
	coll := c.Database("test").Collection("events")
	events := &openSignal{h: &Changes{Coll: coll, MaxAwaitTime: 100 * time.Millisecond}}
	mux := http.NewServeMux()
	mux.Handle("/events", events)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	})
	web := httptest.NewServer(mux)
	t.Cleanup(func() {
		web.CloseClientConnections()
		web.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c.Disconnect(ctx)
	})
	insert := func(from, to int) {
		for i := from; i <= to; i++ {
			if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", i)}); err != nil {
				t.Fatal(err)
			}
		}
	}

	p := browsertest.New(t).NewPage()
	p.Navigate(web.URL + "/")
	waitUntil(t, "watching", func() bool { return events.count() == 1 })
	insert(1, 2)
	p.WaitFor(`document.querySelectorAll("#changes li").length === 2`)

	web.CloseClientConnections() // the network drops; the page reconnects by itself
	insert(3, 4)
	waitUntil(t, "reconnected", func() bool { return events.count() == 2 })
	insert(5, 5)
	p.WaitFor(`document.querySelectorAll("#changes li").length >= 5`)
	time.Sleep(300 * time.Millisecond) // a repeated event would show up by now
	p.Screenshot("changestream-sse-mongotest")
	var want []string
	for i := 1; i <= 5; i++ {
		want = append(want, fmt.Sprintf(`insert {"_id":%d}`, i))
	}
	if got := p.Text(); got != "Changes\n"+strings.Join(want, "\n") {
		t.Errorf("the page shows %q, want the five inserts once each", got)
	}
}
