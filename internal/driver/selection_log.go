package driver

import (
	"context"
	"log/slog"
	"net"
	"strconv"

	"github.com/torque-go/torque/topology"
)

// logSelection logs a serverSelection message of the logging spec:
// "Server selection started", "succeeded" or "failed", with the selector,
// the operation's name and operationId (its command messages carry the
// same), and the outcome's attributes.
func (x *Executor) logSelection(msg string, ex *execution, c *topology.Criteria, extra ...slog.Attr) {
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
	attrs := append([]slog.Attr{slog.String("selector", selector), slog.String("operation", ex.op.Name),
		slog.Int64("operationId", ex.opID)}, extra...)
	x.SelectionLogger.LogAttrs(context.Background(), slog.LevelDebug, msg, attrs...)
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
