package stream

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/changestream"
	"github.com/torque-go/torque/internal/driver"
	"github.com/torque-go/torque/topology"
)

// fakeServer is a driver.Server of a given wire version.
type fakeServer struct{ wire int32 }

func (s fakeServer) Description() topology.ServerDescription {
	return topology.ServerDescription{Addr: "fake:27017", MaxWireVersion: s.wire}
}
func (fakeServer) TopologyType() topology.TopologyType { return topology.ReplicaSetWithPrimary }
func (fakeServer) Connection(context.Context) (driver.Conn, error) {
	return nil, errors.New("fakeServer has no connections")
}
func (fakeServer) ReportError(driver.Conn, error) {}
func (fakeServer) Done()                          {}

// step is the scripted answer to one command: a reply document or an
// error.
type step struct {
	reply bson.Raw
	err   error
}

// fakeExecutor answers commands from a script, by command name, and
// records every command it was given.
type fakeExecutor struct {
	wire   int32
	script map[string][]step
	sent   []bson.Raw
}

func (x *fakeExecutor) Execute(ctx context.Context, op *driver.Operation) error {
	desc := fakeServer{x.wire}.Description()
	start, cmd := bson.AppendDocumentStart(nil)
	cmd, err := op.Command(cmd, &desc)
	if err != nil {
		return err
	}
	if cmd, err = bson.AppendDocumentEnd(cmd, start); err != nil {
		return err
	}
	x.sent = append(x.sent, cmd)
	steps := x.script[op.Name]
	if len(steps) == 0 {
		if op.Name == "killCursors" {
			return nil
		}
		return fmt.Errorf("fakeExecutor: no reply scripted for %s", op.Name)
	}
	st := steps[0]
	x.script[op.Name] = steps[1:]
	if st.err != nil {
		return st.err
	}
	if op.Handle == nil {
		return nil
	}
	return op.Handle(&driver.Reply{Doc: st.reply, Server: fakeServer{x.wire}})
}

// named returns the commands sent with the given name.
func (x *fakeExecutor) named(name string) []bson.Raw {
	var out []bson.Raw
	for _, c := range x.sent {
		if el, err := c.Index(0); err == nil && el.Key() == name {
			out = append(out, c)
		}
	}
	return out
}

func doc(t testing.TB, elems ...bson.E) bson.Raw {
	t.Helper()
	b, err := bson.Marshal(bson.D(elems))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func tok(t testing.TB, s string) bson.Raw { return doc(t, bson.KV("_data", s)) }

func event(t testing.TB, s string) bson.Raw {
	return doc(t, bson.KV("_id", tok(t, s)), bson.KV("operationType", "insert"))
}

// batch is a cursor reply; pbrt "" sends no postBatchResumeToken.
func batch(t testing.TB, key string, id int64, pbrt string, events ...bson.Raw) bson.Raw {
	arr := bson.A{}
	for _, e := range events {
		arr = append(arr, e)
	}
	cur := bson.D{bson.KV("id", id), bson.KV("ns", "db.coll"), bson.KV(key, arr)}
	if pbrt != "" {
		cur = append(cur, bson.KV("postBatchResumeToken", tok(t, pbrt)))
	}
	return doc(t, bson.KV("ok", 1.0), bson.KV("cursor", cur),
		bson.KV("operationTime", bson.Timestamp{T: 42, I: 7}))
}

var errNetwork = &driver.NetworkError{Addr: "fake:27017", Err: errors.New("connection reset")}

// startOption returns the one start option of an aggregate's
// $changeStream stage, as "key=value".
func startOption(t *testing.T, agg bson.Raw) string {
	t.Helper()
	stage, ok := agg.Lookup("pipeline", "0", "$changeStream").Document()
	if !ok {
		t.Fatalf("no $changeStream stage in %s", agg)
	}
	var found []string
	for _, k := range []string{"resumeAfter", "startAfter", "startAtOperationTime"} {
		if v := stage.Lookup(k); !v.IsZero() {
			found = append(found, k+"="+v.String())
		}
	}
	return strings.Join(found, ",")
}

// TestResumeOption: the option each resume sends, by how the stream
// started and what it has seen.
func TestResumeOption(t *testing.T) {
	ts := bson.Timestamp{T: 9, I: 1}
	cases := []struct {
		name       string
		opts       changestream.Options
		wire       int32
		firstPBRT  string // the first batch's postBatchResumeToken
		events     int    // events read before the failure
		wantResume string
	}{
		{"startAfter, nothing returned", changestream.Options{StartAfter: tok(t, "inv")}, 21, "", 0, `startAfter={"_data":"inv"}`},
		{"startAfter, an event returned", changestream.Options{StartAfter: tok(t, "inv")}, 21, "", 1, `resumeAfter={"_data":"e1"}`},
		{"resumeAfter", changestream.Options{ResumeAfter: tok(t, "r")}, 21, "", 0, `resumeAfter={"_data":"r"}`},
		{"startAtOperationTime", changestream.Options{StartAtOperationTime: &ts}, 21, "", 0, `startAtOperationTime={"$timestamp":{"t":9,"i":1}}`},
		{"startAtOperationTime, then an event", changestream.Options{StartAtOperationTime: &ts}, 21, "", 1, `resumeAfter={"_data":"e1"}`},
		{"saved operationTime", changestream.Options{}, 21, "", 0, `startAtOperationTime={"$timestamp":{"t":42,"i":7}}`},
		{"postBatchResumeToken wins", changestream.Options{}, 21, "p0", 0, `resumeAfter={"_data":"p0"}`},
		{"server older than 4.0", changestream.Options{}, 6, "", 0, ``},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x := &fakeExecutor{wire: tc.wire, script: map[string][]step{
				"aggregate": {{reply: batch(t, "firstBatch", 5, tc.firstPBRT)}, {reply: batch(t, "firstBatch", 6, "")}},
				"getMore": {{reply: batch(t, "nextBatch", 5, "", event(t, "e1"))}, {err: errNetwork},
					{reply: batch(t, "nextBatch", 6, "", event(t, "e2"))}},
			}}
			if tc.events == 0 {
				x.script["getMore"] = x.script["getMore"][1:]
			}
			s, err := Open(context.Background(), x, Target{DB: "db", Coll: "coll"}, nil, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < tc.events+1; i++ {
				if !s.Next(context.Background()) {
					t.Fatalf("Next %d: %v", i, s.Err())
				}
			}
			aggs := x.named("aggregate")
			if len(aggs) != 2 {
				t.Fatalf("%d aggregates, want 2", len(aggs))
			}
			if got := startOption(t, aggs[1]); got != tc.wantResume {
				t.Errorf("resume with %q, want %q", got, tc.wantResume)
			}
			if len(x.named("killCursors")) != 1 {
				t.Error("the old cursor was not killed")
			}
		})
	}
}

// TestMalformedReplies: nothing from the server panics; each is an
// error that names the problem.
func TestMalformedReplies(t *testing.T) {
	cases := []struct {
		name  string
		reply bson.Raw
		want  string
	}{
		{"no cursor", doc(t, bson.KV("ok", 1.0)), "no cursor document"},
		{"no id", doc(t, bson.KV("ok", 1.0), bson.KV("cursor", bson.D{bson.KV("firstBatch", bson.A{})})), "no cursor id"},
		{"batch not an array", doc(t, bson.KV("ok", 1.0), bson.KV("cursor", bson.D{bson.KV("id", int64(1)), bson.KV("firstBatch", 3)})), "no firstBatch array"},
		{"pbrt not a document", doc(t, bson.KV("ok", 1.0), bson.KV("cursor", bson.D{bson.KV("id", int64(1)),
			bson.KV("firstBatch", bson.A{}), bson.KV("postBatchResumeToken", "x")})), "postBatchResumeToken is a"},
	}
	for _, tc := range cases {
		x := &fakeExecutor{wire: 21, script: map[string][]step{"aggregate": {{reply: tc.reply}}}}
		_, err := Open(context.Background(), x, Target{DB: "db", Coll: "c"}, nil, changestream.Options{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want %q", tc.name, err, tc.want)
		}
	}
	bad := []struct {
		name  string
		event bson.Raw
		want  string
	}{
		{"no _id", doc(t, bson.KV("operationType", "insert")), "resume token is missing"},
		{"_id not a document", doc(t, bson.KV("_id", "x")), "is a string, not a document"},
	}
	for _, tc := range bad {
		x := &fakeExecutor{wire: 21, script: map[string][]step{"aggregate": {{reply: batch(t, "firstBatch", 3, "", tc.event)}}}}
		s, err := Open(context.Background(), x, Target{DB: "db", Coll: "c"}, nil, changestream.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if s.Next(context.Background()) || s.Err() == nil || !strings.Contains(s.Err().Error(), tc.want) {
			t.Errorf("%s: Err %v, want %q", tc.name, s.Err(), tc.want)
		}
		if s.ID() != 0 || len(x.named("killCursors")) != 1 {
			t.Errorf("%s: the stream was not closed", tc.name)
		}
	}
	if _, err := Open(context.Background(), &fakeExecutor{}, Target{DB: "db"}, bson.A{1}, changestream.Options{}); err == nil {
		t.Error("a pipeline stage that is a number was accepted")
	}
	if _, err := Open(context.Background(), &fakeExecutor{}, Target{DB: "db"}, nil, changestream.Options{ResumeAfter: bson.Raw{1, 2}}); err == nil {
		t.Error("a malformed ResumeAfter was accepted")
	}
}

// FuzzBatch: any batch bytes give events or an error, never a panic.
func FuzzBatch(f *testing.F) {
	f.Add([]byte(batch(f, "firstBatch", 1, "p", event(f, "a"), event(f, "b"))))
	f.Add([]byte{5, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		if bson.Raw(b).Validate() != nil {
			return // the executor validates every reply
		}
		x := &fakeExecutor{wire: 21, script: map[string][]step{"aggregate": {{reply: b}}}}
		s, err := Open(context.Background(), x, Target{DB: "db", Coll: "c"}, nil, changestream.Options{})
		if err != nil {
			return
		}
		for i := 0; i < 10 && s.TryNext(context.Background()); i++ {
			_ = s.ResumeToken()
		}
		s.Close(context.Background())
	})
}
