package mongotest

import (
	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/mongotest/internal/engine"
)

func init() {
	commands["findAndModify"] = cmdSpec{run: (*Server).findAndModify, fields: []string{"query", "sort", "remove",
		"update", "new", "fields", "upsert", "bypassDocumentValidation", "arrayFilters", "hint", "let", "collation"}}
	commands["findandmodify"] = commands["findAndModify"]
}

func (s *Server) findAndModify(c *command) (bson.D, error) {
	coll, err := c.collName()
	if err != nil {
		return nil, err
	}
	a, err := s.famArgs(c)
	if err != nil {
		return nil, err
	}
	if err := s.checkWritable(c.db, coll); err != nil {
		return nil, err
	}
	if err := s.checkHint(c, coll); err != nil {
		return nil, err
	}
	var value any
	leo := bson.D{}
	if a.remove {
		removed, err := s.remove(c.db, coll, a.st.q, 1, a.st.sort)
		if err != nil {
			return nil, err
		}
		leo = append(leo, bson.KV("n", int32(len(removed))))
		if len(removed) > 0 {
			value = removed[0]
		}
	} else {
		out, err := s.applyUpdate(c.db, coll, a.st)
		if err != nil {
			return nil, err
		}
		n := out.matched
		if out.upsertedID != nil {
			n = 1
		}
		leo = append(leo, bson.KV("n", n), bson.KV("updatedExisting", out.matched > 0))
		if out.upsertedID != nil {
			leo = append(leo, bson.KV("upserted", out.upsertedID))
		}
		switch {
		case a.returnNew && out.after != nil:
			value = out.after
		case !a.returnNew && out.upsertedID == nil && out.before != nil:
			value = out.before
		}
	}
	if doc, ok := value.(bson.D); ok && a.proj != nil {
		if value, err = a.proj.Apply(doc, engine.MatchInfo{}); err != nil {
			return nil, err
		}
	}
	return bson.D{bson.KV("lastErrorObject", leo), bson.KV("value", value)}, nil
}

type famArgs struct {
	st        updateStmt
	remove    bool
	returnNew bool
	proj      *engine.Projection
}

func (s *Server) famArgs(c *command) (a famArgs, err error) {
	filter, err := c.optDoc("query")
	if err != nil {
		return a, err
	}
	sortDoc, err := c.optDoc("sort")
	if err != nil {
		return a, err
	}
	fields, err := c.optDoc("fields")
	if err != nil {
		return a, err
	}
	if a.remove, err = c.optBool("remove", false); err != nil {
		return a, err
	}
	if a.returnNew, err = c.optBool("new", false); err != nil {
		return a, err
	}
	if a.st.upsert, err = c.optBool("upsert", false); err != nil {
		return a, err
	}
	if a.st.bypass, err = c.optBool("bypassDocumentValidation", false); err != nil {
		return a, err
	}
	u := c.get("update")
	switch {
	case a.remove && u != nil:
		return a, cmdErrorf(9, "FailedToParse", "Cannot specify both an update and remove=true")
	case !a.remove && u == nil:
		return a, cmdErrorf(9, "FailedToParse", "Either an update or remove=true must be specified")
	case a.remove && (a.st.upsert || a.returnNew):
		return a, cmdErrorf(9, "FailedToParse", "Cannot specify both upsert=true and remove=true")
	}
	vars, err := c.vars(s)
	if err != nil {
		return a, err
	}
	if len(sortDoc) > 0 {
		if a.st.sort, err = engine.CompileSort(sortDoc); err != nil {
			return a, err
		}
		a.st.sort = a.st.sort.WithCollation(vars.Collation())
	}
	if len(fields) > 0 {
		if a.proj, err = engine.CompileProjection(fields, vars); err != nil {
			return a, err
		}
	}
	if a.remove {
		a.st.q, err = compileQuery(filter, vars)
		return a, err
	}
	a.st.q, a.st.u, err = compileUpdate(filter, u, c.get("arrayFilters"), vars, a.st.upsert)
	return a, err
}
