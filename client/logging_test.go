package client

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/mockserver"
)

// recorder is a slog.Handler that keeps "component/message" of every
// record it is given (the component from WithAttrs or the record).
type recorder struct {
	mu    *sync.Mutex
	recs  *[]string
	attrs []slog.Attr
}

func newRecorder() recorder { return recorder{mu: &sync.Mutex{}, recs: &[]string{}} }

func (r recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r recorder) Handle(_ context.Context, rec slog.Record) error {
	comp := ""
	for _, a := range r.attrs {
		if a.Key == "component" {
			comp = a.Value.String()
		}
	}
	rec.Attrs(func(a slog.Attr) bool {
		if a.Key == "component" {
			comp = a.Value.String()
		}
		return true
	})
	r.mu.Lock()
	*r.recs = append(*r.recs, comp+"/"+rec.Message)
	r.mu.Unlock()
	return nil
}
func (r recorder) WithAttrs(as []slog.Attr) slog.Handler {
	r.attrs = append(append([]slog.Attr(nil), r.attrs...), as...)
	return r
}
func (r recorder) WithGroup(string) slog.Handler { return r }
func (r recorder) seen() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(*r.recs, "\n")
}

// Each component of the logging spec logs through Options.Logger with a
// "component" attribute, at the level LogLevels gives it; a component
// LogLevels leaves out logs nothing.
func TestLoggingComponents(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	rec := newRecorder()
	c, err := Connect(context.Background(), srv.URI(), Options{Logger: slog.New(rec),
		LogLevels: map[LogComponent]slog.Level{LogCommand: slog.LevelDebug, LogConnection: slog.LevelDebug, LogServerSelection: slog.LevelDebug}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Database("app").RunCommand(ctx, bson.D{bson.KV("ping", 1)}).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Disconnect(ctx); err != nil {
		t.Fatal(err)
	}
	got := rec.seen()
	for _, want := range []string{
		"command/Command started", "command/Command succeeded",
		"serverSelection/Server selection started", "serverSelection/Server selection succeeded",
		"connection/Connection pool created", "connection/Connection checkout started",
		"connection/Connection checked out", "connection/Connection checked in", "connection/Connection pool closed",
	} {
		if !strings.Contains(got, want+"\n") && !strings.HasSuffix(got, want) {
			t.Errorf("no %q logged; got:\n%s", want, got)
		}
	}
	if strings.Contains(got, "topology/") {
		t.Errorf("the topology component logged although LogLevels leaves it out:\n%s", got)
	}

	// A component's level filters: the connection component at info logs
	// none of its debug messages.
	rec = newRecorder()
	o := Options{Logger: slog.New(rec), LogLevels: map[LogComponent]slog.Level{LogConnection: slog.LevelInfo, LogTopology: slog.LevelDebug}}
	if l := o.componentLogger(LogConnection); l.Enabled(ctx, slog.LevelDebug) {
		t.Error("connection at info is enabled for debug")
	}
	if l := o.componentLogger(LogTopology); !l.Enabled(ctx, slog.LevelDebug) {
		t.Error("topology at debug is not enabled for debug")
	}
	if o.componentLogger(LogCommand) != nil {
		t.Error("a component left out of LogLevels has a logger")
	}
}

// A selection that finds no server at first logs, once, that it waits
// (at info level).
func TestLoggingWaitingForServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	rec := newRecorder()
	c, err := Connect(context.Background(), "mongodb://"+addr+"/?directConnection=true&serverSelectionTimeoutMS=200",
		Options{Logger: slog.New(rec), LogLevels: map[LogComponent]slog.Level{LogServerSelection: slog.LevelInfo}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	if err := c.Ping(context.Background()); err == nil {
		t.Fatal("Ping of a closed port succeeded")
	}
	if got, want := rec.seen(), "serverSelection/Waiting for suitable server to become available"; got != want {
		t.Errorf("logged %q at info, want only %q", got, want)
	}
}

// MONGODB_LOG_* are read only by LogOptionsFromEnv, the opt-in.
func TestLogOptionsFromEnv(t *testing.T) {
	env := map[string]string{"MONGODB_LOG_ALL": "info", "MONGODB_LOG_COMMAND": "debug", "MONGODB_LOG_CONNECTION": "off",
		"MONGODB_LOG_MAX_DOCUMENT_LENGTH": "200", "MONGODB_LOG_PATH": "stdout"}
	o, closer, err := logOptionsFrom(func(k string) string { return env[k] })
	if err != nil || closer != nil {
		t.Fatal(err, closer)
	}
	want := map[LogComponent]slog.Level{LogCommand: slog.LevelDebug, LogTopology: slog.LevelInfo, LogServerSelection: slog.LevelInfo}
	if len(o.LogLevels) != len(want) || o.Logger == nil || o.MaxDocumentLength != 200 {
		t.Errorf("options %+v", o)
	}
	for c, l := range want {
		if o.LogLevels[c] != l {
			t.Errorf("%s at %v, want %v", c, o.LogLevels[c], l)
		}
	}
	if o, _, err := logOptionsFrom(func(string) string { return "" }); err != nil || o.Logger != nil || o.LogLevels != nil {
		t.Errorf("no variables: %+v, %v", o, err)
	}
	if _, _, err := logOptionsFrom(func(k string) string { return map[string]string{"MONGODB_LOG_ALL": "loud"}[k] }); err == nil {
		t.Error("an unknown level was accepted")
	}
	// Connect never reads them itself.
	t.Setenv("MONGODB_LOG_ALL", "debug")
	c, err := Connect(context.Background(), "mongodb://a/")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	if c.opts.Logger != nil || c.x.Logger != nil {
		t.Error("Connect read MONGODB_LOG_ALL")
	}
}
