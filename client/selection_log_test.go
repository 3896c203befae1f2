package client

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/mockserver"
)

// attrRecorder keeps each record's message and its topologyDescription
// attribute.
type attrRecorder struct {
	mu   sync.Mutex
	seen map[string]string
}

func (r *attrRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *attrRecorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec.Attrs(func(a slog.Attr) bool {
		if a.Key == "topologyDescription" {
			r.seen[rec.Message] = a.Value.String()
		}
		return true
	})
	return nil
}
func (r *attrRecorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *attrRecorder) WithGroup(string) slog.Handler      { return r }

// The serverSelection messages carry the topology description (the
// server-selection logging spec): its type and each server's address and
// type.
func TestSelectionLogTopologyDescription(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	rec := &attrRecorder{seen: map[string]string{}}
	c, err := Connect(context.Background(), srv.URI(), Options{Logger: slog.New(rec),
		LogLevels: map[LogComponent]slog.Level{LogServerSelection: slog.LevelDebug}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	defer c.Disconnect(ctx)
	if err := c.Database("app").RunCommand(ctx, bson.D{bson.KV("ping", 1)}).Err(); err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, msg := range []string{"Server selection started", "Server selection succeeded"} {
		td := rec.seen[msg]
		if !strings.HasPrefix(td, "{type: ") || !strings.Contains(td, srv.Addr()) {
			t.Errorf("%s: topologyDescription %q, want the type and the server %s", msg, td, srv.Addr())
		}
	}
	if td := rec.seen["Server selection succeeded"]; !strings.Contains(td, srv.Addr()+", Standalone}") {
		t.Errorf("after selection the server is known: %q", td)
	}
}
