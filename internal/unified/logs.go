package unified

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

// logRecorder is a client entity's slog handler (observeLogMessages): it
// keeps every record as the document expectLogMessages matches, {level,
// component, data: {message, ...attributes}}.
type logRecorder struct {
	mu    *sync.Mutex
	docs  *[]bson.Raw
	attrs []slog.Attr
}

func newLogRecorder() logRecorder { return logRecorder{mu: &sync.Mutex{}, docs: &[]bson.Raw{}} }

func (r logRecorder) Enabled(context.Context, slog.Level) bool { return true }

func (r logRecorder) WithGroup(string) slog.Handler { return r }

func (r logRecorder) WithAttrs(as []slog.Attr) slog.Handler {
	r.attrs = append(append([]slog.Attr(nil), r.attrs...), as...)
	return r
}

func (r logRecorder) Handle(_ context.Context, rec slog.Record) error {
	component := ""
	data := bson.D{bson.KV("message", rec.Message)}
	add := func(a slog.Attr) bool {
		if a.Key == "component" {
			component = a.Value.String()
			return true
		}
		data = append(data, bson.KV(a.Key, attrValue(a.Value)))
		return true
	}
	for _, a := range r.attrs {
		add(a)
	}
	rec.Attrs(add)
	doc, err := bson.Marshal(bson.D{bson.KV("level", levelName(rec.Level)), bson.KV("component", component), bson.KV("data", data)})
	if err != nil {
		return err
	}
	r.mu.Lock()
	*r.docs = append(*r.docs, doc)
	r.mu.Unlock()
	return nil
}

func (r logRecorder) messages() []bson.Raw {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bson.Raw(nil), *r.docs...)
}

func attrValue(v slog.Value) any {
	switch v.Kind() {
	case slog.KindInt64:
		return v.Int64()
	case slog.KindUint64:
		return int64(v.Uint64())
	case slog.KindFloat64:
		return v.Float64()
	case slog.KindBool:
		return v.Bool()
	}
	return v.String()
}

// levelName is the logging spec's name of a slog level.
func levelName(l slog.Level) string {
	switch {
	case l >= slog.LevelError:
		return "error"
	case l >= slog.LevelWarn:
		return "warn"
	case l > slog.LevelInfo:
		return "notice"
	case l >= slog.LevelInfo:
		return "info"
	case l >= slog.LevelDebug:
		return "debug"
	}
	return "trace"
}

// observeLogMessages reads a client entity's observeLogMessages into the
// client's Logger and LogLevels.
func observeLogMessages(spec bson.Raw, rec logRecorder, o *client.Options) error {
	if len(spec) == 0 {
		return nil
	}
	o.LogLevels = map[client.LogComponent]slog.Level{}
	for k, v := range spec.All() {
		name, _ := v.StringValue()
		l, ok := client.ParseLogLevel(name)
		if !ok {
			continue // "off"
		}
		o.LogLevels[client.LogComponent(k)] = l
	}
	o.Logger = slog.New(rec)
	return nil
}

// checkLogMessages asserts test.expectLogMessages: for each client, the
// log messages it recorded, in order, against the expected ones.
func (r *run) checkLogMessages(list bson.RawArray) error {
	for i, v := range list.All() {
		spec, _ := v.Document()
		a := newArgs(spec)
		name := a.str("client")
		exp := a.array("messages")
		extra := a.boolean("ignoreExtraMessages")
		ignore := a.array("ignoreMessages")
		if err := a.done(); err != nil {
			return fmt.Errorf("expectLogMessages[%d]: %w", i, err)
		}
		c, ok := r.entities.clients[name]
		if !ok {
			return fmt.Errorf("expectLogMessages[%d]: no client entity %q", i, name)
		}
		m := &matcher{entities: r.entities}
		var got []bson.Raw
		for _, g := range c.logs.messages() {
			if !m.ignored(ignore, g) {
				got = append(got, g)
			}
		}
		want, err := exp.Values()
		if err != nil {
			return err
		}
		if len(got) < len(want) || !extra && len(got) != len(want) {
			return fmt.Errorf("expectLogMessages[%d] (%s): expected %d messages, got %d: %v", i, name, len(want), len(got), got)
		}
		for j, w := range want {
			exp, _ := w.Document()
			if err := m.logMessage(fmt.Sprintf("message %d", j), exp, got[j]); err != nil {
				return fmt.Errorf("expectLogMessages[%d] (%s): %w (got %s)", i, name, err, got[j])
			}
		}
	}
	return nil
}

// logMessage matches one expected message: level and component equal,
// data as a root document (extra keys allowed). failureIsRedacted says
// whether the failure must be the redacted one.
func (m *matcher) logMessage(path string, exp, got bson.Raw) error {
	for _, key := range []string{"level", "component"} {
		e, _ := exp.Lookup(key).StringValue()
		g, _ := got.Lookup(key).StringValue()
		if e != g {
			return fmt.Errorf("%s: %s %q, want %q", path, key, g, e)
		}
	}
	if err := m.match(path+".data", exp.Lookup("data"), got.Lookup("data"), true); err != nil {
		return err
	}
	if redacted, ok := exp.Lookup("failureIsRedacted").Boolean(); ok {
		failure, _ := got.Lookup("data", "failure").StringValue()
		if isRedacted := strings.HasSuffix(failure, "details redacted)"); redacted != isRedacted {
			return fmt.Errorf("%s: failure %q, redacted %v wanted", path, failure, redacted)
		}
	}
	return nil
}

// ignored reports whether msg matches one of the ignoreMessages.
func (m *matcher) ignored(ignore bson.RawArray, msg bson.Raw) bool {
	for _, v := range ignore.All() {
		exp, _ := v.Document()
		if m.logMessage("", exp, msg) == nil {
			return true
		}
	}
	return false
}
