package topology

import (
	"time"

	"github.com/torque-go/torque/bson"
)

// Event is one SDAM monitoring event (the SDAM Logging and Monitoring
// spec). The concrete types are the structs below; switch on them.
type Event interface{ sdamEvent() }

// TopologyOpening is published first, when the client starts.
type TopologyOpening struct{ TopologyID bson.ObjectID }

// TopologyClosed is published last, when the client is closed.
type TopologyClosed struct{ TopologyID bson.ObjectID }

// TopologyDescriptionChanged is published when a check or an error changed
// the topology (by TopologyDescription.Equal).
type TopologyDescriptionChanged struct {
	TopologyID    bson.ObjectID
	Previous, New TopologyDescription
}

// ServerOpening is published when a server joins the topology.
type ServerOpening struct {
	TopologyID bson.ObjectID
	Addr       Address
}

// ServerClosed is published when a server leaves the topology.
type ServerClosed struct {
	TopologyID bson.ObjectID
	Addr       Address
}

// ServerDescriptionChanged is published when a check changed the checked
// server's description (by ServerDescription.Equal).
type ServerDescriptionChanged struct {
	TopologyID    bson.ObjectID
	Addr          Address
	Previous, New ServerDescription
}

// ServerHeartbeatStarted is published by a monitor before each check.
// TopologyID is the topology's; ConnectionID the driver's id of the
// monitor's connection (zero before its handshake); ServerConnectionID
// the server's id of it, when known.
type ServerHeartbeatStarted struct {
	TopologyID   bson.ObjectID
	Addr         Address
	ConnectionID int64
	Awaited      bool // a streaming (awaitable) hello
}

// ServerHeartbeatSucceeded is published by a monitor after a good check.
type ServerHeartbeatSucceeded struct {
	TopologyID         bson.ObjectID
	Addr               Address
	ConnectionID       int64
	ServerConnectionID int64
	Duration           time.Duration
	Reply              bson.Raw // valid only during the call to the listener
	Awaited            bool
}

// ServerHeartbeatFailed is published by a monitor after a failed check.
type ServerHeartbeatFailed struct {
	TopologyID         bson.ObjectID
	Addr               Address
	ConnectionID       int64
	ServerConnectionID int64
	Duration           time.Duration
	Err                error
	Awaited            bool
}

func (TopologyOpening) sdamEvent()            {}
func (TopologyClosed) sdamEvent()             {}
func (TopologyDescriptionChanged) sdamEvent() {}
func (ServerOpening) sdamEvent()              {}
func (ServerClosed) sdamEvent()               {}
func (ServerDescriptionChanged) sdamEvent()   {}
func (ServerHeartbeatStarted) sdamEvent()     {}
func (ServerHeartbeatSucceeded) sdamEvent()   {}
func (ServerHeartbeatFailed) sdamEvent()      {}

// Listener receives SDAM events. The topology calls it synchronously, in
// order, and never while holding its lock; it must not block for long.
type Listener interface{ HandleEvent(Event) }

// ListenerFunc adapts a function to Listener.
type ListenerFunc func(Event)

// HandleEvent calls f(e).
func (f ListenerFunc) HandleEvent(e Event) { f(e) }

// Diff returns the events that describe the change from old to new after
// the outcome of a check of the server at checked was applied, in the
// order the spec's monitoring tests publish them: the checked server's
// ServerDescriptionChanged, ServerOpening for each added server,
// ServerClosed for each removed one, then TopologyDescriptionChanged.
// Events are due only for real changes (the Equal methods), so a check
// that changed nothing but round-trip times publishes nothing. checked may
// be empty (an application error, say) to skip the server event.
func Diff(id bson.ObjectID, old, new TopologyDescription, checked Address) []Event {
	var evs []Event
	if checked != "" {
		before, ok1 := old.Server(checked)
		after, ok2 := new.Server(checked)
		if ok1 && ok2 && !before.Equal(after) {
			evs = append(evs, ServerDescriptionChanged{TopologyID: id, Addr: checked, Previous: before, New: after})
		}
	}
	for _, sd := range new.Servers {
		if _, ok := old.Server(sd.Addr); !ok {
			evs = append(evs, ServerOpening{TopologyID: id, Addr: sd.Addr})
		}
	}
	for _, sd := range old.Servers {
		if _, ok := new.Server(sd.Addr); !ok {
			evs = append(evs, ServerClosed{TopologyID: id, Addr: sd.Addr})
		}
	}
	if !old.Equal(new) {
		evs = append(evs, TopologyDescriptionChanged{TopologyID: id, Previous: old, New: new})
	}
	return evs
}

// Opening returns the events of a topology's start: TopologyOpening, the
// change from the empty Unknown description to initial, and a
// ServerOpening for each seed.
func Opening(id bson.ObjectID, initial TopologyDescription) []Event {
	evs := []Event{
		TopologyOpening{TopologyID: id},
		TopologyDescriptionChanged{TopologyID: id, New: initial},
	}
	for _, sd := range initial.Servers {
		evs = append(evs, ServerOpening{TopologyID: id, Addr: sd.Addr})
	}
	return evs
}

// Demoted returns the servers that were primaries in old and that Apply
// replaced with Unknown in new because another primary was found or their
// version was stale (excluding checked). The owner requests an immediate
// check of each, and clears the pool of those below wire version 8.
func Demoted(old, new TopologyDescription, checked Address) []ServerDescription {
	var out []ServerDescription
	for _, sd := range old.Servers {
		if sd.Type != RSPrimary || sd.Addr == checked {
			continue
		}
		if now, ok := new.Server(sd.Addr); ok && now.Type == ServerUnknown {
			out = append(out, sd)
		}
	}
	return out
}

// CheckSink is the seam between a server's monitor and the topology that
// owns it. A monitor builds a ServerDescription from each check
// (NewServerDescription from a parsed Hello, or NewUnknownServer on
// failure), hands it to Update, and publishes its heartbeat events through
// Publish. The topology implements it: Update applies the outcome under
// its lock (Apply, Diff, pool ready/clear), publishes the resulting
// events and wakes waiting selections.
type CheckSink interface {
	// Update applies the outcome of one check. It returns false when the
	// server is no longer part of the topology: the monitor then stops.
	Update(sd ServerDescription) bool
	// Publish delivers a heartbeat event to the application's listener.
	Publish(e Event)
}
