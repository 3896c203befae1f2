package mongotest

import (
	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/mongotest/internal/engine"
	"github.com/torque-go/torque/mongotest/internal/store"
)

// This file holds collations: a command's (find, aggregate, count,
// distinct, findAndModify), an update or delete statement's, a
// collection's default (create) and an index's (createIndexes). The
// engine compares strings by them (engine/collation.go says how closely
// that follows ICU).

// collation is the collation of command c: v (its collation field, or an
// update or delete statement's) when given, else the default collation
// of the collection c names; nil is simple.
func (s *Server) collation(c *command, v any) (*engine.Collation, error) {
	if v != nil {
		return engine.ParseCollation(v)
	}
	coll, ok := c.body[0].Value.(string)
	if !ok {
		return nil, nil
	}
	return s.defaultCollation(c.db, coll), nil
}

// defaultCollation is the collation db.coll was created with, nil for
// simple or for no such collection.
func (s *Server) defaultCollation(db, coll string) *engine.Collation {
	var d any
	s.store.View(func(r store.Reader) {
		if cl := r.Coll(db, coll); cl != nil {
			d = cl.Option("collation")
		}
	})
	if d == nil {
		return nil
	}
	c, _ := engine.ParseCollation(d) // checked by create
	return c
}

// normalizeCollation replaces the collation option in opts (create's, an
// index's) by the full document mongod shows, or drops it when it is
// simple.
func normalizeCollation(opts bson.D) (bson.D, *engine.Collation, error) {
	v := lookup(opts, "collation")
	if v == nil {
		return opts, nil, nil
	}
	c, err := engine.ParseCollation(v)
	if err != nil {
		return nil, nil, err
	}
	out := make(bson.D, 0, len(opts))
	for _, e := range opts {
		switch {
		case e.Key != "collation":
			out = append(out, e)
		case c != nil:
			out = append(out, bson.KV("collation", c.Doc()))
		}
	}
	return out, c, nil
}

// statementVars are the command's vars with an update or delete
// statement's own collation v, when it has one.
func (s *Server) statementVars(vars engine.Vars, v any) (engine.Vars, error) {
	if v == nil {
		return vars, nil
	}
	c, err := engine.ParseCollation(v)
	if err != nil {
		return nil, err
	}
	return vars.WithCollation(c), nil
}

// indexCollation gives an index the collection's default collation when
// it has none of its own, as mongod does, and shows it in full. The
// index's keys stay binary: that changes no query's result (a query
// with a collation does not look strings up in an index), but a unique
// index would accept keys that are equal under its collation, so a
// unique index with a collation is refused.
func (s *Server) indexCollation(db, coll string, spec *store.IndexSpec) error {
	opts, c, err := normalizeCollation(spec.Spec)
	if err != nil {
		return err
	}
	if lookup(spec.Spec, "collation") == nil {
		if c = s.defaultCollation(db, coll); c != nil {
			opts = append(opts, bson.KV("collation", c.Doc()))
		}
	}
	if c != nil && spec.Unique {
		return unsupported("unique indexes with a collation")
	}
	spec.Spec = opts
	return nil
}
