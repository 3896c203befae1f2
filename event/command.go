package event

import (
	"time"

	"github.com/torque-go/torque/bson"
)

// CommandStarted is published before a command is sent. Command holds the
// document sequences as arrays, as the server sees them. Its bytes are
// valid only during the CommandMonitor call.
type CommandStarted struct {
	Command      bson.Raw
	DatabaseName string
	CommandName  string
	RequestID    int64
	// ConnectionID names the driver's connection ("host:port#7");
	// ServerConnectionID is the server's id of it (0 when unknown).
	ConnectionID       string
	ServerConnectionID int64
	Address            string
	// ServiceID is the serviceId of the connection's hello behind a load
	// balancer (the mongos it reaches); nil otherwise.
	ServiceID *bson.ObjectID
}

// CommandSucceeded is published after an {ok: 1} reply. Reply is valid
// only during the CommandMonitor call. Its structure was checked, but for
// the documents of a cursor's batch (cursor.firstBatch, cursor.nextBatch),
// which were only framed: read them with errors (LookupErr, Unmarshal) or
// validate them first.
type CommandSucceeded struct {
	Duration           time.Duration
	Reply              bson.Raw
	DatabaseName       string
	CommandName        string
	RequestID          int64
	ConnectionID       string
	ServerConnectionID int64
	Address            string
	ServiceID          *bson.ObjectID // behind a load balancer
}

// CommandFailed is published after an error reply or a network error.
type CommandFailed struct {
	Duration           time.Duration
	Failure            error
	DatabaseName       string
	CommandName        string
	RequestID          int64
	ConnectionID       string
	ServerConnectionID int64
	Address            string
	ServiceID          *bson.ObjectID // behind a load balancer
}

// CommandMonitor receives command events, synchronously, on the goroutine
// that runs the operation: keep it quick. Commands and replies of
// authentication and user-management commands (and of a hello carrying
// speculativeAuthenticate) arrive as empty documents.
type CommandMonitor interface {
	Started(CommandStarted)
	Succeeded(CommandSucceeded)
	Failed(CommandFailed)
}
