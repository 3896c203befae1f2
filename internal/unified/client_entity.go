package unified

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/pool"
	"github.com/torque-go/torque/topology"
)

// event is one recorded command monitoring or CMAP event.
type event struct {
	kind         string // the expectedEvent key: "commandStartedEvent", "connectionCheckedOutEvent", ...
	commandName  string
	databaseName string
	doc          bson.Raw // the command, or the reply; a copy
	serverConnID int64
	address      string
	reason       string // connectionClosedEvent, connectionCheckOutFailedEvent
	// prevType and newType are the server or topology types of a
	// description changed event; awaited is a heartbeat's.
	prevType, newType string
	awaited           bool
	serviceID         bool // command events, poolClearedEvent: the event names a service
	interrupt         bool // poolClearedEvent: interruptInUseConnections
}

// eventType is the expectEvents eventType an event kind belongs to.
func eventType(kind string) string {
	switch {
	case strings.HasPrefix(kind, "command"):
		return "command"
	case strings.HasPrefix(kind, "pool"), strings.HasPrefix(kind, "connection"):
		return "cmap"
	}
	return "sdam"
}

// clientEntity is a client whose events the test observes.
type clientEntity struct {
	*client.Client
	observe map[string]bool // event kinds to record
	ignore  map[string]bool // command names not to record
	// sensitive records redacted commands (observeSensitiveCommands).
	sensitive bool

	mu     sync.Mutex
	events []event
	hidden map[int64]bool // request ids of redacted commands not recorded
	// checkedOut counts connections checked out and not yet checked in
	// (assertNumberConnectionsCheckedOut); ready those made ready
	// (awaitMinPoolSizeMS).
	checkedOut, ready int
	// failPointAddr is the server of the last configureFailPoint sent.
	failPointAddr string
	// services: behind a load balancer, the serviceId of each session's
	// last command's connection, by lsid (service_pin.go).
	services map[string]bson.ObjectID
	// logs records the log messages (observeLogMessages).
	logs logRecorder
	// topology is the latest topology description (sdam.go).
	topology topology.TopologyDescription
}

func (c *clientEntity) record(e event) {
	// configureFailPoint is never observed (the format says so): the
	// runner's failPoint operation sends it.
	if !c.observe[e.kind] || c.ignore[e.commandName] || e.commandName == "configureFailPoint" {
		return
	}
	c.mu.Lock()
	c.events = append(c.events, e)
	c.mu.Unlock()
}

func (c *clientEntity) recorded() []event {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]event(nil), c.events...)
}

// monitor is the CommandMonitor of a client entity. Sensitive commands
// (redacted to empty documents) and their replies are recorded only with
// observeSensitiveCommands, as the format asks.
func (c *clientEntity) monitor() client.CommandMonitor {
	return client.MonitorFuncs{
		OnStarted: func(e client.CommandStartedEvent) {
			c.noteService(e)
			if e.CommandName == "configureFailPoint" {
				c.mu.Lock()
				c.failPointAddr = e.Address
				c.mu.Unlock()
			}
			if len(e.Command) <= 5 && !c.redact(e.RequestID) {
				return
			}
			c.record(event{kind: "commandStartedEvent", commandName: e.CommandName, databaseName: e.DatabaseName,
				doc: bytes.Clone(e.Command), serverConnID: e.ServerConnectionID, address: e.Address, serviceID: e.ServiceID != nil})
		},
		OnSucceeded: func(e client.CommandSucceededEvent) {
			if c.redacted(e.RequestID) {
				return
			}
			c.record(event{kind: "commandSucceededEvent", commandName: e.CommandName, databaseName: e.DatabaseName,
				doc: bytes.Clone(e.Reply), serverConnID: e.ServerConnectionID, address: e.Address, serviceID: e.ServiceID != nil})
		},
		OnFailed: func(e client.CommandFailedEvent) {
			if c.redacted(e.RequestID) {
				return
			}
			c.record(event{kind: "commandFailedEvent", commandName: e.CommandName, databaseName: e.DatabaseName,
				serverConnID: e.ServerConnectionID, address: e.Address, serviceID: e.ServiceID != nil})
		},
	}
}

// cmapKinds are the expectedEvent names of the CMAP events.
var cmapKinds = map[pool.EventType]string{
	pool.PoolCreated: "poolCreatedEvent", pool.PoolReady: "poolReadyEvent",
	pool.PoolCleared: "poolClearedEvent", pool.PoolClosed: "poolClosedEvent",
	pool.ConnectionCreated: "connectionCreatedEvent", pool.ConnectionReady: "connectionReadyEvent",
	pool.ConnectionClosed:          "connectionClosedEvent",
	pool.ConnectionCheckOutStarted: "connectionCheckOutStartedEvent",
	pool.ConnectionCheckOutFailed:  "connectionCheckOutFailedEvent",
	pool.ConnectionCheckedOut:      "connectionCheckedOutEvent",
	pool.ConnectionCheckedIn:       "connectionCheckedInEvent",
}

// poolMonitor records the client's CMAP events and counts the
// connections it has checked out.
func (c *clientEntity) poolMonitor(e pool.Event) {
	c.mu.Lock()
	switch e.Type {
	case pool.ConnectionCheckedOut:
		c.checkedOut++
	case pool.ConnectionCheckedIn:
		c.checkedOut--
	case pool.ConnectionReady:
		c.ready++
	}
	c.mu.Unlock()
	c.record(event{kind: cmapKinds[e.Type], address: e.Address, reason: e.Reason,
		serviceID: e.ServiceID != nil && !e.ServiceID.IsZero(), interrupt: e.InterruptInUse})
}

// redact notes a redacted command's request id and reports whether its
// events are recorded.
func (c *clientEntity) redact(id int64) bool {
	if c.sensitive {
		return true
	}
	c.mu.Lock()
	c.hidden[id] = true
	c.mu.Unlock()
	return false
}

// redacted reports (once) whether a reply answers a hidden command.
func (c *clientEntity) redacted(id int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	h := c.hidden[id]
	delete(c.hidden, id)
	return h
}

func (r *run) createClient(ctx context.Context, id string, spec bson.Raw) error {
	a := newArgs(spec)
	a.skip("id")
	multiple := a.boolPtr("useMultipleMongoses")
	ce := &clientEntity{observe: map[string]bool{}, ignore: map[string]bool{}, hidden: map[int64]bool{}, logs: newLogRecorder()}
	ce.sensitive = a.boolean("observeSensitiveCommands")
	for _, v := range a.array("observeEvents").All() {
		s, _ := v.StringValue()
		ce.observe[s] = true
	}
	for _, v := range a.array("ignoreCommandMonitoringEvents").All() {
		s, _ := v.StringValue()
		ce.ignore[s] = true
	}
	awaitPool := a.millis("awaitMinPoolSizeMS")
	uri, err := withURIOptions(r.tg.uri(multiple), a.doc("uriOptions"))
	if err != nil {
		return err
	}
	api, err := serverAPI(a.doc("serverApi"))
	if err != nil {
		return err
	}
	opts := client.Options{Monitor: ce.monitor(), PoolMonitor: ce.poolMonitor, SDAMListener: ce.sdamListener(), ServerAPI: api}
	if err := observeLogMessages(a.doc("observeLogMessages"), ce.logs, &opts); err != nil {
		return err
	}
	if err := a.done(); err != nil {
		return err
	}
	c, err := client.Connect(ctx, uri, opts)
	if err != nil {
		return err
	}
	ce.Client = c
	r.entities.clients[id] = ce
	if n := minPoolSize(a.doc("uriOptions")); awaitPool > 0 && n > 0 {
		return ce.awaitMinPoolSize(ctx, awaitPool, n)
	}
	return nil
}

// serverAPI reads a client entity's serverApi: version, strict,
// deprecationErrors.
func serverAPI(spec bson.Raw) (*client.ServerAPI, error) {
	if len(spec) == 0 {
		return nil, nil
	}
	a := newArgs(spec)
	api := &client.ServerAPI{Version: a.str("version"), Strict: a.boolean("strict"), DeprecationErrors: a.boolean("deprecationErrors")}
	return api, a.done()
}

// withURIOptions adds the uriOptions of a client entity to the URI's
// query, so that the client parses them as a user's URI would be.
func withURIOptions(uri string, opts bson.Raw) (string, error) {
	if len(opts) == 0 {
		return uri, nil
	}
	u, err := url.Parse(uri)
	if err != nil {
		return "", fmt.Errorf("test server URI: %w", err)
	}
	q := u.Query()
	for k, v := range opts.All() {
		switch v.Type {
		case bson.TypeString:
			s, _ := v.StringValue()
			q.Set(k, s)
		case bson.TypeBoolean:
			b, _ := v.Boolean()
			q.Set(k, strconv.FormatBool(b))
		case bson.TypeInt32, bson.TypeInt64, bson.TypeDouble:
			n, _ := v.AsInt64()
			q.Set(k, strconv.FormatInt(n, 10))
		default:
			return "", fmt.Errorf("uriOptions.%s: unsupported value %s", k, v)
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}
