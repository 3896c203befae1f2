package mongotest

import (
	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/mongotest/internal/engine"
	"github.com/torque-go/torque/mongotest/internal/store"
)

func init() {
	commands["update"] = cmdSpec{run: (*Server).update, fields: []string{"updates", "ordered", "bypassDocumentValidation", "let"}}
}

// updateStmt is one statement of an update command (or a findAndModify).
type updateStmt struct {
	q      *query
	u      *engine.Update
	multi  bool
	upsert bool
	sort   *engine.Sort // findAndModify
	bypass bool
}

// updateOutcome is what one statement did.
type updateOutcome struct {
	matched, modified int32
	upsertedID        any
	before, after     bson.D // the last document touched (findAndModify)
}

func (s *Server) update(c *command) (bson.D, error) {
	coll, err := c.collName()
	if err != nil {
		return nil, err
	}
	stmts, err := c.docs("updates")
	if err != nil {
		return nil, err
	}
	for _, d := range stmts { // an unknown stage fails the command, as in mongod
		if u, ok := lookup(d, "u").(bson.A); ok {
			if err := engine.CheckStageNames(u, "pipeline"); err != nil {
				return nil, err
			}
		}
	}
	ordered, err := c.optBool("ordered", true)
	if err != nil {
		return nil, err
	}
	bypass, err := c.optBool("bypassDocumentValidation", false)
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
	var n, nModified int32
	var errs, upserted bson.A
	for i, d := range stmts {
		out, err := s.updateStatement(c.db, coll, d, vars, bypass)
		if err != nil {
			errs = append(errs, writeError(i, err))
			if ordered {
				break
			}
			continue
		}
		n += out.matched
		nModified += out.modified
		if out.upsertedID != nil {
			n++
			upserted = append(upserted, bson.D{bson.KV("index", int32(i)), bson.KV("_id", out.upsertedID)})
		}
	}
	reply := bson.D{bson.KV("n", n)}
	if len(upserted) > 0 {
		reply = append(reply, bson.KV("upserted", upserted))
	}
	reply = append(reply, bson.KV("nModified", nModified))
	if len(errs) > 0 {
		reply = append(reply, bson.KV("writeErrors", errs))
	}
	return reply, nil
}

var updateStmtFields = map[string]bool{"q": true, "u": true, "multi": true, "upsert": true,
	"arrayFilters": true, "hint": true, "c": true, "collation": true, "sort": true}

// updateStatement compiles and runs one {q, u, multi, upsert,
// arrayFilters, hint, c} statement.
func (s *Server) updateStatement(db, coll string, d bson.D, vars engine.Vars, bypass bool) (updateOutcome, error) {
	for _, e := range d {
		if !updateStmtFields[e.Key] {
			return updateOutcome{}, cmdErrorf(40415, "Location40415", "BSON field 'update.updates.%s' is an unknown field.", e.Key)
		}
	}
	vars, err := s.statementVars(vars, lookup(d, "collation"))
	if err != nil {
		return updateOutcome{}, err
	}
	if h := lookup(d, "hint"); h != nil {
		if err := s.hintExists(db, coll, h); err != nil {
			return updateOutcome{}, err
		}
	}
	filter, _ := lookup(d, "q").(bson.D)
	if _, ok := lookup(d, "q").(bson.D); !ok {
		return updateOutcome{}, typeMismatch("update.updates.q", "object", lookup(d, "q"))
	}
	var st updateStmt
	if st.multi, err = asBool("update.updates.multi", lookup(d, "multi"), false); err != nil {
		return updateOutcome{}, err
	}
	if st.upsert, err = asBool("update.updates.upsert", lookup(d, "upsert"), false); err != nil {
		return updateOutcome{}, err
	}
	if consts, ok := lookup(d, "c").(bson.D); ok {
		vars = withConstants(vars, consts)
	}
	if st.q, st.u, err = compileUpdate(filter, lookup(d, "u"), lookup(d, "arrayFilters"), vars, st.upsert); err != nil {
		return updateOutcome{}, err
	}
	if st.multi && st.u.IsReplacement() {
		return updateOutcome{}, cmdErrorf(9, "FailedToParse", "multi update is not supported for replacement-style update")
	}
	if st.sort, err = updateSort(lookup(d, "sort"), st.multi, vars.Collation()); err != nil {
		return updateOutcome{}, err
	}
	st.bypass = bypass
	return s.applyUpdate(db, coll, st)
}

// updateSort compiles a statement's sort (MongoDB 8.0): the first match
// in its order is the one updated. A multi update cannot have one.
func updateSort(v any, multi bool, coll *engine.Collation) (*engine.Sort, error) {
	if v == nil {
		return nil, nil
	}
	d, ok := v.(bson.D)
	if !ok {
		return nil, typeMismatch("update.updates.sort", "object", v)
	}
	if multi {
		return nil, cmdErrorf(72, "InvalidOptions", "Cannot specify sort with multi=true")
	}
	if len(d) == 0 {
		return nil, nil
	}
	sort, err := engine.CompileSort(d)
	if err != nil {
		return nil, err
	}
	return sort.WithCollation(coll), nil
}

// compileUpdate compiles a statement's filter and update.
func compileUpdate(filter bson.D, u, arrayFilters any, vars engine.Vars, upsert bool) (*query, *engine.Update, error) {
	q, err := compileQuery(filter, vars)
	if err != nil {
		return nil, nil, err
	}
	opts := engine.UpdateOptions{Vars: vars, Upsert: upsert}
	if arrayFilters != nil {
		if opts.ArrayFilters, err = pipelineStages(arrayFilters, "arrayFilters"); err != nil {
			return nil, nil, err
		}
	}
	switch u.(type) {
	case bson.D, bson.A:
	default:
		return nil, nil, typeMismatch("update.updates.u", "object", u)
	}
	upd, err := engine.CompileUpdate(u, opts)
	return q, upd, err
}

func withConstants(vars engine.Vars, consts bson.D) engine.Vars {
	out := engine.Vars{}
	for k, v := range vars {
		out[k] = v
	}
	for _, e := range consts {
		out[e.Key] = e.Value
	}
	return out
}

// applyUpdate runs one statement in one Write: the matching documents (the
// first only unless multi; the first in sort order with a sort) get the
// update; with upsert and no match, a new document is inserted. A failure
// part-way through a multi update keeps what was done, as mongod does.
func (s *Server) applyUpdate(db, coll string, st updateStmt) (out updateOutcome, stmtErr error) {
	_, werr := s.store.Write(func(tx *store.Tx) error {
		c := tx.Reader().Coll(db, coll)
		limit := 1
		if st.multi || st.sort != nil {
			limit = 0
		}
		ms, err := st.q.inColl(c, limit)
		if err != nil {
			return err
		}
		if st.sort != nil && len(ms) > 1 {
			sortMatches(ms, st.sort)
			ms = ms[:1]
		}
		if len(ms) == 0 && st.upsert {
			return s.upsert(tx, db, coll, st, &out)
		}
		for _, m := range ms {
			if stmtErr = s.updateOne(tx, c, m, st, &out); stmtErr != nil {
				break
			}
		}
		return nil
	})
	if werr != nil {
		return out, werr
	}
	return out, stmtErr
}

// updateOne applies the update to one matched document.
func (s *Server) updateOne(tx *store.Tx, c *store.Collection, m match, st updateStmt, out *updateOutcome) error {
	res, err := st.u.Apply(m.doc, m.info)
	if err != nil {
		return err
	}
	out.matched++
	out.before, out.after = m.doc, m.doc
	if !res.Modified {
		return nil
	}
	after := res.Doc
	if !hasField(after, "_id") { // a replacement or pipeline without _id keeps the old one
		after = append(bson.D{bson.KV("_id", lookup(m.doc, "_id"))}, after...)
	}
	after = withIDFirst(after)
	if !engine.Equal(lookup(after, "_id"), lookup(m.doc, "_id")) {
		return cmdErrorf(66, "ImmutableField", "After applying the update, the (immutable) field '_id' was found to have been altered to _id: %v", lookup(after, "_id"))
	}
	if err := checkStorable(after); err != nil {
		return err
	}
	if !st.bypass {
		if err := s.validate(c, after); err != nil {
			return err
		}
	}
	var desc *store.UpdateDesc
	if !st.u.IsReplacement() {
		desc = &store.UpdateDesc{UpdatedFields: res.UpdatedFields, RemovedFields: res.RemovedFields}
		for _, t := range res.TruncatedArrays {
			desc.TruncatedArrays = append(desc.TruncatedArrays, store.Truncated{Field: t.Field, NewSize: t.NewSize})
		}
	}
	if err := tx.Replace(c.DB, c.Name, m.doc, after, desc); err != nil {
		return err
	}
	out.modified++
	out.after = after
	return nil
}

// upsert inserts the document an upsert makes of the filter and update.
func (s *Server) upsert(tx *store.Tx, db, coll string, st updateStmt, out *updateOutcome) error {
	res, err := st.u.Upsert(st.q.filter)
	if err != nil {
		return err
	}
	doc := withIDFirst(res.Doc)
	if err := checkStorable(doc); err != nil {
		return err
	}
	if !st.bypass {
		if err := s.validate(tx.Reader().Coll(db, coll), doc); err != nil {
			return err
		}
	}
	if err := tx.Insert(db, coll, doc); err != nil {
		return err
	}
	out.upsertedID, out.after = doc[0].Value, doc
	return nil
}

func hasField(d bson.D, key string) bool {
	for _, e := range d {
		if e.Key == key {
			return true
		}
	}
	return false
}
