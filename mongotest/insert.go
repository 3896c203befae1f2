package mongotest

import (
	"strings"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/mongotest/internal/store"
)

func init() {
	commands["insert"] = cmdSpec{run: (*Server).insert, fields: []string{"documents", "ordered", "bypassDocumentValidation", "let"}}
}

// maxDocBytes is the largest document mongod stores.
const maxDocBytes = 16 * 1024 * 1024

func (s *Server) insert(c *command) (bson.D, error) {
	coll, err := c.collName()
	if err != nil {
		return nil, err
	}
	docs, err := c.docs("documents")
	if err != nil {
		return nil, err
	}
	ordered, err := c.optBool("ordered", true)
	if err != nil {
		return nil, err
	}
	bypass, err := c.optBool("bypassDocumentValidation", false)
	if err != nil {
		return nil, err
	}
	if ts := s.timeseriesOf(c.db, coll); ts != nil {
		return s.insertTimeseries(c, coll, ts, docs, ordered)
	}
	if s.isView(c.db, coll) {
		return nil, cmdErrorf(166, "CommandNotSupportedOnView", "Namespace %s.%s is a view, not a collection", c.db, coll)
	}
	return s.insertEach(docs, ordered, func(tx *store.Tx, d bson.D) error {
		return s.insertOne(tx, c.db, coll, d, bypass)
	})
}

// insertEach runs one for each document in one write, collecting the
// write errors (stopping at the first when ordered), and answers
// insert's reply: {n, writeErrors}.
func (s *Server) insertEach(docs []bson.D, ordered bool, one func(tx *store.Tx, d bson.D) error) (bson.D, error) {
	var n int32
	var errs bson.A
	_, err := s.store.Write(func(tx *store.Tx) error {
		for i, d := range docs {
			if err := one(tx, d); err != nil {
				errs = append(errs, writeError(i, err))
				if ordered {
					break
				}
				continue
			}
			n++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	reply := bson.D{bson.KV("n", n)}
	if len(errs) > 0 {
		reply = append(reply, bson.KV("writeErrors", errs))
	}
	return reply, nil
}

// insertOne checks and stores one new document.
func (s *Server) insertOne(tx *store.Tx, db, coll string, d bson.D, bypass bool) error {
	d = withIDFirst(d)
	if err := checkStorable(d); err != nil {
		return err
	}
	if !bypass {
		if err := s.validate(tx.Reader().Coll(db, coll), d); err != nil {
			return err
		}
	}
	return tx.Insert(db, coll, d)
}

// checkStorable refuses a document mongod would not store: an _id that is
// an array, a regular expression or undefined; more than 16 MiB.
func checkStorable(d bson.D) error {
	switch d[0].Value.(type) {
	case bson.A:
		return badValue("The '_id' value cannot be of type array")
	case bson.Regex:
		return badValue("can't use a regex for _id")
	case bson.Undefined:
		return badValue("can't use a undefined for _id")
	case bson.D:
		for _, e := range d[0].Value.(bson.D) {
			if strings.HasPrefix(e.Key, "$") {
				return cmdErrorf(52, "DollarPrefixedFieldName", "_id fields may not contain '$'-prefixed fields: %s is not valid for storage.", e.Key)
			}
		}
	}
	if n := docSize(d); n > maxDocBytes {
		return cmdErrorf(10334, "BSONObjectTooLarge", "object to insert too large. size in bytes: %d, max size: %d", n, maxDocBytes)
	}
	return nil
}
