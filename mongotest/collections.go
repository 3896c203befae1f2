package mongotest

import (
	"strings"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/mongotest/internal/engine"
	"github.com/torque-go/torque/mongotest/internal/store"
)

func init() {
	commands["create"] = cmdSpec{run: (*Server).create, fields: []string{"capped", "size", "max", "validator",
		"validationLevel", "validationAction", "viewOn", "pipeline", "changeStreamPreAndPostImages",
		"storageEngine", "indexOptionDefaults", "expireAfterSeconds", "clusteredIndex", "timeseries", "autoIndexId", "collation"}}
	commands["drop"] = cmdSpec{run: (*Server).drop, fields: []string{}}
	commands["dropDatabase"] = cmdSpec{run: (*Server).dropDatabase, fields: []string{}}
	commands["listDatabases"] = cmdSpec{run: (*Server).listDatabases, fields: []string{"filter", "nameOnly", "authorizedDatabases"}}
	commands["listCollections"] = cmdSpec{run: (*Server).listCollections, fields: []string{"filter", "nameOnly", "authorizedCollections", "cursor"}}
	commands["renameCollection"] = cmdSpec{run: (*Server).renameCollection, fields: []string{"to", "dropTarget", "stayTemp"}}
	commands["collMod"] = cmdSpec{run: (*Server).collMod, fields: []string{"validator", "validationLevel",
		"validationAction", "changeStreamPreAndPostImages", "viewOn", "pipeline", "index", "expireAfterSeconds"}}
}

func (s *Server) create(c *command) (bson.D, error) {
	coll, err := c.collName()
	if err != nil {
		return nil, err
	}
	if err := checkCreateTTL(c); err != nil {
		return nil, err
	}
	clean := bson.D{}
	for _, e := range c.body[1:] {
		if !genericFields[e.Key] {
			clean = append(clean, e)
		}
	}
	if clean, _, err = normalizeCollation(clean); err != nil {
		return nil, err
	}
	if c.get("timeseries") != nil {
		return s.createTimeseries(c, coll, clean)
	}
	if ci := c.get("clusteredIndex"); ci != nil {
		spec, err := clusteredIndexOption(ci)
		if err != nil {
			return nil, err
		}
		clean = setField(clean, "clusteredIndex", spec)
	}
	if on := c.get("viewOn"); on != nil {
		if _, ok := on.(string); !ok {
			return nil, typeMismatch("create.viewOn", "string", on)
		}
		if _, err := pipelineStages(c.get("pipeline"), "create.pipeline"); err != nil {
			return nil, err
		}
	} else if c.get("pipeline") != nil {
		return nil, badValue("'pipeline' requires 'viewOn' to also be specified")
	}
	if capped, _ := c.optBool("capped", false); capped && c.get("size") == nil {
		return nil, badValue("the 'size' field is required when 'capped' is true")
	}
	if v, err := c.optDoc("validator"); err != nil {
		return nil, err
	} else if len(v) > 0 {
		if _, err := engine.CompileFilter(v, engine.Vars{}); err != nil {
			return nil, err
		}
	}
	_, err = s.store.Write(func(tx *store.Tx) error { return tx.CreateCollection(c.db, coll, clean) })
	return bson.D{}, err
}

func (s *Server) drop(c *command) (bson.D, error) {
	coll, err := c.collName()
	if err != nil {
		return nil, err
	}
	var nIndexes int32
	_, err = s.store.Write(func(tx *store.Tx) error {
		cl := tx.Reader().Coll(c.db, coll)
		if cl != nil {
			nIndexes = int32(len(cl.Indexes()))
		}
		if err := tx.DropCollection(c.db, coll); err != nil {
			return err
		}
		if cl != nil && cl.IsView() && cl.Option("timeseries") != nil { // and its buckets
			if err := tx.DropCollection(c.db, bucketsPrefix+coll); err != nil && asCmdError(err).Code != 26 {
				return err
			}
		}
		return nil
	})
	if err != nil {
		// MongoDB 7.0+ answers ok for a collection that does not exist.
		if ce := asCmdError(err); ce.Code == 26 {
			return bson.D{}, nil
		}
		return nil, err
	}
	return bson.D{bson.KV("nIndexesWas", nIndexes), bson.KV("ns", c.db+"."+coll)}, nil
}

func (s *Server) dropDatabase(c *command) (bson.D, error) {
	_, err := s.store.Write(func(tx *store.Tx) error { return tx.DropDatabase(c.db) })
	if err != nil {
		return nil, err
	}
	return bson.D{bson.KV("dropped", c.db)}, nil
}

func (s *Server) listDatabases(c *command) (bson.D, error) {
	if c.db != "admin" {
		return nil, cmdErrorf(13, "Unauthorized", "listDatabases may only be run against the admin database.")
	}
	filter, err := c.optDoc("filter")
	if err != nil {
		return nil, err
	}
	nameOnly, err := c.optBool("nameOnly", false)
	if err != nil {
		return nil, err
	}
	var q *query
	if len(filter) > 0 {
		if q, err = compileQuery(filter, engine.Vars{}); err != nil {
			return nil, err
		}
	}
	dbs := bson.A{}
	var total int64
	s.store.View(func(r store.Reader) {
		for _, name := range r.DBs() {
			var size int64
			for _, cl := range r.Colls(name) {
				cl.All(func(d bson.D) bool { size += int64(docSize(d)); return true })
			}
			d := bson.D{bson.KV("name", name)}
			if !nameOnly {
				d = append(d, bson.KV("sizeOnDisk", size), bson.KV("empty", size == 0))
			}
			if q != nil {
				if _, ok, err2 := q.f.Match(d); err2 != nil || !ok {
					err = err2
					continue
				}
			}
			total += size
			dbs = append(dbs, d)
		}
	})
	if err != nil {
		return nil, err
	}
	if nameOnly {
		return bson.D{bson.KV("databases", dbs)}, nil
	}
	return bson.D{bson.KV("databases", dbs), bson.KV("totalSize", total), bson.KV("totalSizeMb", total>>20)}, nil
}

func (s *Server) listCollections(c *command) (bson.D, error) {
	filter, err := c.optDoc("filter")
	if err != nil {
		return nil, err
	}
	nameOnly, err := c.optBool("nameOnly", false)
	if err != nil {
		return nil, err
	}
	cur, err := c.optDoc("cursor")
	if err != nil {
		return nil, err
	}
	batchSize := int64(0)
	if bs, ok := asInt(lookup(cur, "batchSize")); ok {
		batchSize = bs
	}
	var q *query
	if len(filter) > 0 {
		if q, err = compileQuery(filter, engine.Vars{}); err != nil {
			return nil, err
		}
	}
	var docs []bson.D
	s.store.View(func(r store.Reader) {
		for _, cl := range r.Colls(c.db) {
			docs = append(docs, collInfo(cl, nameOnly))
		}
	})
	if q != nil {
		ms, err := q.inDocs(docs, 0)
		if err != nil {
			return nil, err
		}
		docs = docs[:0]
		for _, m := range ms {
			docs = append(docs, m.doc)
		}
	}
	return s.firstBatch(c, c.db+".$cmd.listCollections", docs, int(batchSize), false), nil
}

// collInfo is a collection's listCollections entry.
func collInfo(cl *store.Collection, nameOnly bool) bson.D {
	if cl.IsView() && cl.Option("timeseries") != nil {
		return timeseriesInfo(cl, nameOnly)
	}
	typ := "collection"
	if cl.IsView() {
		typ = "view"
	}
	if nameOnly {
		return bson.D{bson.KV("name", cl.Name), bson.KV("type", typ)}
	}
	opts := append(bson.D{}, cl.Options...)
	d := bson.D{bson.KV("name", cl.Name), bson.KV("type", typ), bson.KV("options", opts)}
	if cl.IsView() {
		return append(d, bson.KV("info", bson.D{bson.KV("readOnly", true)}))
	}
	d = append(d, bson.KV("info", bson.D{bson.KV("readOnly", false), bson.KV("uuid", cl.UUID)}))
	if cl.Option("clusteredIndex") != nil { // no _id index of its own
		return d
	}
	return append(d, bson.KV("idIndex", store.IDIndex().Spec))
}

func (s *Server) renameCollection(c *command) (bson.D, error) {
	if c.db != "admin" {
		return nil, cmdErrorf(13, "Unauthorized", "renameCollection may only be run against the admin database.")
	}
	from, ok := c.body[0].Value.(string)
	if !ok {
		return nil, typeMismatch("renameCollection.renameCollection", "string", c.body[0].Value)
	}
	to, ok := c.get("to").(string)
	if !ok {
		return nil, typeMismatch("renameCollection.to", "string", c.get("to"))
	}
	dropTarget, err := c.optBool("dropTarget", false)
	if err != nil {
		return nil, err
	}
	fdb, fcoll, ok1 := strings.Cut(from, ".")
	tdb, tcoll, ok2 := strings.Cut(to, ".")
	if !ok1 || !ok2 || fcoll == "" || tcoll == "" {
		return nil, cmdErrorf(73, "InvalidNamespace", "Invalid namespace specified '%s'", to)
	}
	if s.timeseriesOf(fdb, fcoll) != nil {
		return nil, unsupported("renaming the time-series collection " + from)
	}
	_, err = s.store.Write(func(tx *store.Tx) error { return tx.Rename(fdb, fcoll, tdb, tcoll, dropTarget) })
	return bson.D{}, err
}

func (s *Server) collMod(c *command) (bson.D, error) {
	coll, err := c.collName()
	if err != nil {
		return nil, err
	}
	var mod *indexMod
	if v := c.get("index"); v != nil {
		m, err := parseIndexMod(v)
		if err != nil {
			return nil, err
		}
		mod = &m
	}
	reply := bson.D{}
	_, err = s.store.Write(func(tx *store.Tx) error {
		cl := tx.Reader().Coll(c.db, coll)
		if cl == nil {
			return cmdErrorf(26, "NamespaceNotFound", "ns does not exist: %s.%s", c.db, coll)
		}
		opts := append(bson.D{}, cl.Options...)
		changed := false
		for _, e := range c.body[1:] {
			if genericFields[e.Key] || e.Key == "index" {
				continue
			}
			opts, changed = setField(opts, e.Key, e.Value), true
		}
		if mod != nil {
			var err error
			if reply, err = collModIndex(tx, c.db, coll, *mod, c.body); err != nil || !changed {
				return err
			}
		}
		return tx.SetOptions(c.db, coll, opts, c.body)
	})
	return reply, err
}

// setField returns d with key set to v (replaced in place, else appended).
func setField(d bson.D, key string, v any) bson.D {
	for i, e := range d {
		if e.Key == key {
			d[i].Value = v
			return d
		}
	}
	return append(d, bson.KV(key, v))
}
