package mongotest

import (
	"regexp"
	"strconv"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/mongotest/internal/engine"
	"github.com/torque-go/torque/mongotest/internal/store"
)

// $where. mongotest has no JavaScript engine; it runs the one shape the
// specification tests use to hold an operation on the server:
//
//	sleep(ms) || true                              (or false; or just true/false)
//	function() { sleep(ms); return true; }         (or false; sleep optional)
//
// as a string or BSON JavaScript, at the top level of the filter of find,
// count, distinct, findAndModify, and of update and delete statements.
// The operation sleeps ms once for every document the rest of its filter
// matches (mongod runs the function once per document), before it runs;
// $where then matches every document (true) or none (false). The sleep
// ends early with MaxTimeMSExpired (50) at the operation's maxTimeMS,
// with ClientDisconnect (279) when the client closes the connection (a
// driver interrupting an in-use connection), and with
// InterruptedAtShutdown (11600) at Close. Any other JavaScript gets
// mongod's answer when scripting is off: BadValue, "no globalScriptEngine
// in $where parsing".

// whereJS is a parsed $where.
type whereJS struct {
	sleep  time.Duration
	result bool
}

var (
	whereExpr = regexp.MustCompile(`^\s*(?:sleep\(\s*(\d+)\s*\)\s*\|\|\s*)?(true|false)\s*;?\s*$`)
	whereFunc = regexp.MustCompile(`^\s*function\s*\(\s*\)\s*\{\s*(?:sleep\(\s*(\d+)\s*\)\s*;?\s*)?return\s+(true|false)\s*;?\s*\}\s*$`)
)

func parseWhere(v any) (whereJS, error) {
	var code string
	switch x := v.(type) {
	case string:
		code = x
	case bson.JavaScript:
		code = string(x)
	default:
		return whereJS{}, badValue("$where got bad type")
	}
	m := whereExpr.FindStringSubmatch(code)
	if m == nil {
		m = whereFunc.FindStringSubmatch(code)
	}
	if m == nil {
		return whereJS{}, badValue("no globalScriptEngine in $where parsing (mongotest runs only `sleep(ms) || true` and `function() { sleep(ms); return true; }`)")
	}
	ms, _ := strconv.ParseInt(m[1], 10, 64) // "" when there is no sleep: 0
	return whereJS{sleep: time.Duration(ms) * time.Millisecond, result: m[2] == "true"}, nil
}

// whereFilters are the filters of a command where $where may appear:
// the field of the body, or the field of each document of an array.
var whereFilters = map[string][2]string{
	"find": {"", "filter"}, "count": {"", "query"}, "distinct": {"", "query"},
	"findAndModify": {"", "query"}, "update": {"updates", "q"}, "delete": {"deletes", "q"},
}

// applyWhere runs the $where of c's filters: it sleeps (see above), then
// replaces each $where with $alwaysTrue or $alwaysFalse for the command.
func (s *Server) applyWhere(c *command) error {
	where, ok := whereFilters[c.name]
	if !ok {
		return nil
	}
	var filters []bson.D
	if where[0] == "" {
		if f, ok := c.get(where[1]).(bson.D); ok {
			filters = append(filters, f)
		}
	} else if stmts, err := c.docs(where[0]); err == nil {
		for _, st := range stmts {
			if f, ok := lookup(st, where[1]).(bson.D); ok {
				filters = append(filters, f)
			}
		}
	}
	var total time.Duration
	for _, f := range filters {
		d, err := s.rewriteWhere(c, f)
		if err != nil {
			return err
		}
		total += d
	}
	return s.whereSleep(c, total)
}

// rewriteWhere replaces the $where of filter f in place and returns how
// long it sleeps.
func (s *Server) rewriteWhere(c *command, f bson.D) (time.Duration, error) {
	for i, e := range f {
		if e.Key != "$where" {
			continue
		}
		js, err := parseWhere(e.Value)
		if err != nil {
			return 0, err
		}
		f[i] = bson.KV("$alwaysTrue", int32(1))
		var n int
		if js.sleep > 0 {
			n = s.countMatching(c, f)
		}
		if !js.result {
			f[i] = bson.KV("$alwaysFalse", int32(1))
		}
		return time.Duration(n) * js.sleep, nil
	}
	return 0, nil
}

// countMatching counts the documents of the command's collection that f
// matches (0 when f does not compile: the command reports that itself).
func (s *Server) countMatching(c *command, f bson.D) int {
	coll, ok := c.body[0].Value.(string)
	if !ok {
		return 0
	}
	q, err := compileQuery(f, engine.Vars{})
	if err != nil {
		return 0
	}
	n := 0
	s.store.View(func(r store.Reader) {
		if cl := r.Coll(c.db, coll); cl != nil && !cl.IsView() {
			ms, _ := q.inColl(cl, 0)
			n = len(ms)
		}
	})
	return n
}

// whereSleep waits d for the command, or less: see the errors above.
func (s *Server) whereSleep(c *command, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	var expired error
	if ms, ok := asInt(c.get("maxTimeMS")); ok && ms > 0 && time.Duration(ms)*time.Millisecond < d {
		d = time.Duration(ms) * time.Millisecond
		expired = cmdErrorf(50, "MaxTimeMSExpired", "operation exceeded time limit")
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	var gone <-chan struct{}
	stop := func() bool { return true }
	if c.peer != nil {
		gone, stop = c.peer.Watch()
	}
	defer func() { stop() }()
	for {
		select {
		case <-timer.C:
			return expired
		case <-s.cursors.closing:
			return cmdErrorf(11600, "InterruptedAtShutdown", "interrupted at shutdown")
		case <-gone:
			if !stop() {
				return cmdErrorf(279, "ClientDisconnect", "operation was interrupted because a client disconnected")
			}
			gone, stop = nil, func() bool { return true } // the client sent its next request: wait on
		}
	}
}
