package driver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/topology"
)

func TestCommandLogging(t *testing.T) {
	d := newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary)
	d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) {
		if !cmd.Lookup("saslContinue").IsZero() {
			return okDoc(t, bson.KV("payload", "server-secret")), true, nil
		}
		return okDoc(t, bson.KV("n", 1)), true, nil
	})
	var buf bytes.Buffer
	x := newExecutor(d)
	x.MaxDocumentLength = 40
	ctx := context.Background()

	x.Logger = slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if err := x.Execute(ctx, simpleOp(t, "ping", Command, bson.D{bson.KV("ping", 1)})); err != nil {
		t.Fatal(err)
	}
	if buf.Len() != 0 {
		t.Errorf("logged below the handler's level: %s", buf.String())
	}

	x.Logger = slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	long := strings.Repeat("y", 200)
	if err := x.Execute(ctx, simpleOp(t, "ping", Command, bson.D{bson.KV("ping", 1), bson.KV("comment", long)})); err != nil {
		t.Fatal(err)
	}
	if err := x.Execute(ctx, simpleOp(t, "saslContinue", Command, bson.D{bson.KV("saslContinue", 1), bson.KV("payload", "client-secret")})); err != nil {
		t.Fatal(err)
	}
	var msgs []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		msgs = append(msgs, m)
	}
	if len(msgs) != 4 || msgs[0]["msg"] != "Command started" || msgs[1]["msg"] != "Command succeeded" {
		t.Fatalf("messages: %v", msgs)
	}
	cmd, _ := msgs[0]["command"].(string)
	if !strings.HasSuffix(cmd, "...") || len(cmd) != 43 {
		t.Errorf("command not truncated to 40 bytes: %q", cmd)
	}
	if msgs[0]["commandName"] != "ping" || msgs[0]["serverPort"] != 27017.0 || msgs[0]["driverConnectionId"] != 1.0 || msgs[1]["durationMS"] == nil {
		t.Errorf("fields: %v / %v", msgs[0], msgs[1])
	}
	if strings.Contains(buf.String(), "secret") {
		t.Errorf("a sensitive command was logged: %s", buf.String())
	}

	// Selection and command messages of one operation carry one
	// operationId; the next operation has another.
	buf.Reset()
	x.SelectionLogger = x.Logger
	for range 2 {
		if err := x.Execute(ctx, simpleOp(t, "ping", Command, bson.D{bson.KV("ping", 1)})); err != nil {
			t.Fatal(err)
		}
	}
	var ids []float64
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		id, ok := m["operationId"].(float64)
		if !ok {
			t.Fatalf("%s has no operationId: %v", m["msg"], m)
		}
		ids = append(ids, id)
	}
	if len(ids) != 8 || ids[0] != ids[3] || ids[4] != ids[7] || ids[0] == ids[4] {
		t.Errorf("operationIds %v: want one per operation on its 2 selection and 2 command messages", ids)
	}
}

// Sensitive commands are redacted whatever the case of their name, in
// events and in logs (issue 13, item 6c).
func TestSensitiveCommandsAnyCase(t *testing.T) {
	d := newFake(topology.Single, topology.Standalone)
	d.handle(func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error) {
		return okDoc(t, bson.KV("echo", "S3cretReply")), true, nil
	})
	var buf bytes.Buffer
	var events recordingMonitor
	x := newExecutor(d)
	x.Monitor = &events
	x.Logger = slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	for _, name := range []string{"createuser", "CreateUser", "UPDATEUSER", "saslstart", "SASLContinue", "Authenticate"} {
		op := simpleOp(t, name, Command, bson.D{bson.KV(name, "u"), bson.KV("pwd", "S3cretPW")})
		if err := x.Execute(context.Background(), op); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Contains(buf.String(), "S3cret") {
		t.Errorf("a sensitive command was logged: %s", buf.String())
	}
	for _, s := range events.seen() {
		if strings.Contains(s, "S3cret") {
			t.Errorf("a sensitive command reached an event: %s", s)
		}
	}
}

// recordingMonitor keeps the documents of the events it receives.
type recordingMonitor struct{ docs []string }

func (m *recordingMonitor) Started(e CommandStarted)     { m.docs = append(m.docs, e.Command.String()) }
func (m *recordingMonitor) Succeeded(e CommandSucceeded) { m.docs = append(m.docs, e.Reply.String()) }
func (m *recordingMonitor) Failed(e CommandFailed)       { m.docs = append(m.docs, fmt.Sprint(e.Failure)) }
func (m *recordingMonitor) seen() []string               { return m.docs }
