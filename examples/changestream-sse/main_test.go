package main

// Change streams need a replica set, which FerretDB lacks: the test runs
// against internal/mockserver playing a replica-set primary whose
// aggregate and getMore replies are scripted, and reads the event
// stream with an HTTP client, as a browser's EventSource would.

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
	"github.com/torque-go/torque/internal/mockserver"
)

// sseEvent is one event of a text/event-stream.
type sseEvent struct{ id, event, data string }

// readEvents reads events until the stream ends.
func readEvents(t *testing.T, resp *http.Response) []sseEvent {
	t.Helper()
	var out []sseEvent
	var cur sseEvent
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		k, v, _ := strings.Cut(line, ": ")
		switch {
		case line == "":
			if cur != (sseEvent{}) {
				out = append(out, cur)
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
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func change(n int32, op string) bson.Raw {
	return mockserver.Doc(bson.KV("_id", bson.D{bson.KV("_data", "tok"+string(rune('0'+n)))}),
		bson.KV("operationType", op), bson.KV("documentKey", bson.D{bson.KV("_id", n)}))
}

func setup(t *testing.T) (*mockserver.Server, *httptest.Server) {
	srv := mockserver.New(t, mockserver.Options{Hello: mockserver.Hello{Role: mockserver.Primary, SetName: "rs0"}})
	c, err := client.Connect(context.Background(), srv.URI())
	if err != nil {
		t.Fatal(err)
	}
	web := httptest.NewServer(&Changes{Coll: c.Database("test").Collection("events"), MaxAwaitTime: 10 * time.Millisecond})
	t.Cleanup(func() {
		web.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := c.Disconnect(ctx); err != nil {
			t.Error(err)
		}
	})
	return srv, web
}

func get(t *testing.T, url, lastID string) *http.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || ct != "text/event-stream" {
		t.Fatalf("status %d, Content-Type %q", resp.StatusCode, ct)
	}
	return resp
}

// TestChangesAsServerSentEvents: three changes reach the browser in
// order, each with its resume token as the event id; the stream ends when
// the server's cursor does.
func TestChangesAsServerSentEvents(t *testing.T) {
	srv, web := setup(t)
	srv.Queue("aggregate", mockserver.CursorReply("test.events", 77))
	srv.Queue("getMore",
		mockserver.NextBatch("test.events", 77),
		mockserver.NextBatch("test.events", 77, change(1, "insert"), change(2, "update")),
		mockserver.NextBatch("test.events", 0, change(3, "delete")))
	events := readEvents(t, get(t, web.URL, ""))
	if len(events) != 3 {
		t.Fatalf("%d events, want 3: %+v", len(events), events)
	}
	for i, op := range []string{"insert", "update", "delete"} {
		ev := events[i]
		doc, err := bson.ExtJSONToRaw([]byte(ev.data))
		if err != nil {
			t.Fatalf("event %d data %q: %v", i, ev.data, err)
		}
		if got, _ := doc.Lookup("operationType").StringValue(); got != op || ev.event != "change" {
			t.Errorf("event %d: %s %s, want change %s", i, ev.event, got, op)
		}
		if want := doc.Lookup("_id").String(); ev.id != want {
			t.Errorf("event %d id %s, want its resume token %s", i, ev.id, want)
		}
	}
	agg := srv.CommandsNamed("aggregate")[0]
	if fd, _ := agg.Lookup("pipeline", "0", "$changeStream", "fullDocument").StringValue(); fd != "updateLookup" {
		t.Errorf("aggregate without fullDocument: %s", agg.Command)
	}
}

// TestResumeFromLastEventID: a reconnecting browser's Last-Event-ID
// becomes resumeAfter.
func TestResumeFromLastEventID(t *testing.T) {
	srv, web := setup(t)
	srv.Queue("aggregate", mockserver.CursorReply("test.events", 0, change(3, "delete")))
	events := readEvents(t, get(t, web.URL, `{"_data":"tok2"}`))
	if len(events) != 1 || !strings.Contains(events[0].data, `"delete"`) {
		t.Fatalf("events %+v, want the delete only", events)
	}
	ra := srv.CommandsNamed("aggregate")[0].Lookup("pipeline", "0", "$changeStream", "resumeAfter")
	if ra.String() != `{"_data":"tok2"}` {
		t.Errorf("resumeAfter %s, want the Last-Event-ID", ra)
	}
}

func TestBadLastEventID(t *testing.T) {
	_, web := setup(t)
	req, _ := http.NewRequest("GET", web.URL, nil)
	req.Header.Set("Last-Event-ID", "not json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("status %d, want 400", resp.StatusCode)
	}
}
