package driver

import (
	"context"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/torque-go/torque/topology"
)

// logSelection logs a serverSelection message of the logging spec:
// "Server selection started", "succeeded" or "failed", with the selector,
// the operation's name and operationId (its command messages carry the
// same), the topology description (when the deployment can tell it: a
// TopologyDescriber), and the outcome's attributes.
func (x *Executor) logSelection(msg string, ex *execution, c *topology.Criteria, extra ...slog.Attr) {
	if x.SelectionLogger == nil || !x.SelectionLogger.Enabled(context.Background(), slog.LevelDebug) {
		return
	}
	if d, ok := x.Deployment.(TopologyDescriber); ok {
		extra = append(extra, slog.String("topologyDescription", describeTopology(d.TopologyDescription())))
	}
	x.logSelectionAt(slog.LevelDebug, msg, ex.op, ex.opID, c, extra...)
}

// TopologyDescriber is a Deployment that can tell its current topology
// description (the client's can): the selection log messages carry it.
type TopologyDescriber interface {
	TopologyDescription() topology.TopologyDescription
}

func (x *Executor) logSelectionAt(level slog.Level, msg string, op *Operation, opID int64, c *topology.Criteria, extra ...slog.Attr) {
	if x.SelectionLogger == nil {
		return
	}
	selector := "read preference " + c.ReadPref.Mode.String()
	switch {
	case c.Only != "":
		selector = "the pinned server " + string(c.Only)
	case c.Write:
		selector = "writes"
	}
	attrs := append([]slog.Attr{slog.String("selector", selector), slog.String("operation", op.Name),
		slog.Int64("operationId", opID)}, extra...)
	x.SelectionLogger.LogAttrs(context.Background(), level, msg, attrs...)
}

// logWaiting logs, at info level, that a selection found no suitable
// server at first and waits, with the time it has left and the topology.
func (x *Executor) logWaiting(op *Operation, opID int64, c *topology.Criteria, remaining time.Duration, td topology.TopologyDescription) {
	if !x.SelectionLogger.Enabled(context.Background(), slog.LevelInfo) {
		return
	}
	x.logSelectionAt(slog.LevelInfo, "Waiting for suitable server to become available", op, opID, c,
		slog.Int64("remainingTimeMS", remaining.Milliseconds()), slog.String("topologyDescription", describeTopology(td)))
}

// describeTopology is the topologyDescription of the selection messages:
// the type, the set's name, and each server's address and type (with why
// it is Unknown), for example
// "{type: ReplicaSetNoPrimary, setName: rs0, servers: [{a:27017, RSSecondary}, {b:27017, Unknown: connection refused}]}".
func describeTopology(td topology.TopologyDescription) string {
	var b strings.Builder
	b.WriteString("{type: ")
	b.WriteString(td.Type.String())
	if td.SetName != "" {
		b.WriteString(", setName: ")
		b.WriteString(td.SetName)
	}
	b.WriteString(", servers: [")
	for i, sd := range td.Servers {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("{")
		b.WriteString(string(sd.Addr))
		b.WriteString(", ")
		b.WriteString(sd.Type.String())
		if sd.Err != nil {
			b.WriteString(": ")
			b.WriteString(sd.Err.Error())
		}
		b.WriteString("}")
	}
	b.WriteString("]}")
	return b.String()
}

// serverAttrs are serverHost and serverPort of a selected server.
func serverAttrs(addr topology.Address) []slog.Attr {
	host, port, err := net.SplitHostPort(string(addr))
	if err != nil {
		return []slog.Attr{slog.String("serverHost", string(addr))}
	}
	n, _ := strconv.Atoi(port)
	return []slog.Attr{slog.String("serverHost", host), slog.Int("serverPort", n)}
}
