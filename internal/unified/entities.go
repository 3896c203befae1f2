package unified

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/gridfs"
	"github.com/torque-go/torque/topology"
)

// entityMap holds one test's entities by id: clients, databases,
// collections and the BSON values saved with saveResultAsEntity.
type entityMap struct {
	clients  map[string]*clientEntity
	dbs      map[string]*client.Database
	colls    map[string]*collEntity
	buckets  map[string]*gridfs.Bucket
	sessions map[string]*client.Session
	// endedLsids keeps the lsids of ended sessions for $$sessionLsid.
	endedLsids map[string]bson.Raw
	// unavailable holds the entities torque cannot make (a client with
	// serverApi), and why: a test fails only if it uses one.
	unavailable map[string]error
	values      map[string]bson.RawValue
}

func newEntityMap() *entityMap {
	return &entityMap{clients: map[string]*clientEntity{}, dbs: map[string]*client.Database{},
		colls: map[string]*collEntity{}, buckets: map[string]*gridfs.Bucket{},
		sessions: map[string]*client.Session{}, unavailable: map[string]error{}, endedLsids: map[string]bson.Raw{}, values: map[string]bson.RawValue{}}
}

// collEntity is a collection and whether its write concern is w: 0,
// whose results the format leaves unset.
type collEntity struct {
	*client.Collection
	unacknowledged bool
}

func (em *entityMap) value(name string) (bson.RawValue, error) {
	v, ok := em.values[name]
	if !ok {
		return v, fmt.Errorf("no BSON entity %q", name)
	}
	return v, nil
}

// unmakeable reports why an entity cannot be made: it asks for what
// torque lacks, or hangs off such an entity.
func (em *entityMap) unmakeable(spec bson.Raw) error {
	if !spec.Lookup("serverApi").IsZero() {
		return errNoServerAPI
	}
	for _, parent := range []string{"client", "database"} {
		if p, ok := spec.Lookup(parent).StringValue(); ok && em.unavailable[p] != nil {
			return em.unavailable[p]
		}
	}
	return nil
}

// errNoServerAPI: torque has no Stable API option.
var errNoServerAPI = errors.New("runner: torque API lacks serverApi (the Stable API: apiVersion, apiStrict)")

func (em *entityMap) close(ctx context.Context) {
	for _, s := range em.sessions {
		s.EndSession(ctx)
	}
	for _, c := range em.clients {
		_ = c.Disconnect(ctx)
	}
}

// event is one recorded command monitoring event.
type event struct {
	kind         string // "commandStartedEvent", "commandSucceededEvent", "commandFailedEvent"
	commandName  string
	databaseName string
	doc          bson.Raw // the command, or the reply; a copy
	serverConnID int64
}

// clientEntity is a client whose command events the test observes.
type clientEntity struct {
	*client.Client
	observe map[string]bool // event kinds to record
	ignore  map[string]bool // command names not to record
	// sensitive records redacted commands (observeSensitiveCommands).
	sensitive bool

	mu     sync.Mutex
	events []event
	hidden map[int64]bool // request ids of redacted commands not recorded
}

func (c *clientEntity) record(e event) {
	if !c.observe[e.kind] || c.ignore[e.commandName] {
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
			if len(e.Command) <= 5 && !c.redact(e.RequestID) {
				return
			}
			c.record(event{"commandStartedEvent", e.CommandName, e.DatabaseName, bytes.Clone(e.Command), e.ServerConnectionID})
		},
		OnSucceeded: func(e client.CommandSucceededEvent) {
			if c.redacted(e.RequestID) {
				return
			}
			c.record(event{"commandSucceededEvent", e.CommandName, e.DatabaseName, bytes.Clone(e.Reply), e.ServerConnectionID})
		},
		OnFailed: func(e client.CommandFailedEvent) {
			if c.redacted(e.RequestID) {
				return
			}
			c.record(event{"commandFailedEvent", e.CommandName, e.DatabaseName, nil, e.ServerConnectionID})
		},
	}
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

// createEntities builds the entities of createEntities, in order.
func (r *run) createEntities(ctx context.Context, list bson.RawArray) error {
	for i, v := range list.All() {
		doc, _ := v.Document()
		el, err := doc.Index(0)
		if err != nil {
			return fmt.Errorf("createEntities[%d]: %w", i, err)
		}
		spec, _ := el.Value().Document()
		id, _ := spec.Lookup("id").StringValue()
		if why := r.entities.unmakeable(spec); why != nil {
			r.entities.unavailable[id] = why
			continue
		}
		switch el.Key() {
		case "client":
			err = r.createClient(ctx, id, spec)
		case "database":
			err = r.createDatabase(id, spec)
		case "collection":
			err = r.createCollection(id, spec)
		case "bucket":
			err = r.createBucket(id, spec)
		case "session":
			err = r.createSession(id, spec)
		default:
			err = fmt.Errorf("unsupported entity type %q", el.Key())
		}
		if err != nil {
			return fmt.Errorf("createEntities[%d] %s %q: %w", i, el.Key(), id, err)
		}
	}
	return nil
}

func (r *run) createClient(ctx context.Context, id string, spec bson.Raw) error {
	a := newArgs(spec)
	a.skip("id")
	multiple := a.boolPtr("useMultipleMongoses")
	ce := &clientEntity{observe: map[string]bool{}, ignore: map[string]bool{}, hidden: map[int64]bool{}}
	ce.sensitive = a.boolean("observeSensitiveCommands")
	for _, v := range a.array("observeEvents").All() {
		s, _ := v.StringValue()
		ce.observe[s] = true
	}
	for _, v := range a.array("ignoreCommandMonitoringEvents").All() {
		s, _ := v.StringValue()
		ce.ignore[s] = true
	}
	uri, err := withURIOptions(r.tg.uri(multiple), a.doc("uriOptions"))
	if err != nil {
		return err
	}
	if err := a.done(); err != nil {
		return err
	}
	c, err := client.Connect(ctx, uri, client.Options{Monitor: ce.monitor()})
	if err != nil {
		return err
	}
	ce.Client = c
	r.entities.clients[id] = ce
	return nil
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

func (r *run) createDatabase(id string, spec bson.Raw) error {
	a := newArgs(spec)
	a.skip("id")
	name := a.str("client")
	c, ok := r.entities.clients[name]
	if !ok {
		return fmt.Errorf("no client entity %q", name)
	}
	db := a.str("databaseName")
	opts, _, err := collectionOptions(a.doc("databaseOptions"))
	if err != nil {
		return err
	}
	if err := a.done(); err != nil {
		return err
	}
	r.entities.dbs[id] = c.Database(db, opts)
	return nil
}

func (r *run) createCollection(id string, spec bson.Raw) error {
	a := newArgs(spec)
	a.skip("id")
	name := a.str("database")
	db, ok := r.entities.dbs[name]
	if !ok {
		return fmt.Errorf("no database entity %q", name)
	}
	coll := a.str("collectionName")
	opts, unack, err := collectionOptions(a.doc("collectionOptions"))
	if err != nil {
		return err
	}
	if err := a.done(); err != nil {
		return err
	}
	r.entities.colls[id] = &collEntity{db.Collection(coll, opts), unack}
	return nil
}

// collectionOptions reads databaseOptions or collectionOptions: read
// concern, write concern, read preference. unack reports w: 0.
func collectionOptions(doc bson.Raw) (o client.CollectionOptions, unack bool, err error) {
	a := newArgs(doc)
	if rc := a.doc("readConcern"); rc != nil {
		level, _ := rc.Lookup("level").StringValue()
		o.ReadConcern = &client.ReadConcern{Level: level}
	}
	if wc := a.doc("writeConcern"); wc != nil {
		w := writeConcern(wc)
		o.WriteConcern = &w
		unack = w.W == "0"
	}
	if rp := a.doc("readPreference"); rp != nil {
		mode, _ := rp.Lookup("mode").StringValue()
		m, ok := topology.ParseMode(mode)
		if !ok {
			return o, false, fmt.Errorf("readPreference: unknown mode %q", mode)
		}
		p := client.ReadPref{Mode: m}
		if s, ok := rp.Lookup("maxStalenessSeconds").AsInt64(); ok {
			p.MaxStaleness = time.Duration(s) * time.Second
		}
		o.ReadPreference = &p
	}
	return o, unack, a.done()
}

func writeConcern(doc bson.Raw) client.WriteConcern {
	var wc client.WriteConcern
	w := doc.Lookup("w")
	if s, ok := w.StringValue(); ok {
		wc.W = s
	} else if n, ok := w.AsInt64(); ok {
		wc.W = strconv.FormatInt(n, 10)
	}
	if ms, ok := doc.Lookup("wtimeoutMS").AsInt64(); ok {
		wc.WTimeout = time.Duration(ms) * time.Millisecond
	}
	if j, ok := doc.Lookup("journal").Boolean(); ok {
		wc.Journal = &j
	}
	return wc
}
