package mongotest

import (
	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/mongotest/internal/engine"
	"github.com/torque-go/torque/mongotest/internal/store"
)

func init() {
	commands["find"] = cmdSpec{run: (*Server).find, fields: []string{"filter", "projection", "sort", "skip",
		"limit", "batchSize", "singleBatch", "let", "hint", "allowDiskUse", "noCursorTimeout",
		"allowPartialResults", "readOnce", "maxScan", "collation", "tailable", "awaitData",
		"returnKey", "showRecordId", "min", "max"}}
	refused["oplogReplay"] = true
}

// findArgs are the options find shares with count and findAndModify.
type findArgs struct {
	filter, projection, sort bson.D
	skip, limit, batchSize   int64
	single                   bool
}

func (c *command) findArgs() (a findArgs, err error) {
	if a.filter, err = c.optDoc("filter"); err != nil {
		return a, err
	}
	if a.projection, err = c.optDoc("projection"); err != nil {
		return a, err
	}
	if a.sort, err = c.optDoc("sort"); err != nil {
		return a, err
	}
	if a.skip, err = c.optInt("skip", 0); err != nil {
		return a, err
	}
	if a.skip < 0 {
		return a, badValue("skip value must be non-negative, but received: %d", a.skip)
	}
	if a.limit, err = c.optInt("limit", 0); err != nil {
		return a, err
	}
	if a.limit < 0 {
		return a, badValue("limit value must be non-negative, but received: %d", a.limit)
	}
	if a.batchSize, err = c.optInt("batchSize", 101); err != nil {
		return a, err
	}
	if a.batchSize < 0 {
		return a, badValue("batchSize value must be non-negative, but received: %d", a.batchSize)
	}
	a.single, err = c.optBool("singleBatch", false)
	return a, err
}

func (s *Server) find(c *command) (bson.D, error) {
	coll, err := c.collName()
	if err != nil {
		return nil, err
	}
	a, err := c.findArgs()
	if err != nil {
		return nil, err
	}
	if err := s.checkHint(c, coll); err != nil {
		return nil, err
	}
	vars, err := c.vars(s)
	if err != nil {
		return nil, err
	}
	if tailable, await, err := c.tailArgs(a); err != nil {
		return nil, err
	} else if tailable {
		return s.tailableFind(c, coll, a, await, vars)
	}
	ko, err := c.keyOptions()
	if err != nil {
		return nil, err
	}
	var docs []bson.D
	if ko.any() {
		docs, err = s.runFindKeyed(c, coll, a, vars, ko) // find_keys.go
	} else {
		docs, err = s.runFind(c.db, coll, a, vars)
	}
	if err != nil {
		return nil, err
	}
	n := int(a.batchSize)
	if a.batchSize == 0 && c.get("batchSize") != nil {
		n = -1 // batchSize 0: an empty first batch, the cursor open
	}
	if a.limit > 0 && (n <= 0 || int64(n) > a.limit) && n != -1 {
		n = int(a.limit)
	}
	if n == -1 {
		id := s.cursors.open(c.db+"."+coll, docs, c.owner())
		return cursorReply("firstBatch", bson.A{}, id, c.db+"."+coll), nil
	}
	return s.firstBatch(c, c.db+"."+coll, docs, n, a.single || a.limit > 0 && int64(len(docs)) <= int64(n)), nil
}

// runFind is a find's whole result: filter, sort, skip, limit, projection.
func (s *Server) runFind(db, coll string, a findArgs, vars engine.Vars) ([]bson.D, error) {
	q, err := compileQuery(a.filter, vars)
	if err != nil {
		return nil, err
	}
	var sortSpec *engine.Sort
	if len(a.sort) > 0 {
		if sortSpec, err = engine.CompileSort(a.sort); err != nil {
			return nil, err
		}
		sortSpec = sortSpec.WithCollation(vars.Collation())
	}
	var proj *engine.Projection
	if len(a.projection) > 0 {
		if proj, err = engine.CompileProjection(a.projection, vars); err != nil {
			return nil, err
		}
	}
	limit := 0
	if sortSpec == nil && a.limit > 0 {
		limit = int(a.skip + a.limit)
	}
	ms, err := s.matchIn(db, coll, q, limit)
	if err != nil {
		return nil, err
	}
	sortMatches(ms, sortSpec)
	if int64(len(ms)) <= a.skip {
		return nil, nil
	}
	ms = ms[a.skip:]
	if a.limit > 0 && int64(len(ms)) > a.limit {
		ms = ms[:a.limit]
	}
	out := make([]bson.D, len(ms))
	for i, m := range ms {
		out[i] = m.doc
		if proj != nil {
			if out[i], err = proj.Apply(m.doc, m.info); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// checkHint refuses a hint that names no index of db.coll, as mongod does.
func (s *Server) checkHint(c *command, coll string) error {
	h := c.get("hint")
	if h == nil {
		return nil
	}
	if err := s.hintExists(c.db, coll, h); err != nil {
		return err
	}
	if strict, _ := c.get("apiStrict").(bool); strict && s.hintsSparse(c.db, coll, h) {
		// A sparse index is outside API version 1: the planner does not
		// see it under apiStrict (stable_api.go).
		return badValue("error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index")
	}
	return nil
}

// hintsSparse reports whether hint names a sparse index of db.coll.
func (s *Server) hintsSparse(db, coll string, hint any) (sparse bool) {
	s.store.View(func(r store.Reader) {
		cl := r.Coll(db, coll)
		if cl == nil {
			return
		}
		for _, ix := range cl.Indexes() {
			name, isName := hint.(string)
			key, _ := hint.(bson.D)
			if isName && ix.Name == name || !isName && store.Key(ix.Key) == store.Key(key) {
				sparse = ix.Sparse
			}
		}
	})
	return sparse
}
