package client

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/pool"
	"github.com/torque-go/torque/topology"
)

// LogComponent is a component of the MongoDB logging specification. Every
// message torque logs carries it as the attribute "component".
type LogComponent string

// The components torque logs.
const (
	LogCommand         LogComponent = "command"         // command started, succeeded, failed
	LogTopology        LogComponent = "topology"        // SDAM: servers, heartbeats, topology changes
	LogServerSelection LogComponent = "serverSelection" // selection started, succeeded, failed
	LogConnection      LogComponent = "connection"      // CMAP: pools and connections
)

// LevelTrace is the logging spec's trace level, below slog.LevelDebug.
const LevelTrace = slog.LevelDebug - 4

// Logger is what Options.Logger needs of a logger; *slog.Logger has both
// methods, so Options{Logger: slog.New(h)} is how a program logs. An
// interface rather than *slog.Logger, so that a program that sets no
// logger links none of slog's handlers (about 300 KB of binary, the JSON
// encoder among them): torque calls the logger only through these two
// methods.
type Logger interface {
	Enabled(ctx context.Context, level slog.Level) bool
	LogAttrs(ctx context.Context, level slog.Level, msg string, attrs ...slog.Attr)
}

// logger is Options.Logger, nil when unset or a nil *slog.Logger.
func (o *Options) logger() Logger {
	if l, ok := o.Logger.(*slog.Logger); ok && l == nil {
		return nil
	}
	return o.Logger
}

// componentLogger returns the logger of one component: nil when the
// options log nothing for it; else Logger with the component attribute,
// filtered by the component's level from LogLevels when that is set.
func (o *Options) componentLogger(c LogComponent) Logger {
	l := o.logger()
	if l == nil {
		return nil
	}
	cl := componentLog{l: l, component: slog.String("component", string(c)), min: slog.Level(math.MinInt)}
	if o.LogLevels != nil {
		min, ok := o.LogLevels[c]
		if !ok {
			return nil
		}
		cl.min = min
	}
	return cl
}

// componentLog is one component's Logger: it drops the records below min
// and puts the component attribute first in every record. (Not
// Logger.With: converting the *slog.Logger that With returns to Logger
// would link slog's handlers into every program.)
type componentLog struct {
	l         Logger
	component slog.Attr
	min       slog.Level
}

func (c componentLog) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= c.min && c.l.Enabled(ctx, l)
}

func (c componentLog) LogAttrs(ctx context.Context, l slog.Level, msg string, attrs ...slog.Attr) {
	if !c.Enabled(ctx, l) {
		return
	}
	c.l.LogAttrs(ctx, l, msg, append([]slog.Attr{c.component}, attrs...)...)
}

// specLevels are the logging spec's level names.
var specLevels = map[string]slog.Level{
	"emergency": slog.LevelError, "alert": slog.LevelError, "critical": slog.LevelError, "error": slog.LevelError,
	"warning": slog.LevelWarn, "warn": slog.LevelWarn, "notice": slog.LevelInfo + 2,
	"informational": slog.LevelInfo, "info": slog.LevelInfo, "debug": slog.LevelDebug, "trace": LevelTrace,
}

// ParseLogLevel reads a level name of the logging spec ("debug",
// "info", "warn", ..., "trace"; case-insensitive). ok is false for "off"
// and for an unknown name.
func ParseLogLevel(name string) (slog.Level, bool) {
	l, ok := specLevels[strings.ToLower(name)]
	return l, ok
}

// LogOptionsFromEnv returns the Options the logging spec's environment
// variables ask for: MONGODB_LOG_ALL, MONGODB_LOG_COMMAND,
// MONGODB_LOG_TOPOLOGY, MONGODB_LOG_SERVER_SELECTION,
// MONGODB_LOG_CONNECTION (a level each; a component variable wins over
// ALL), MONGODB_LOG_MAX_DOCUMENT_LENGTH and MONGODB_LOG_PATH ("stderr",
// the default, "stdout", or a file to append to, with an io.Closer
// returned to close it). torque reads these variables nowhere else: a
// program opts in by calling this and passing the result to Connect.
// With no level variable set, the Options are zero (no logging).
func LogOptionsFromEnv() (Options, io.Closer, error) {
	return logOptionsFrom(os.Getenv)
}

func logOptionsFrom(getenv func(string) string) (Options, io.Closer, error) {
	var o Options
	all := getenv("MONGODB_LOG_ALL")
	for c, name := range map[LogComponent]string{LogCommand: "MONGODB_LOG_COMMAND", LogTopology: "MONGODB_LOG_TOPOLOGY",
		LogServerSelection: "MONGODB_LOG_SERVER_SELECTION", LogConnection: "MONGODB_LOG_CONNECTION"} {
		v := getenv(name)
		if v == "" {
			v = all
		}
		if v == "" || strings.EqualFold(v, "off") {
			continue
		}
		l, ok := ParseLogLevel(v)
		if !ok {
			return Options{}, nil, fmt.Errorf("client: %s=%q is not a log level (off, error, warn, notice, info, debug, trace)", name, v)
		}
		if o.LogLevels == nil {
			o.LogLevels = map[LogComponent]slog.Level{}
		}
		o.LogLevels[c] = l
	}
	if o.LogLevels == nil {
		return Options{}, nil, nil
	}
	if v := getenv("MONGODB_LOG_MAX_DOCUMENT_LENGTH"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return Options{}, nil, fmt.Errorf("client: MONGODB_LOG_MAX_DOCUMENT_LENGTH=%q is not a positive number", v)
		}
		o.MaxDocumentLength = n
	}
	var w io.Writer = os.Stderr
	var closer io.Closer
	switch p := getenv("MONGODB_LOG_PATH"); p {
	case "", "stderr":
	case "stdout":
		w = os.Stdout
	default:
		f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			return Options{}, nil, fmt.Errorf("client: MONGODB_LOG_PATH: %w", err)
		}
		w, closer = f, f
	}
	o.Logger = slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: LevelTrace}))
	return o, closer, nil
}

// hostPort splits an address into the serverHost and serverPort
// attributes.
func hostPort(addr string) []slog.Attr {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return []slog.Attr{slog.String("serverHost", addr)}
	}
	n, _ := strconv.Atoi(port)
	return []slog.Attr{slog.String("serverHost", host), slog.Int("serverPort", n)}
}

// poolLogger returns the pool monitor that logs the connection component
// (CMAP logging) and then calls next.
func poolLogger(l Logger, next func(pool.Event)) func(pool.Event) {
	if l == nil {
		return next
	}
	return func(e pool.Event) {
		logPoolEvent(l, e)
		if next != nil {
			next(e)
		}
	}
}

// poolMessage is the CMAP logging message of an event type.
func poolMessage(t pool.EventType) string {
	switch t {
	case pool.PoolCreated:
		return "Connection pool created"
	case pool.PoolReady:
		return "Connection pool ready"
	case pool.PoolCleared:
		return "Connection pool cleared"
	case pool.PoolClosed:
		return "Connection pool closed"
	case pool.ConnectionCreated:
		return "Connection created"
	case pool.ConnectionReady:
		return "Connection ready"
	case pool.ConnectionClosed:
		return "Connection closed"
	case pool.ConnectionCheckOutStarted:
		return "Connection checkout started"
	case pool.ConnectionCheckOutFailed:
		return "Connection checkout failed"
	case pool.ConnectionCheckedOut:
		return "Connection checked out"
	case pool.ConnectionCheckedIn:
		return "Connection checked in"
	}
	return ""
}

// poolReason is the CMAP logging text of a close or failure reason.
func poolReason(r string) string {
	switch r {
	case pool.ReasonStale:
		return "Connection became stale because the pool was cleared"
	case pool.ReasonIdle:
		return "Connection has been available but unused for longer than the configured max idle time"
	case pool.ReasonError:
		return "An error occurred while using the connection"
	case pool.ReasonPoolClosed:
		return "Connection pool was closed"
	case pool.ReasonTimeout:
		return "Wait queue timeout elapsed without a connection becoming available"
	case pool.ReasonConnectionError:
		return "An error occurred while trying to establish a new connection"
	}
	return ""
}

func logPoolEvent(l Logger, e pool.Event) {
	attrs := hostPort(e.Address)
	switch e.Type {
	case pool.PoolCreated:
		if o := e.Options; o != nil {
			attrs = append(attrs, slog.Int64("maxIdleTimeMS", o.MaxIdleTime.Milliseconds()),
				slog.Int("minPoolSize", o.MinPoolSize), slog.Int("maxPoolSize", o.MaxPoolSize),
				slog.Int("maxConnecting", o.MaxConnecting), slog.Int64("waitQueueTimeoutMS", o.WaitQueueTimeout.Milliseconds()))
		}
	case pool.PoolCleared:
		if e.ServiceID != nil {
			attrs = append(attrs, slog.String("serviceId", e.ServiceID.Hex()))
		}
	case pool.ConnectionCreated, pool.ConnectionReady, pool.ConnectionClosed, pool.ConnectionCheckedOut, pool.ConnectionCheckedIn:
		attrs = append(attrs, slog.Int64("driverConnectionId", e.ConnectionID))
	}
	switch e.Type {
	case pool.ConnectionReady, pool.ConnectionCheckedOut, pool.ConnectionCheckOutFailed:
		attrs = append(attrs, slog.Float64("durationMS", float64(e.Duration)/1e6))
	}
	if e.Reason != "" {
		attrs = append(attrs, slog.String("reason", poolReason(e.Reason)))
	}
	if e.Err != nil {
		attrs = append(attrs, slog.String("error", e.Err.Error()))
	}
	l.LogAttrs(context.Background(), slog.LevelDebug, poolMessage(e.Type), attrs...)
}

// topologyLogger returns the SDAM listener that logs the topology
// component and then calls next.
func topologyLogger(l Logger, next topology.Listener) topology.Listener {
	if l == nil {
		return next
	}
	return topology.ListenerFunc(func(e topology.Event) {
		logTopologyEvent(l, e)
		if next != nil {
			next.HandleEvent(e)
		}
	})
}

func logTopologyEvent(l Logger, e topology.Event) {
	var msg string
	var attrs []slog.Attr
	switch e := e.(type) {
	case topology.TopologyOpening:
		msg, attrs = "Starting topology monitoring", []slog.Attr{slog.String("topologyId", e.TopologyID.Hex())}
	case topology.TopologyClosed:
		msg, attrs = "Stopped topology monitoring", []slog.Attr{slog.String("topologyId", e.TopologyID.Hex())}
	case topology.TopologyDescriptionChanged:
		msg = "Topology description changed"
		attrs = []slog.Attr{slog.String("topologyId", e.TopologyID.Hex()),
			slog.String("previousDescription", fmt.Sprint(e.Previous)), slog.String("newDescription", fmt.Sprint(e.New))}
	case topology.ServerOpening:
		msg, attrs = "Starting server monitoring", append([]slog.Attr{slog.String("topologyId", e.TopologyID.Hex())}, hostPort(string(e.Addr))...)
	case topology.ServerClosed:
		msg, attrs = "Stopped server monitoring", append([]slog.Attr{slog.String("topologyId", e.TopologyID.Hex())}, hostPort(string(e.Addr))...)
	case topology.ServerHeartbeatStarted:
		msg, attrs = "Server heartbeat started", heartbeatAttrs(e.TopologyID, e.Addr, e.ConnectionID, 0, e.Awaited)
	case topology.ServerHeartbeatSucceeded:
		msg = "Server heartbeat succeeded"
		attrs = append(heartbeatAttrs(e.TopologyID, e.Addr, e.ConnectionID, e.ServerConnectionID, e.Awaited),
			slog.Float64("durationMS", float64(e.Duration)/1e6), slog.String("reply", e.Reply.String()))
	case topology.ServerHeartbeatFailed:
		msg = "Server heartbeat failed"
		attrs = append(heartbeatAttrs(e.TopologyID, e.Addr, e.ConnectionID, e.ServerConnectionID, e.Awaited),
			slog.Float64("durationMS", float64(e.Duration)/1e6), slog.String("failure", e.Err.Error()))
	default:
		return // ServerDescriptionChanged has no log message in the spec
	}
	l.LogAttrs(context.Background(), slog.LevelDebug, msg, attrs...)
}

// heartbeatAttrs are the attributes every heartbeat message has; the
// server's connection id only when known.
func heartbeatAttrs(id bson.ObjectID, addr topology.Address, connID, serverConnID int64, awaited bool) []slog.Attr {
	attrs := append([]slog.Attr{slog.String("topologyId", id.Hex())}, hostPort(string(addr))...)
	attrs = append(attrs, slog.Int64("driverConnectionId", connID), slog.Bool("awaited", awaited))
	if serverConnID != 0 {
		attrs = append(attrs, slog.Int64("serverConnectionId", serverConnID))
	}
	return attrs
}
