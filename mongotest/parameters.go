package mongotest

import (
	"fmt"
	"slices"
	"sync"

	"github.com/torque-go/torque/bson"
)

// Server parameters: what getParameter reads and setParameter changes, as
// mongod's --setParameter sets them at startup (Options.Parameters).
// enableTestCommands is on, as for the mongod a driver's tests run against:
// configureFailPoint and the Stable API's test commands (testVersion2,
// testDeprecation, ...) exist only then. The members and mongoses of a
// ReplicaSet share one set of parameters (ReplicaSetOptions.Parameters):
// a setParameter on one changes them all, unlike on mongod.

func init() {
	commands["getParameter"] = cmdSpec{run: (*Server).getParameter}
	commands["setParameter"] = cmdSpec{run: (*Server).setParameter}
}

// parameter is one server parameter: its default, and whether
// setParameter may change it (else only Options.Parameters can).
type parameter struct {
	def     any
	runtime bool
}

// knownParameters are the parameters mongotest has.
var knownParameters = map[string]parameter{
	"featureCompatibilityVersion":     {def: bson.D{bson.KV("version", "8.0")}},
	"authenticationMechanisms":        {def: bson.A{"SCRAM-SHA-1", "SCRAM-SHA-256"}},
	"requireApiVersion":               {def: false, runtime: true},
	"acceptApiVersion2":               {def: false},
	"enableTestCommands":              {def: true},
	"transactionLifetimeLimitSeconds": {def: int32(60)},
	"maxBSONDepth":                    {def: int32(200)},
}

// boolParameters are those whose value is a boolean.
var boolParameters = map[string]bool{"requireApiVersion": true, "acceptApiVersion2": true, "enableTestCommands": true}

// serverParams are one server's parameters. Safe for concurrent use; a
// nil *serverParams has the defaults.
type serverParams struct {
	mu sync.Mutex
	m  map[string]any
}

// newServerParams applies set (Options.Parameters) over the defaults.
func newServerParams(set map[string]any) (*serverParams, error) {
	p := &serverParams{m: map[string]any{}}
	for name, v := range set {
		if _, ok := knownParameters[name]; !ok || !boolParameters[name] {
			return nil, fmt.Errorf("mongotest: the server parameter %q cannot be set (settable: acceptApiVersion2, enableTestCommands, requireApiVersion)", name)
		}
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("mongotest: the server parameter %q takes a bool, not %T", name, v)
		}
		p.m[name] = b
	}
	return p, nil
}

// get is the value of a known parameter.
func (p *serverParams) get(name string) any {
	if p != nil {
		p.mu.Lock()
		defer p.mu.Unlock()
		if v, ok := p.m[name]; ok {
			return v
		}
	}
	return knownParameters[name].def
}

// bool is the value of a boolean parameter.
func (p *serverParams) bool(name string) bool {
	b, _ := p.get(name).(bool)
	return b
}

func (s *Server) getParameter(c *command) (bson.D, error) {
	if c.db != "admin" {
		return nil, cmdErrorf(13, "Unauthorized", "getParameter may only be run against the admin database.")
	}
	out := bson.D{}
	if v, ok := c.body[0].Value.(string); ok && v == "*" {
		names := make([]string, 0, len(knownParameters))
		for name := range knownParameters {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			out = append(out, bson.KV(name, s.params.get(name)))
		}
		return out, nil
	}
	for _, e := range c.body[1:] {
		if genericFields[e.Key] {
			continue
		}
		if _, ok := knownParameters[e.Key]; !ok {
			return nil, unsupported("the server parameter " + e.Key)
		}
		out = append(out, bson.KV(e.Key, s.params.get(e.Key)))
	}
	if len(out) == 0 {
		return nil, cmdErrorf(72, "InvalidOptions", "no option found to get")
	}
	return out, nil
}

// setParameter changes the parameters that may change at runtime
// (requireApiVersion) and answers {was: the old value}, as mongod does.
func (s *Server) setParameter(c *command) (bson.D, error) {
	if c.db != "admin" {
		return nil, cmdErrorf(13, "Unauthorized", "setParameter may only be run against the admin database.")
	}
	var set []bson.E
	for _, e := range c.body[1:] {
		if genericFields[e.Key] {
			continue
		}
		p, ok := knownParameters[e.Key]
		switch {
		case !ok:
			return nil, cmdErrorf(72, "InvalidOptions", "attempted to set unrecognized parameter [%s], use help:true to see options ", e.Key)
		case !p.runtime:
			return nil, badValue("not allowed to change [%s] at runtime", e.Key)
		}
		b, err := asBool("setParameter."+e.Key, e.Value, false)
		if err != nil {
			return nil, err
		}
		set = append(set, bson.KV(e.Key, b))
	}
	if len(set) == 0 {
		return nil, cmdErrorf(72, "InvalidOptions", "no option found to set, use help:true to see options ")
	}
	out := bson.D{bson.KV("was", s.params.get(set[0].Key))}
	s.params.mu.Lock()
	for _, e := range set {
		s.params.m[e.Key] = e.Value
	}
	s.params.mu.Unlock()
	return out, nil
}

// testCommand answers one of the Stable API's test commands with the API
// parameters it was sent with, as mongod does.
func testCommand(cmd bson.Raw) bson.D {
	out := bson.D{}
	for _, k := range []string{"apiVersion", "apiStrict", "apiDeprecationErrors"} {
		v := cmd.Lookup(k)
		if s, ok := v.StringValue(); ok {
			out = append(out, bson.KV(k, s))
		} else if b, ok := v.Boolean(); ok {
			out = append(out, bson.KV(k, b))
		}
	}
	return out
}
