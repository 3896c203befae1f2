package mongotest

import (
	"slices"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/mongotest/internal/engine"
	"github.com/torque-go/torque/mongotest/internal/store"
)

func init() {
	commands["aggregate"] = cmdSpec{run: (*Server).aggregate, fields: []string{"pipeline", "cursor", "allowDiskUse",
		"bypassDocumentValidation", "hint", "let", "explain", "collation"}}
	commands["count"] = cmdSpec{run: (*Server).count, fields: []string{"query", "limit", "skip", "hint", "fields", "collation"}}
	commands["distinct"] = cmdSpec{run: (*Server).distinct, fields: []string{"key", "query", "hint", "collation"}}
}

func (s *Server) aggregate(c *command) (bson.D, error) {
	coll := ""
	if name, ok := c.body[0].Value.(string); ok {
		var err error
		if coll, err = c.collName(); err != nil {
			return nil, err
		}
		_ = name
	} else if n, ok := asInt(c.body[0].Value); !ok || n != 1 {
		return nil, cmdErrorf(73, "InvalidNamespace", "collection name has invalid type %s", typeName(c.body[0].Value))
	}
	if c.get("explain") != nil {
		return nil, unsupported("explain")
	}
	stages, err := pipelineStages(c.get("pipeline"), "aggregate.pipeline")
	if err == nil {
		err = searchStages(stages) // search_indexes.go
	}
	if err != nil {
		return nil, err
	}
	if c.get("pipeline") == nil {
		return nil, cmdErrorf(40414, "Location40414", "BSON field 'aggregate.pipeline' is missing but a required field")
	}
	cur, err := c.optDoc("cursor")
	if err != nil {
		return nil, err
	}
	if c.get("cursor") == nil {
		return nil, cmdErrorf(9, "FailedToParse", "The 'cursor' option is required, except for aggregate with the explain argument")
	}
	batchSize := int64(101)
	if v := lookup(cur, "batchSize"); v != nil {
		if batchSize, _ = asInt(v); batchSize < 0 {
			return nil, badValue("batchSize must be non-negative")
		}
	}
	if err := s.checkHint(c, coll); err != nil {
		return nil, err
	}
	vars, err := c.vars(s)
	if err != nil {
		return nil, err
	}
	var input []bson.D
	if len(stages) > 0 && len(stages[0]) == 1 && stages[0][0].Key == "$listLocalSessions" {
		if coll != "" {
			return nil, cmdErrorf(73, "InvalidNamespace", "$listLocalSessions must be run as {aggregate: 1}")
		}
		if input, err = s.local.list(stages[0][0].Value, c.conn.user); err != nil {
			return nil, err
		}
		stages = stages[1:]
	}
	p, err := engine.CompilePipeline(stages, engine.Env{DB: c.db, Vars: vars, Catalog: catalog{s}})
	if err != nil {
		return nil, err
	}
	if coll != "" {
		if input, err = s.collDocs(c.db, coll); err != nil {
			return nil, err
		}
	}
	out, err := p.Run(input)
	if err != nil {
		return nil, err
	}
	ns := c.db + "." + coll
	if coll == "" {
		ns = c.db + ".$cmd.aggregate"
	}
	if o := p.Output(); o != nil {
		bypass, _ := c.optBool("bypassDocumentValidation", false)
		if err := s.writeOutput(c.db, o, out, bypass); err != nil {
			return nil, err
		}
		return cursorReply("firstBatch", bson.A{}, 0, ns), nil
	}
	n := int(batchSize)
	if batchSize == 0 {
		id := s.cursors.open(ns, out, c.owner())
		return cursorReply("firstBatch", bson.A{}, id, ns), nil
	}
	return s.firstBatch(c, ns, out, n, false), nil
}

// writeOutput carries out a final $out or $merge.
func (s *Server) writeOutput(db string, o *engine.Output, docs []bson.D, bypass bool) error {
	if o.DB == "" {
		o.DB = db
	}
	if err := s.checkWritable(o.DB, o.Coll); err != nil {
		return err
	}
	if !o.Merge {
		return s.writeOut(o, docs, bypass)
	}
	if o.WhenMatched == "pipeline" {
		return unsupported("$merge with a whenMatched pipeline")
	}
	_, err := s.store.Write(func(tx *store.Tx) error {
		for _, d := range docs {
			if err := s.mergeOne(tx, o, withIDFirst(d), bypass); err != nil {
				return err
			}
		}
		return nil
	})
	return err
}

// writeOut replaces the target's documents with docs ($out), keeping its
// indexes; all or nothing.
func (s *Server) writeOut(o *engine.Output, docs []bson.D, bypass bool) error {
	_, err := s.store.Write(func(tx *store.Tx) error {
		if cl := tx.Reader().Coll(o.DB, o.Coll); cl != nil {
			for _, d := range cl.Docs() {
				if err := tx.Delete(o.DB, o.Coll, d); err != nil {
					return err
				}
			}
		} else if err := tx.CreateCollection(o.DB, o.Coll, nil); err != nil {
			return err
		}
		for _, d := range docs {
			if err := s.insertOne(tx, o.DB, o.Coll, d, bypass); err != nil {
				return err
			}
		}
		return nil
	})
	return err
}

// mergeOne merges one document into $merge's target.
func (s *Server) mergeOne(tx *store.Tx, o *engine.Output, d bson.D, bypass bool) error {
	on := o.On
	if len(on) == 0 {
		on = []string{"_id"}
	}
	filter := bson.D{}
	for _, f := range on {
		vals := store.PathValues(d, f)
		if len(vals) != 1 {
			return cmdErrorf(51132, "Location51132", "$merge write error: 'on' field '%s' cannot be missing, null, undefined or an array", f)
		}
		filter = append(filter, bson.KV(f, vals[0]))
	}
	q, err := compileQuery(filter, engine.Vars{})
	if err != nil {
		return err
	}
	ms, err := q.inColl(tx.Reader().Coll(o.DB, o.Coll), 1)
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		switch o.WhenNotMatched {
		case "discard":
			return nil
		case "fail":
			return cmdErrorf(13113, "MergeStageNoMatchingDocument", "$merge could not find a matching document in the target collection for at least one document in the source collection")
		}
		return s.insertOne(tx, o.DB, o.Coll, d, bypass)
	}
	old := ms[0].doc
	var next bson.D
	switch o.WhenMatched {
	case "keepExisting":
		return nil
	case "fail":
		return store.IDIndexDup(o.DB+"."+o.Coll, lookup(d, "_id"))
	case "replace":
		next = d
	default: // merge
		next = slices.Clone(old)
		for _, e := range d {
			next = setField(next, e.Key, e.Value)
		}
	}
	next = setField(slices.Clone(next), "_id", lookup(old, "_id"))
	return tx.Replace(o.DB, o.Coll, old, withIDFirst(next), nil)
}

func (s *Server) count(c *command) (bson.D, error) {
	coll, err := c.collName()
	if err != nil {
		return nil, err
	}
	filter, err := c.optDoc("query")
	if err != nil {
		return nil, err
	}
	skip, err := c.optInt("skip", 0)
	if err != nil {
		return nil, err
	}
	limit, err := c.optInt("limit", 0)
	if err != nil {
		return nil, err
	}
	if skip < 0 {
		return nil, badValue("skip value is negative in count query")
	}
	if limit < 0 {
		limit = -limit
	}
	if err := s.checkHint(c, coll); err != nil {
		return nil, err
	}
	vars, err := c.vars(s)
	if err != nil {
		return nil, err
	}
	q, err := compileQuery(filter, vars)
	if err != nil {
		return nil, err
	}
	var n int64
	if len(filter) == 0 && !s.isView(c.db, coll) {
		s.store.View(func(r store.Reader) {
			if cl := r.Coll(c.db, coll); cl != nil {
				n = int64(cl.Len())
			}
		})
	} else {
		ms, err := s.matchIn(c.db, coll, q, 0)
		if err != nil {
			return nil, err
		}
		n = int64(len(ms))
	}
	n = max(n-skip, 0)
	if limit > 0 && n > limit {
		n = limit
	}
	return bson.D{bson.KV("n", int32(n))}, nil
}

func (s *Server) distinct(c *command) (bson.D, error) {
	coll, err := c.collName()
	if err != nil {
		return nil, err
	}
	key, ok := c.get("key").(string)
	if !ok {
		return nil, typeMismatch("distinct.key", "string", c.get("key"))
	}
	filter, err := c.optDoc("query")
	if err != nil {
		return nil, err
	}
	vars, err := c.vars(s)
	if err != nil {
		return nil, err
	}
	q, err := compileQuery(filter, vars)
	if err != nil {
		return nil, err
	}
	ms, err := s.matchIn(c.db, coll, q, 0)
	if err != nil {
		return nil, err
	}
	var vals []any
	seen := map[string]bool{}
	for _, m := range ms {
		for _, v := range store.PathValues(m.doc, key) {
			if _, undef := v.(bson.Undefined); undef {
				continue
			}
			if k := store.Key(v); !seen[k] {
				seen[k] = true
				vals = append(vals, v)
			}
		}
	}
	collation := vars.Collation()
	slices.SortStableFunc(vals, func(a, b any) int { return engine.CompareWith(collation, a, b) })
	if collation != nil { // values equal under the collation: the first one seen
		vals = slices.CompactFunc(vals, func(a, b any) bool { return engine.EqualWith(collation, a, b) })
	}
	return bson.D{bson.KV("values", append(bson.A{}, vals...))}, nil
}
