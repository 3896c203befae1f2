package driver

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/torque-go/torque/topology"
)

// logSelection logs a serverSelection message of the logging spec:
// "Server selection started", "succeeded" or "failed", with the selector,
// the operation's name and operationId (its command messages carry the
// same), and the outcome's attributes.
func (x *Executor) logSelection(msg string, ex *execution, c *topology.Criteria, extra ...slog.Attr) {
	x.logSelectionAt(slog.LevelDebug, msg, ex.op, ex.opID, c, extra...)
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
		slog.Int64("remainingTimeMS", remaining.Milliseconds()), slog.String("topologyDescription", fmt.Sprint(td)))
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
