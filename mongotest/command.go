package mongotest

import (
	"fmt"
	"strings"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/wirehost"
	"github.com/torque-go/torque/mongotest/internal/engine"
)

// command is one request, decoded: the body as a bson.D plus the document
// sequences, merged.
type command struct {
	name string
	db   string
	body bson.D
	seqs map[string][]bson.D
	conn *connState
	req  *wirehost.Request
	peer *wirehost.Peer // its connection (Peer.Watch: where.go)
}

// cmdSpec is one command of the server: its handler, the fields it takes
// (besides the generic ones), and whether it runs before authentication.
type cmdSpec struct {
	run    func(s *Server, c *command) (bson.D, error)
	fields []string // nil: any field
	noAuth bool
}

// commands is filled by init functions of the command files.
var commands = map[string]cmdSpec{}

// genericFields are taken by every command (and ignored by most).
var genericFields = map[string]bool{
	"$db": true, "lsid": true, "txnNumber": true, "$clusterTime": true, "$readPreference": true,
	"readConcern": true, "writeConcern": true, "comment": true, "maxTimeMS": true,
	"apiVersion": true, "apiStrict": true, "apiDeprecationErrors": true, "autocommit": true,
	"startTransaction": true, "stmtId": true, "$audit": true, "$client": true,
	"mayBypassWriteBlocking": true, "$queryOptions": true, "$query": true,
}

// parseCommand decodes req's body and sequences.
func parseCommand(req *wirehost.Request) (*command, error) {
	c := &command{name: req.Name, db: req.DB, req: req}
	if err := bson.Unmarshal(req.Command, &c.body); err != nil {
		return nil, cmdErrorf(9, "FailedToParse", "cannot decode the command: %v", err)
	}
	if c.db == "" {
		return nil, cmdErrorf(40571, "Location40571", "OP_MSG requests require a $db argument")
	}
	for id, docs := range req.Sequences {
		if c.seqs == nil {
			c.seqs = map[string][]bson.D{}
		}
		for _, raw := range docs {
			var d bson.D
			if err := bson.Unmarshal(raw, &d); err != nil {
				return nil, cmdErrorf(9, "FailedToParse", "cannot decode %s: %v", id, err)
			}
			c.seqs[id] = append(c.seqs[id], d)
		}
		if c.get(id) != nil {
			return nil, cmdErrorf(40413, "Location40413", "Duplicate field '%s' in the command body and a document sequence", id)
		}
	}
	return c, nil
}

// checkFields refuses a field the command does not know, as mongod does
// (40415), so that an option mongotest does not implement is never
// silently ignored.
func (c *command) checkFields(spec cmdSpec) error {
	if spec.fields == nil {
		return nil
	}
	for i, e := range c.body {
		if i == 0 || genericFields[e.Key] {
			continue
		}
		known := false
		for _, f := range spec.fields {
			if f == e.Key {
				known = true
				break
			}
		}
		if !known {
			if refused[e.Key] {
				return unsupported(fmt.Sprintf("the %s option of %s", e.Key, c.name))
			}
			return cmdErrorf(40415, "Location40415", "BSON field '%s.%s' is an unknown field.", c.name, e.Key)
		}
	}
	return nil
}

// refused are options of MongoDB that mongotest refuses by name.
var refused = map[string]bool{"encryptionInformation": true, "runtimeConstants": true}

// checkGeneric refuses what a standalone server refuses among the
// generic fields: transactions and retryable writes need a replica set.
func (c *command) checkGeneric() error {
	if c.get("txnNumber") != nil || c.get("autocommit") != nil || c.get("startTransaction") != nil {
		return cmdErrorf(20, "IllegalOperation", "Transaction numbers are only allowed on a replica set member or mongos")
	}
	if rc, ok := c.get("readConcern").(bson.D); ok {
		if level, ok := lookup(rc, "level").(string); ok {
			switch level {
			case "local", "available", "majority":
			case "snapshot", "linearizable":
				return unsupported("readConcern level " + level + " on a standalone server")
			default:
				return cmdErrorf(9, "FailedToParse", "enumeration value '%s' for field 'readConcern.level' is not a valid value.", level)
			}
		}
	}
	return nil
}

// get returns the body's field key (nil when absent).
func (c *command) get(key string) any { return lookup(c.body, key) }

// docs returns the documents of argument id, from a sequence or the body.
func (c *command) docs(id string) ([]bson.D, error) {
	if d, ok := c.seqs[id]; ok {
		return d, nil
	}
	v := c.get(id)
	arr, ok := v.(bson.A)
	if !ok {
		if v == nil {
			return nil, cmdErrorf(40414, "Location40414", "BSON field '%s.%s' is missing but a required field", c.name, id)
		}
		return nil, typeMismatch(c.name+"."+id, "array", v)
	}
	out := make([]bson.D, 0, len(arr))
	for i, el := range arr {
		d, ok := el.(bson.D)
		if !ok {
			return nil, typeMismatch(fmt.Sprintf("%s.%s.%d", c.name, id, i), "object", el)
		}
		out = append(out, d)
	}
	return out, nil
}

// collName is the command's first value as a collection name.
func (c *command) collName() (string, error) {
	name, ok := c.body[0].Value.(string)
	if !ok {
		return "", cmdErrorf(73, "InvalidNamespace", "collection name has invalid type %s", typeName(c.body[0].Value))
	}
	if name == "" || strings.ContainsRune(name, 0) || strings.HasPrefix(name, ".") || strings.Contains(name, "$") {
		return "", cmdErrorf(73, "InvalidNamespace", "Invalid namespace specified '%s.%s'", c.db, name)
	}
	return name, nil
}

// optDoc returns the document field key (nil when absent).
func (c *command) optDoc(key string) (bson.D, error) {
	v := c.get(key)
	if v == nil {
		return nil, nil
	}
	d, ok := v.(bson.D)
	if !ok {
		return nil, typeMismatch(c.name+"."+key, "object", v)
	}
	return d, nil
}

// optBool returns the boolean field key, def when absent.
func (c *command) optBool(key string, def bool) (bool, error) {
	return asBool(c.name+"."+key, c.get(key), def)
}

func asBool(field string, v any, def bool) (bool, error) {
	switch x := v.(type) {
	case nil:
		return def, nil
	case bool:
		return x, nil
	case int32, int64, float64:
		n, _ := asInt(x)
		return n != 0, nil
	}
	return false, typeMismatch(field, "bool", v)
}

// optInt returns the numeric field key as an int64, def when absent.
func (c *command) optInt(key string, def int64) (int64, error) {
	v := c.get(key)
	if v == nil {
		return def, nil
	}
	n, ok := asInt(v)
	if !ok {
		return 0, typeMismatch(c.name+"."+key, "number", v)
	}
	return n, nil
}

func asInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case float64:
		return int64(x), x == float64(int64(x))
	}
	return 0, false
}

// vars are the command's let variables with the system variables.
func (c *command) vars(s *Server) (engine.Vars, error) {
	v := engine.Vars{"NOW": bson.NewDateTimeFromTime(timeNow()), "CLUSTER_TIME": s.store.ClusterTime()}
	let, err := c.optDoc("let")
	if err != nil {
		return nil, err
	}
	for _, e := range let {
		if isConstant(e.Value) {
			v[e.Key] = e.Value
			continue
		}
		val, err := engine.Eval(e.Value, nil, v)
		if err != nil {
			return nil, err
		}
		v[e.Key] = val
	}
	coll, err := s.collation(c, c.get("collation"))
	if err != nil || coll == nil {
		return v, err
	}
	return v.WithCollation(coll), nil
}

func lookup(d bson.D, key string) any {
	for _, e := range d {
		if e.Key == key {
			return e.Value
		}
	}
	return nil
}

// isConstant reports whether an expression is a plain value: no field
// path, variable or operator anywhere in it.
func isConstant(v any) bool {
	switch x := v.(type) {
	case string:
		return !strings.HasPrefix(x, "$")
	case bson.D:
		for _, e := range x {
			if strings.HasPrefix(e.Key, "$") || !isConstant(e.Value) {
				return false
			}
		}
	case bson.A:
		for _, el := range x {
			if !isConstant(el) {
				return false
			}
		}
	}
	return true
}
