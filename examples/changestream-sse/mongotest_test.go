package main

// Against a real change stream: package mongotest's replica set, the same
// server that -mem starts. A browser-like client (an HTTP client reading
// text/event-stream as EventSource does) sees an insert, an update and a
// delete made through the driver, then reconnects with Last-Event-ID and
// gets what came after that event, and nothing before it.

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

// eventSource is an open event stream read as it arrives.
type eventSource struct {
	cancel context.CancelFunc
	events chan sseEvent
}

// open connects to url (with a Last-Event-ID when last is set); the
// change stream is open when it returns (its aggregate runs before the
// response's headers).
func open(t *testing.T, url, last string) *eventSource {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", url+"/events", nil)
	if last != "" {
		req.Header.Set("Last-Event-ID", last)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	es := &eventSource{cancel: cancel, events: make(chan sseEvent, 16)}
	go func() {
		defer resp.Body.Close()
		defer close(es.events)
		var cur sseEvent
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			k, v, _ := strings.Cut(sc.Text(), ": ")
			switch {
			case sc.Text() == "":
				if cur.event != "" {
					es.events <- cur
				}
				cur = sseEvent{}
			case k == "id":
				cur.id = v
			case k == "event":
				cur.event = v
			case k == "data":
				cur.data = v
			}
		}
	}()
	t.Cleanup(es.close)
	return es
}

func (es *eventSource) close() {
	es.cancel()
	for range es.events { // until the reader is done
	}
}

// next returns the next event's operationType and id.
func (es *eventSource) next(t *testing.T) (op, id string) {
	t.Helper()
	select {
	case ev, ok := <-es.events:
		if !ok {
			t.Fatal("the event stream ended")
		}
		doc, err := bson.ExtJSONToRaw([]byte(ev.data))
		if err != nil || ev.event != "change" {
			t.Fatalf("event %+v: %v", ev, err)
		}
		op, _ = doc.Lookup("operationType").StringValue()
		return op, ev.id
	case <-time.After(30 * time.Second):
		t.Fatal("no event within 30s")
	}
	return "", ""
}

func TestChangesOnReplicaSet(t *testing.T) {
	rs := mongotest.NewReplicaSet(t, mongotest.ReplicaSetOptions{Members: 3})
	ctx := context.Background()
	c, err := client.Connect(ctx, rs.URI())
	if err != nil {
		t.Fatal(err)
	}
	// Cleanups run last in, first out: the event streams close, then the
	// web server, then the client.
	t.Cleanup(func() { c.Disconnect(ctx) })
	coll := c.Database("test").Collection("events")
	web := httptest.NewServer(&Changes{Coll: coll, MaxAwaitTime: 100 * time.Millisecond})
	t.Cleanup(web.Close)

	es := open(t, web.URL, "")
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1), bson.KV("n", 1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.UpdateOne(ctx, bson.D{bson.KV("_id", 1)}, bson.D{bson.KV("$inc", bson.D{bson.KV("n", 1)})}); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.DeleteOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, want := range []string{"insert", "update", "delete"} {
		op, id := es.next(t)
		if op != want {
			t.Fatalf("got %s, want %s", op, want)
		}
		ids = append(ids, id)
	}
	es.close()

	// The browser reconnects with the id of the insert it saw last.
	again := open(t, web.URL, ids[0])
	for i, want := range []string{"update", "delete"} {
		op, id := again.next(t)
		if op != want || id != ids[i+1] {
			t.Fatalf("after Last-Event-ID: %s %s, want %s %s", op, id, want, ids[i+1])
		}
	}
}
