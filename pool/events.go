package pool

import (
	"time"

	"github.com/torque-go/torque/bson"
)

// EventType names a CMAP event. The names are the specification's.
type EventType uint8

// The CMAP events.
const (
	PoolCreated EventType = iota + 1
	PoolReady
	PoolCleared
	PoolClosed
	ConnectionCreated
	ConnectionReady
	ConnectionClosed
	ConnectionCheckOutStarted
	ConnectionCheckOutFailed
	ConnectionCheckedOut
	ConnectionCheckedIn
)

var eventNames = [...]string{
	PoolCreated:               "ConnectionPoolCreated",
	PoolReady:                 "ConnectionPoolReady",
	PoolCleared:               "ConnectionPoolCleared",
	PoolClosed:                "ConnectionPoolClosed",
	ConnectionCreated:         "ConnectionCreated",
	ConnectionReady:           "ConnectionReady",
	ConnectionClosed:          "ConnectionClosed",
	ConnectionCheckOutStarted: "ConnectionCheckOutStarted",
	ConnectionCheckOutFailed:  "ConnectionCheckOutFailed",
	ConnectionCheckedOut:      "ConnectionCheckedOut",
	ConnectionCheckedIn:       "ConnectionCheckedIn",
}

// String returns the specification's name, e.g. "ConnectionCheckedOut".
func (t EventType) String() string {
	if int(t) < len(eventNames) && eventNames[t] != "" {
		return eventNames[t]
	}
	return "EventType(?)"
}

// Reasons carried by ConnectionClosed and ConnectionCheckOutFailed events.
const (
	ReasonStale           = "stale"           // closed: the pool was cleared
	ReasonIdle            = "idle"            // closed: idle longer than MaxIdleTime
	ReasonError           = "error"           // closed: the connection failed
	ReasonPoolClosed      = "poolClosed"      // closed / checkout failed: the pool was closed
	ReasonTimeout         = "timeout"         // checkout failed: deadline or cancellation
	ReasonConnectionError = "connectionError" // checkout failed: paused pool or failed establishment
)

// Event is one CMAP event. Only the fields that apply to its Type are set.
//
// Events are delivered to Config.Monitor synchronously, on the goroutine
// whose action caused them (a checkout, Clear, the background goroutine),
// never while the pool's lock is held; the monitor may therefore call the
// pool, but it should return quickly because the operation waits for it.
// Several goroutines may call the monitor at once. Events of one goroutine
// arrive in the order the specification gives them. Events never carry a
// secret: Err is a *ConnError or *CheckoutError, whose messages name no
// password.
type Event struct {
	Type         EventType
	Address      string
	ConnectionID int64         // connection events
	Duration     time.Duration // ConnectionReady, ConnectionCheckedOut, ConnectionCheckOutFailed
	Reason       string        // ConnectionClosed, ConnectionCheckOutFailed
	Err          error         // ConnectionClosed (error), ConnectionCheckOutFailed
	// PoolCleared: the service cleared (load-balanced pools) and whether
	// in-use connections were interrupted.
	ServiceID      *bson.ObjectID
	InterruptInUse bool
	// PoolCreated: the pool's options as given (zero fields are
	// defaults).
	Options *PoolOptions
}

// PoolOptions are the CMAP options of a pool, as its PoolCreated event
// reports them. Only numbers: the ConnConfig (credential, TLS keys) is
// never put in an event.
type PoolOptions struct {
	MaxPoolSize, MinPoolSize, MaxConnecting int
	MaxIdleTime, WaitQueueTimeout           time.Duration
}

func (p *Pool) emit(e Event) {
	if p.cfg.Monitor == nil {
		return
	}
	e.Address = p.addr
	p.cfg.Monitor(e)
}
