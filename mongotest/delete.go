package mongotest

import (
	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/mongotest/internal/engine"
	"github.com/torque-go/torque/mongotest/internal/store"
)

func init() {
	commands["delete"] = cmdSpec{run: (*Server).delete, fields: []string{"deletes", "ordered", "let"}}
}

func (s *Server) delete(c *command) (bson.D, error) {
	coll, err := c.collName()
	if err != nil {
		return nil, err
	}
	stmts, err := c.docs("deletes")
	if err != nil {
		return nil, err
	}
	ordered, err := c.optBool("ordered", true)
	if err != nil {
		return nil, err
	}
	vars, err := c.vars(s)
	if err != nil {
		return nil, err
	}
	if err := s.checkWritable(c.db, coll); err != nil {
		return nil, err
	}
	var n int32
	var errs bson.A
	for i, d := range stmts {
		got, err := s.deleteStatement(c.db, coll, d, vars)
		if err != nil {
			errs = append(errs, writeError(i, err))
			if ordered {
				break
			}
			continue
		}
		n += got
	}
	reply := bson.D{bson.KV("n", n)}
	if len(errs) > 0 {
		reply = append(reply, bson.KV("writeErrors", errs))
	}
	return reply, nil
}

var deleteStmtFields = map[string]bool{"q": true, "limit": true, "hint": true, "collation": true}

// deleteStatement runs one {q, limit, hint} statement.
func (s *Server) deleteStatement(db, coll string, d bson.D, vars engine.Vars) (int32, error) {
	for _, e := range d {
		if !deleteStmtFields[e.Key] {
			return 0, cmdErrorf(40415, "Location40415", "BSON field 'delete.deletes.%s' is an unknown field.", e.Key)
		}
	}
	vars, err := s.statementVars(vars, lookup(d, "collation"))
	if err != nil {
		return 0, err
	}
	filter, ok := lookup(d, "q").(bson.D)
	if !ok {
		return 0, typeMismatch("delete.deletes.q", "object", lookup(d, "q"))
	}
	limit, ok := asInt(lookup(d, "limit"))
	if !ok || limit != 0 && limit != 1 {
		return 0, cmdErrorf(9, "FailedToParse", "The limit field in delete objects must be 0 or 1. Got %v", lookup(d, "limit"))
	}
	if h := lookup(d, "hint"); h != nil {
		if err := s.hintExists(db, coll, h); err != nil {
			return 0, err
		}
	}
	q, err := compileQuery(filter, vars)
	if err != nil {
		return 0, err
	}
	removed, err := s.remove(db, coll, q, int(limit), nil)
	return int32(len(removed)), err
}

// remove deletes the documents q matches (at most limit; 0: all; the
// first in sort order with a sort) in one Write and returns them.
func (s *Server) remove(db, coll string, q *query, limit int, sort *engine.Sort) ([]bson.D, error) {
	var removed []bson.D
	_, err := s.store.Write(func(tx *store.Tx) error {
		scan := limit
		if sort != nil {
			scan = 0
		}
		ms, err := q.inColl(tx.Reader().Coll(db, coll), scan)
		if err != nil {
			return err
		}
		sortMatches(ms, sort)
		if limit > 0 && len(ms) > limit {
			ms = ms[:limit]
		}
		for _, m := range ms {
			if err := tx.Delete(db, coll, m.doc); err != nil {
				return err
			}
			removed = append(removed, m.doc)
		}
		return nil
	})
	return removed, err
}
