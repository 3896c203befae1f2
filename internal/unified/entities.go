package unified

import (
	"context"
	"fmt"
	"strconv"
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
	cursors  map[string]cursorEntity
	// endedLsids keeps the lsids of ended sessions for $$sessionLsid.
	endedLsids map[string]bson.Raw
	// unavailable holds the entities torque cannot make (a client with
	// serverApi), and why: a test fails only if it uses one.
	unavailable map[string]error
	values      map[string]bson.RawValue
	threads     map[string]*threadEntity
	topologies  map[string]topology.TopologyDescription // recordTopologyDescription
}

func newEntityMap() *entityMap {
	return &entityMap{clients: map[string]*clientEntity{}, dbs: map[string]*client.Database{},
		colls: map[string]*collEntity{}, buckets: map[string]*gridfs.Bucket{},
		sessions: map[string]*client.Session{}, cursors: map[string]cursorEntity{}, unavailable: map[string]error{}, endedLsids: map[string]bson.Raw{}, values: map[string]bson.RawValue{},
		threads: map[string]*threadEntity{}, topologies: map[string]topology.TopologyDescription{}}
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
	for _, parent := range []string{"client", "database"} {
		if p, ok := spec.Lookup(parent).StringValue(); ok && em.unavailable[p] != nil {
			return em.unavailable[p]
		}
	}
	return nil
}

func (em *entityMap) close(ctx context.Context) {
	for _, th := range em.threads {
		th.stop()
	}
	for _, c := range em.cursors {
		_ = c.Close(ctx)
	}
	for _, s := range em.sessions {
		s.EndSession(ctx)
	}
	for _, c := range em.clients {
		_ = c.Disconnect(ctx)
	}
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
		case "thread":
			err = r.createThread(ctx, id, spec)
		default:
			err = fmt.Errorf("unsupported entity type %q", el.Key())
		}
		if err != nil {
			return fmt.Errorf("createEntities[%d] %s %q: %w", i, el.Key(), id, err)
		}
	}
	return nil
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
		p, err := readPref(rp)
		if err != nil {
			return o, false, err
		}
		o.ReadPreference = &p
	}
	o.Timeout = entityTimeout(a, "timeoutMS")
	return o, unack, a.done()
}

// readPref reads a readPreference document: mode, tagSets,
// maxStalenessSeconds.
func readPref(rp bson.Raw) (client.ReadPref, error) {
	mode, _ := rp.Lookup("mode").StringValue()
	m, ok := topology.ParseMode(mode)
	if !ok {
		return client.ReadPref{}, fmt.Errorf("readPreference: unknown mode %q", mode)
	}
	p := client.ReadPref{Mode: m}
	if s, ok := rp.Lookup("maxStalenessSeconds").AsInt64(); ok {
		p.MaxStaleness = time.Duration(s) * time.Second
	}
	sets, _ := rp.Lookup("tagSets").Array()
	for _, v := range sets.All() {
		doc, ok := v.Document()
		if !ok {
			return client.ReadPref{}, fmt.Errorf("readPreference: tagSets: %s is not a document", v)
		}
		ts := topology.TagSet{}
		for k, tv := range doc.All() {
			s, _ := tv.StringValue()
			ts = append(ts, topology.Tag{Key: k, Value: s})
		}
		p.TagSets = append(p.TagSets, ts)
	}
	return p, nil
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
