package main

// What FerretDB cannot do, against internal/mockserver: change streams
// (watch) and a connection lost after the server applied a write
// (import's retry).

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/mockserver"
)

// fakeChanges plays a change stream on the mock server: events numbered
// from 1, event n with resume token {_data: "t<n>"}; aggregate honours
// resumeAfter, getMore returns the events not yet returned on that cursor.
type fakeChanges struct {
	mu      sync.Mutex
	events  int           // events 1..events exist
	cursors map[int64]int // cursor id -> last event returned
	resumed []string      // the resumeAfter of each aggregate ("" for none)
	next    int64
}

func (f *fakeChanges) add(n int) {
	f.mu.Lock()
	f.events += n
	f.mu.Unlock()
}

func event(n int) bson.Raw {
	return mockserver.Doc(bson.KV("_id", bson.D{bson.KV("_data", fmt.Sprintf("t%d", n))}),
		bson.KV("operationType", "insert"), bson.KV("ns", bson.D{bson.KV("db", "test"), bson.KV("coll", "events")}),
		bson.KV("documentKey", bson.D{bson.KV("_id", n)}),
		bson.KV("fullDocument", bson.D{bson.KV("_id", n)}))
}

// batch returns the events after last, and the new last.
func (f *fakeChanges) batch(last int) ([]bson.Raw, int) {
	var out []bson.Raw
	for n := last + 1; n <= f.events; n++ {
		out = append(out, event(n))
	}
	return out, f.events
}

func (f *fakeChanges) install(srv *mockserver.Server) {
	f.cursors = map[int64]int{}
	srv.Handle("aggregate", func(req *mockserver.Request) mockserver.Reply {
		f.mu.Lock()
		defer f.mu.Unlock()
		tok, _ := req.Lookup("pipeline", "0", "$changeStream", "resumeAfter", "_data").StringValue()
		f.resumed = append(f.resumed, tok)
		last := 0
		if tok != "" {
			last, _ = strconv.Atoi(strings.TrimPrefix(tok, "t"))
		}
		f.next++
		batch, last := f.batch(last)
		f.cursors[f.next] = last
		return mockserver.CursorReply("test.events", f.next, batch...)
	})
	srv.Handle("getMore", func(req *mockserver.Request) mockserver.Reply {
		id, _ := req.Lookup("getMore").AsInt64()
		f.mu.Lock()
		defer f.mu.Unlock()
		batch, last := f.batch(f.cursors[id])
		f.cursors[id] = last
		r := mockserver.NextBatch("test.events", id, batch...)
		if len(batch) == 0 {
			r.Delay = 20 * time.Millisecond // as awaitData would wait
		}
		return r
	})
}

// watcher is a running `torque watch` whose stdout the test reads.
type watchProc struct {
	cmd  *exec.Cmd
	out  *bufio.Reader
	errb *strings.Builder
}

func startWatch(t *testing.T, uri string, args ...string) *watchProc {
	t.Helper()
	cmd := exec.Command(torqueBin, append([]string{"watch", "--json", "--uri", uri}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	w := &watchProc{cmd: cmd, out: bufio.NewReader(stdout), errb: &strings.Builder{}}
	cmd.Stderr = w.errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return w
}

// events reads n events and returns their documentKey ids.
func (w *watchProc) events(t *testing.T, n int) []int {
	t.Helper()
	var ids []int
	for range n {
		line, err := w.out.ReadString('\n')
		if err != nil {
			t.Fatalf("after events %v: %v; stderr %s", ids, err, w.errb)
		}
		doc, err := bson.ExtJSONToRaw([]byte(line))
		if err != nil {
			t.Fatalf("not an event: %q: %v", line, err)
		}
		id, _ := doc.Lookup("documentKey", "_id").AsInt64()
		ids = append(ids, int(id))
	}
	return ids
}

// stop interrupts watch and checks that it ends cleanly, printing nothing
// more.
func (w *watchProc) stop(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := w.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(w.out)
	if err := w.cmd.Wait(); err != nil {
		t.Errorf("watch ended with %v after %v; stderr %s", err, sig, w.errb)
	}
	if len(rest) != 0 {
		t.Errorf("watch printed more after the events read: %q", rest)
	}
}

// TestWatchResumeFile: watch is stopped and started again with
// --resume-file; the events that happened meanwhile come next, and every
// event is printed exactly once.
func TestWatchResumeFile(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{Hello: mockserver.Hello{Role: mockserver.Primary, SetName: "rs0"}})
	f := &fakeChanges{}
	f.install(srv)
	f.add(3)
	file := filepath.Join(t.TempDir(), "token")

	w := startWatch(t, srv.URI(), "test.events", "--resume-file", file, "--maxAwaitTime", "50ms")
	got := w.events(t, 3)
	w.stop(t, syscall.SIGINT)
	if tok, err := os.ReadFile(file); err != nil || !strings.Contains(string(tok), `"t3"`) {
		t.Errorf("resume file holds %q (%v), want the token of event 3", tok, err)
	}

	f.add(3) // while watch is not running
	w = startWatch(t, srv.URI(), "test.events", "--resume-file", file, "--maxAwaitTime", "50ms")
	got = append(got, w.events(t, 3)...)
	f.add(1)
	got = append(got, w.events(t, 1)...)
	w.stop(t, syscall.SIGTERM)

	if fmt.Sprint(got) != "[1 2 3 4 5 6 7]" {
		t.Errorf("events %v, want 1 to 7 once each", got)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if fmt.Sprint(f.resumed) != "[ t3]" {
		t.Errorf("aggregates resumed after %q, want none then t3", f.resumed)
	}
}

// TestImportRetryWritesOnce: the server applies the first batch but the
// connection drops before its reply; import sends the batch again and
// every document is stored exactly once (their _ids were set before the
// first attempt).
func TestImportRetryWritesOnce(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"insert"}, Times: 1, Action: mockserver.CloseAfterApply})
	var in strings.Builder
	for i := range 2500 {
		fmt.Fprintf(&in, `{"n": %d}`+"\n", i)
	}
	r := torque(t, srv.URI(), in.String(), "import", "test.c", "--batchSize", "1000")
	if r.code != 0 || r.stderr != "imported 2500 documents\n" {
		t.Fatalf("import: %+v", r)
	}
	docs := srv.Store().Docs("test.c")
	seen := map[int64]bool{}
	for _, d := range docs {
		n, _ := d.Lookup("n").AsInt64()
		if seen[n] {
			t.Errorf("document %d stored twice", n)
		}
		seen[n] = true
	}
	if len(seen) != 2500 || len(docs) != 2500 {
		t.Errorf("%d documents stored (%d distinct), want 2500", len(docs), len(seen))
	}
	if n := len(srv.CommandsNamed("insert")); n != 4 {
		t.Errorf("%d inserts sent, want 4 (3 batches, the first sent twice)", n)
	}
}
