package driver

import (
	"context"

	"github.com/torque-go/torque/topology"
)

// Deployment is the executor's view of the topology: it selects a server
// for an operation, waiting (within ctx and the server selection timeout)
// until one is suitable.
type Deployment interface {
	SelectServer(ctx context.Context, c topology.Criteria) (Server, error)
}

// Server is one selected server. Done must be called once the operation no
// longer uses it (it counts operations in flight for selection).
type Server interface {
	// Description is the server's latest description.
	Description() topology.ServerDescription
	// TopologyType is the type of the topology the server was selected
	// from; it decides how the read preference is sent.
	TopologyType() topology.TopologyType
	// Connection checks a connection out of the server's pool.
	Connection(ctx context.Context) (Conn, error)
	// ReportError feeds SDAM with an error an operation met on conn (a
	// checkout's own failure is the deployment's to handle, never
	// reported here). The client's implementation is selected.ReportError
	// in client/deployment.go: it builds a topology.AppError
	// (topology.ToAppError, ReplyAppError) and hands it to the
	// topology.Server, whose HandleError applies topology.ApplyAppError
	// (all in topology/app_error.go).
	ReportError(conn Conn, err error)
	// Done ends the operation's use of the server.
	Done()
}

// Conn is one connection out of a pool, owned by one operation at a time.
// RoundTrip honours ctx (its deadline and cancellation) and compresses or
// decompresses as the handshake negotiated. After an error from it, the
// connection is out of step: Close it.
type Conn interface {
	// ID names the connection in events and logs ("host:port#7").
	ID() string
	// ServerConnectionID is the server's id of the connection (hello's
	// connectionId), 0 when unknown.
	ServerConnectionID() int64
	// Description is the server's description from this connection's
	// handshake: the limits (maxBsonObjectSize ...) and wire version.
	Description() topology.ServerDescription
	// RoundTrip sends msg, one whole OP_MSG, and unless it has the
	// moreToCome flag reads the reply to it (checking its responseTo)
	// and returns the reply's body document in buf's array: appended to
	// (*buf)[:0], or read there, when the connection swaps its read
	// buffer for buf's (the body is then not copied). Either way *buf,
	// left empty, owns the array that body is in, and whoever owns buf
	// returns it with wire.PutBuffer when done with body. msg may be in
	// buf's array (it is written before the reply is read). sent reports
	// whether any byte of msg went out.
	RoundTrip(ctx context.Context, msg []byte, buf *[]byte) (body []byte, sent bool, err error)
	// Close discards the connection (it is broken or out of step).
	Close() error
	// Release returns a healthy connection to its pool.
	Release()
}
