package mongotest

import (
	"fmt"
	"strings"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/mongotest/internal/engine"
	"github.com/torque-go/torque/mongotest/internal/store"
)

func init() {
	commands["createIndexes"] = cmdSpec{run: (*Server).createIndexes, fields: []string{"indexes", "commitQuorum"}}
	commands["listIndexes"] = cmdSpec{run: (*Server).listIndexes, fields: []string{"cursor"}}
	commands["dropIndexes"] = cmdSpec{run: (*Server).dropIndexes, fields: []string{"index"}}
	commands["deleteIndexes"] = commands["dropIndexes"]
}

// indexOptions are the createIndexes options mongotest keeps (and shows
// in listIndexes); unique, sparse, partialFilterExpression and
// prepareUnique act, hidden hides the index from hints,
// expireAfterSeconds is accepted without a reaper, the rest are
// accepted as mongod accepts them and have no effect here.
var indexOptions = map[string]bool{"unique": true, "sparse": true, "partialFilterExpression": true,
	"expireAfterSeconds": true, "background": true, "hidden": true, "storageEngine": true, "prepareUnique": true,
	"wildcardProjection": false, "collation": true, "weights": false, "default_language": false,
	"language_override": false, "textIndexVersion": false, "2dsphereIndexVersion": false, "bits": false,
	"min": false, "max": false, "v": true}

func (s *Server) createIndexes(c *command) (bson.D, error) {
	coll, err := c.collName()
	if err != nil {
		return nil, err
	}
	raw, err := c.docs("indexes")
	if err != nil {
		return nil, err
	}
	if len(raw) == 0 {
		return nil, badValue("Must specify at least one index to create")
	}
	specs := make([]store.IndexSpec, len(raw))
	for i, d := range raw {
		if specs[i], err = parseIndexSpec(d); err != nil {
			return nil, err
		}
		if err := s.indexCollation(c.db, coll, &specs[i]); err != nil {
			return nil, err
		}
	}
	if err := s.checkWritable(c.db, coll); err != nil {
		return nil, err
	}
	var before, after int32
	var createdColl, createdAny bool
	_, err = s.store.Write(func(tx *store.Tx) error {
		cl := tx.Reader().Coll(c.db, coll)
		createdColl = cl == nil
		before = 1
		if cl != nil {
			before = int32(len(cl.Indexes()))
		}
		for _, spec := range specs {
			created, err := tx.CreateIndex(c.db, coll, spec)
			if err != nil {
				return err
			}
			createdAny = createdAny || created
		}
		after = int32(len(tx.Reader().Coll(c.db, coll).Indexes()))
		return nil
	})
	if err != nil {
		return nil, err
	}
	reply := bson.D{bson.KV("numIndexesBefore", before), bson.KV("numIndexesAfter", after)}
	if !createdAny {
		reply = append(reply, bson.KV("note", "all indexes already exist"))
	}
	return append(reply, bson.KV("createdCollectionAutomatically", createdColl)), nil
}

// parseIndexSpec checks one createIndexes entry.
func parseIndexSpec(d bson.D) (store.IndexSpec, error) {
	var spec store.IndexSpec
	key, ok := lookup(d, "key").(bson.D)
	if !ok {
		return spec, cmdErrorf(9, "FailedToParse", "The 'key' field is a required property of an index specification")
	}
	if len(key) == 0 {
		return spec, cmdErrorf(67, "CannotCreateIndex", "Index keys cannot be empty.")
	}
	for _, f := range key {
		switch v := f.Value.(type) {
		case int32, int64, float64:
			if n, _ := asFloat(v); n == 0 {
				return spec, cmdErrorf(67, "CannotCreateIndex", "Values in the index key pattern can't be all-zero. Got %s: 0", f.Key)
			}
		case string:
			return spec, unsupported(fmt.Sprintf("%q indexes", v))
		default:
			return spec, cmdErrorf(67, "CannotCreateIndex", "Values in v:2 index key pattern cannot be of type %s. Only numbers > 0, numbers < 0, and strings are allowed.", typeName(v))
		}
	}
	spec.Key = key
	spec.Name, _ = lookup(d, "name").(string)
	if spec.Name == "" {
		spec.Name = defaultIndexName(key)
	}
	spec.Spec = bson.D{bson.KV("v", int32(2)), bson.KV("key", key), bson.KV("name", spec.Name)}
	for _, e := range d {
		switch e.Key {
		case "key", "name", "v", "ns":
			continue
		}
		keep, known := indexOptions[e.Key]
		if !known {
			return spec, cmdErrorf(197, "InvalidIndexSpecificationOption", "The field '%s' is not valid for an index specification. Specification: %v", e.Key, d)
		}
		if !keep {
			return spec, unsupported("the index option " + e.Key)
		}
		if e.Key != "background" {
			spec.Spec = append(spec.Spec, e)
		}
	}
	return spec, applyIndexOptions(&spec, d)
}

func asFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// defaultIndexName is the name drivers and mongod give: key_1_other_-1.
func defaultIndexName(key bson.D) string {
	parts := make([]string, 0, len(key)*2)
	for _, f := range key {
		parts = append(parts, f.Key, fmt.Sprint(f.Value))
	}
	return strings.Join(parts, "_")
}

func (s *Server) listIndexes(c *command) (bson.D, error) {
	coll, err := c.collName()
	if err != nil {
		return nil, err
	}
	cur, err := c.optDoc("cursor")
	if err != nil {
		return nil, err
	}
	batchSize, _ := asInt(lookup(cur, "batchSize"))
	var docs []bson.D
	found := false
	s.store.View(func(r store.Reader) {
		cl := r.Coll(c.db, coll)
		switch {
		case cl == nil:
		case cl.IsView():
			docs, found = timeseriesIndexes(cl), cl.Option("timeseries") != nil
		default:
			found = true
			for _, ix := range cl.Indexes() {
				docs = append(docs, ix.Spec)
			}
			if ci := clusteredIndexSpec(cl); ci != nil {
				docs[0] = ci
			}
		}
	})
	if !found {
		return nil, cmdErrorf(26, "NamespaceNotFound", "ns does not exist: %s.%s", c.db, coll)
	}
	return s.firstBatch(c, c.db+"."+coll, docs, int(batchSize), false), nil
}

func (s *Server) dropIndexes(c *command) (bson.D, error) {
	coll, err := c.collName()
	if err != nil {
		return nil, err
	}
	which := c.get("index")
	var was int32
	_, err = s.store.Write(func(tx *store.Tx) error {
		cl := tx.Reader().Coll(c.db, coll)
		if cl == nil {
			return cmdErrorf(26, "NamespaceNotFound", "ns not found %s.%s", c.db, coll)
		}
		was = int32(len(cl.Indexes()))
		names, err := indexesToDrop(cl, which)
		if err != nil {
			return err
		}
		for _, name := range names {
			if err := tx.DropIndex(c.db, coll, name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	reply := bson.D{bson.KV("nIndexesWas", was)}
	if which == "*" {
		reply = append(reply, bson.KV("msg", "non-_id indexes dropped for collection"))
	}
	return reply, nil
}

// indexesToDrop resolves dropIndexes' index argument: a name, "*", a key
// pattern or an array of names.
func indexesToDrop(cl *store.Collection, which any) ([]string, error) {
	switch w := which.(type) {
	case string:
		if w != "*" {
			return []string{w}, nil
		}
		var names []string
		for _, ix := range cl.Indexes()[1:] {
			names = append(names, ix.Name)
		}
		return names, nil
	case bson.D:
		for _, ix := range cl.Indexes() {
			if store.Key(ix.Key) == store.Key(w) {
				if ix.Name == "_id_" {
					return nil, cmdErrorf(72, "InvalidOptions", "cannot drop _id index")
				}
				return []string{ix.Name}, nil
			}
		}
		return nil, cmdErrorf(27, "IndexNotFound", "can't find index with key: %v", w)
	case bson.A:
		var names []string
		for _, v := range w {
			name, ok := v.(string)
			if !ok {
				return nil, typeMismatch("dropIndexes.index", "string", v)
			}
			names = append(names, name)
		}
		return names, nil
	}
	return nil, typeMismatch("dropIndexes.index", "string or object", which)
}

// hintExists checks a hint (an index name or key pattern, or $natural)
// against db.coll's indexes.
func (s *Server) hintExists(db, coll string, hint any) error {
	if d, ok := hint.(bson.D); ok && len(d) == 1 && d[0].Key == "$natural" {
		return nil
	}
	ok := false
	exists := false
	s.store.View(func(r store.Reader) {
		cl := r.Coll(db, coll)
		if cl == nil {
			return
		}
		exists = true
		for _, ix := range cl.Indexes() {
			if hidden, _ := lookup(ix.Spec, "hidden").(bool); hidden {
				continue // the planner does not see a hidden index
			}
			switch h := hint.(type) {
			case string:
				ok = ok || ix.Name == h
			case bson.D:
				ok = ok || store.Key(ix.Key) == store.Key(h)
			}
		}
	})
	switch hint.(type) {
	case string, bson.D:
	default:
		return badValue("hint must be a string or an object")
	}
	if !exists || ok {
		return nil
	}
	return badValue("error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index")
}

// compilePartial compiles a partialFilterExpression into the store's
// membership test.
func compilePartial(filter bson.D) (func(bson.D) bool, error) {
	f, err := engine.CompileFilter(filter, engine.Vars{})
	if err != nil {
		return nil, err
	}
	return func(doc bson.D) bool {
		_, ok, err := f.Match(doc)
		return err == nil && ok
	}, nil
}

// applyOptions reads unique, sparse and partialFilterExpression.
func applyIndexOptions(spec *store.IndexSpec, d bson.D) error {
	var err error
	if spec.Unique, err = asBool("unique", lookup(d, "unique"), false); err != nil {
		return err
	}
	if spec.Sparse, err = asBool("sparse", lookup(d, "sparse"), false); err != nil {
		return err
	}
	if spec.PrepareUnique, err = asBool("prepareUnique", lookup(d, "prepareUnique"), false); err != nil {
		return err
	}
	if v := lookup(d, "partialFilterExpression"); v != nil {
		pf, ok := v.(bson.D)
		if !ok {
			return typeMismatch("partialFilterExpression", "object", v)
		}
		if spec.Partial, err = compilePartial(pf); err != nil {
			return err
		}
	}
	if v := lookup(d, "expireAfterSeconds"); v != nil {
		if _, ok := asFloat(v); !ok {
			return typeMismatch("expireAfterSeconds", "number", v)
		}
	}
	return nil
}
