package driver

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/wire"
)

// sensitiveCommands are those whose commands and replies events and logs
// show empty (the command monitoring spec's list), lower-cased: the
// server matches command names case-insensitively, and so does the
// redaction ({createuser: ...} and {CreateUser: ...} carry a password as
// much as {createUser: ...}).
var sensitiveCommands = map[string]bool{
	"authenticate": true, "saslstart": true, "saslcontinue": true, "getnonce": true,
	"createuser": true, "updateuser": true, "copydbgetnonce": true, "copydbsaslstart": true, "copydb": true,
}

// isSensitive reports whether a command must be redacted; a hello is when
// it carries speculativeAuthenticate.
func isSensitive(name string, cmd bson.Raw) bool {
	name = strings.ToLower(name)
	if sensitiveCommands[name] {
		return true
	}
	switch name {
	case "hello", "ismaster":
		return !cmd.Lookup("speculativeAuthenticate").IsZero()
	}
	return false
}

// emptyDoc is the redacted document {}.
var emptyDoc = bson.Raw{5, 0, 0, 0, 0}

// redactedError is the failure of a sensitive command: its code only.
type redactedError struct{ code int32 }

func (e redactedError) Error() string {
	return "command failed (code " + strconv.Itoa(int(e.code)) + "; details redacted)"
}

// event is one command in flight, for the succeeded/failed events.
type event struct {
	start     time.Time
	name, db  string
	requestID int64
	connID    string
	serverID  int64
	addr      string
	serviceID *bson.ObjectID // behind a load balancer
	sensitive bool
	opID      int64
}

// operationIDs numbers operations for their log messages.
var operationIDs atomic.Int64

// NextOperationID returns a new operation id (Operation.OperationID).
func NextOperationID() int64 { return operationIDs.Add(1) }

// monitored reports whether anyone listens.
func (x *Executor) monitored() bool {
	return x.Monitor != nil || x.Logger != nil && x.Logger.Enabled(context.Background(), slog.LevelDebug)
}

// started publishes CommandStarted and returns the event to finish, nil
// when nobody listens.
func (x *Executor) started(ex *execution, conn Conn, e *encoded) *event {
	if !x.monitored() {
		return nil
	}
	ev := &event{
		start: time.Now(), name: ex.op.Name, db: ex.op.DB, requestID: int64(e.requestID),
		connID: conn.ID(), serverID: conn.ServerConnectionID(), addr: string(conn.Description().Addr),
		serviceID: conn.Description().ServiceID, opID: ex.opID,
	}
	ev.sensitive = isSensitive(ev.name, e.body)
	cmd := emptyDoc
	if !ev.sensitive {
		cmd = commandWithSequences(e)
	}
	if x.Monitor != nil {
		x.Monitor.Started(CommandStarted{Command: cmd, DatabaseName: ev.db, CommandName: ev.name, RequestID: ev.requestID,
			ConnectionID: ev.connID, ServerConnectionID: ev.serverID, Address: ev.addr, ServiceID: ev.serviceID})
	}
	if x.Logger != nil {
		x.Logger.LogAttrs(context.Background(), slog.LevelDebug, "Command started",
			append(ev.attrs(), slog.String("command", x.truncated(cmd)))...)
	}
	return ev
}

func (x *Executor) succeeded(ev *event, reply bson.Raw) {
	if ev == nil {
		return
	}
	d := sinceMono(ev.start)
	if ev.sensitive {
		reply = emptyDoc
	}
	if x.Monitor != nil {
		x.Monitor.Succeeded(CommandSucceeded{Duration: d, Reply: reply, DatabaseName: ev.db, CommandName: ev.name,
			RequestID: ev.requestID, ConnectionID: ev.connID, ServerConnectionID: ev.serverID, Address: ev.addr, ServiceID: ev.serviceID})
	}
	if x.Logger != nil {
		x.Logger.LogAttrs(context.Background(), slog.LevelDebug, "Command succeeded",
			append(ev.attrs(), slog.Float64("durationMS", float64(d)/1e6), slog.String("reply", x.truncated(reply)))...)
	}
}

func (x *Executor) failed(ev *event, err error) {
	if ev == nil {
		return
	}
	d := sinceMono(ev.start)
	var ne *NetworkError
	if ev.sensitive && !errors.As(err, &ne) {
		// A network error carries nothing the server said: it is shown.
		var code int32
		if se, ok := err.(*Error); ok {
			code = se.Code
		}
		err = redactedError{code}
	}
	if x.Monitor != nil {
		x.Monitor.Failed(CommandFailed{Duration: d, Failure: err, DatabaseName: ev.db, CommandName: ev.name,
			RequestID: ev.requestID, ConnectionID: ev.connID, ServerConnectionID: ev.serverID, Address: ev.addr, ServiceID: ev.serviceID})
	}
	if x.Logger != nil {
		x.Logger.LogAttrs(context.Background(), slog.LevelDebug, "Command failed",
			append(ev.attrs(), slog.Float64("durationMS", float64(d)/1e6), slog.String("failure", err.Error()))...)
	}
}

// attrs are the fields every command log message carries.
func (ev *event) attrs() []slog.Attr {
	host, port, _ := net.SplitHostPort(ev.addr)
	portNum, _ := strconv.Atoi(port)
	_, connNum, _ := strings.Cut(ev.connID, "#") // "host:port#7": the pool's connection id
	driverConnID, _ := strconv.ParseInt(connNum, 10, 64)
	attrs := []slog.Attr{
		slog.String("commandName", ev.name), slog.String("databaseName", ev.db),
		slog.Int64("requestId", ev.requestID), slog.Int64("driverConnectionId", driverConnID),
		slog.Int64("serverConnectionId", ev.serverID), slog.String("serverHost", host), slog.Int("serverPort", portNum),
		slog.Int64("operationId", ev.opID),
	}
	if ev.serviceID != nil {
		attrs = append(attrs, slog.String("serviceId", ev.serviceID.Hex()))
	}
	return attrs
}

// truncated renders doc as relaxed Extended JSON cut to MaxDocumentLength
// bytes (default 1000) followed by "...".
func (x *Executor) truncated(doc bson.Raw) string {
	limit := x.MaxDocumentLength
	if limit <= 0 {
		limit = 1000
	}
	js, err := bson.AppendExtJSON(nil, doc, false)
	if err != nil {
		return "<invalid BSON: " + err.Error() + ">"
	}
	if len(js) > limit {
		cut := limit
		for cut > 0 && js[cut]&0xc0 == 0x80 { // do not split a UTF-8 sequence
			cut--
		}
		return string(js[:cut]) + "..."
	}
	return string(js)
}

// commandWithSequences returns the command body with its document
// sequence, if any, appended as an array field.
func commandWithSequences(e *encoded) bson.Raw {
	m, err := wire.ParseMsg(e.msg)
	if err != nil || len(m.Sequences) == 0 {
		return e.body
	}
	body := e.body
	out := make([]byte, 0, len(e.msg))
	out = append(out, body[:len(body)-1]...)
	for _, s := range m.Sequences {
		var arr int
		arr, out = bson.AppendArrayElementStart(out, s.Identifier)
		i := 0
		for d := range s.Docs.All() {
			out = bson.AppendDocumentElement(out, bson.ArrayKey(i), d)
			i++
		}
		out, _ = bson.AppendDocumentEnd(out, arr)
	}
	out = append(out, 0)
	n := len(out)
	out[0], out[1], out[2], out[3] = byte(n), byte(n>>8), byte(n>>16), byte(n>>24)
	return out
}
