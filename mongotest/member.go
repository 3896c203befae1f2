package mongotest

import (
	"sync/atomic"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/wirehost"
)

// member is the command set of a standalone server or of one replica-set
// member: the server's commands (inner, over the core) behind what a
// member adds: the fail points of configureFailPoint, the primary's
// exclusive right to write, sessions (retryable writes, transactions) and
// change streams.
type member struct {
	core  *Server // the data and the state the set shares
	index int
	// host is set once the host is listening, so read it with Load: its
	// connections' goroutines have no other happens-before edge with
	// the goroutine that started it (the race detector sees the gap).
	host  atomic.Pointer[wirehost.Server]
	inner backend
	fps   *failPoints
	lag   time.Duration // a secondary's replication lag (lag.go)
	// router, set on a mongos, routes its commands to the shard (mongos.go).
	router *router
	rs     *ReplicaSet // the member's set; nil for a standalone server
}

// memberCommands are the commands a member answers itself, before its
// server's command set (which does not know them).
var memberCommands = map[string]bool{"configureFailPoint": true, "replSetFreeze": true, "replSetStepDown": true}

// writeCommands are the commands only a primary runs.
var writeCommands = map[string]bool{
	"insert": true, "update": true, "delete": true, "findAndModify": true, "create": true, "drop": true,
	"dropDatabase": true, "createIndexes": true, "dropIndexes": true, "renameCollection": true,
	"collMod": true, "commitTransaction": true, "abortTransaction": true, "createUser": true, "dropUser": true,
	"bulkWrite": true,
}

// readCommands are those a secondary runs only for a read preference
// other than primary.
var readCommands = map[string]bool{
	"find": true, "aggregate": true, "count": true, "distinct": true, "getMore": true,
	"listCollections": true, "listIndexes": true, "listDatabases": true,
}

// Command answers one command as the member.
func (m *member) Command(peer *wirehost.Peer, req *wirehost.Request) wirehost.Reply {
	if err := m.core.checkAPI(req); err != nil { // stable_api.go
		return errorReply(err)
	}
	if _, ok := apiTestCommands[req.Name]; ok && m.core.params.bool("enableTestCommands") {
		return wirehost.Reply{Doc: wirehost.Doc(append(testCommand(req.Command), bson.KV("ok", 1.0))...)}
	}
	if m.core.users.enabled() && state(peer).user == "" && !commands[req.Name].noAuth {
		if memberCommands[req.Name] { // known here, not to inner: refused as mongod does
			return wirehost.Error(13, "Unauthorized", "Command "+req.Name+" requires authentication")
		}
		return m.inner.Command(peer, req) // refused there before anything else
	}
	if req.Name == "configureFailPoint" {
		if !m.core.params.bool("enableTestCommands") {
			return m.inner.Command(peer, req) // no such command, as on a mongod without test commands
		}
		return m.fps.configure(req)
	}
	if req.Name == "replSetFreeze" || req.Name == "replSetStepDown" {
		return m.replSetCommand(req)
	}
	if fp := m.fps.take(req, peer.AppName); fp != nil {
		return fp.reply(m, req, func() wirehost.Reply { return m.run(peer, req) })
	}
	return m.run(peer, req)
}

// HelloFault refuses a hello that breaks the Stable API (stable_api.go),
// and fires a failCommand fail point that names hello or isMaster,
// as mongod does (the SDAM tests fail monitors' checks this way): an
// error, a closed connection, or only a delay before the hello's answer.
func (m *member) HelloFault(peer *wirehost.Peer, req *wirehost.Request) (wirehost.Reply, bool) {
	if err := m.core.checkAPI(req); err != nil { // the Stable API checks hello as any command
		return errorReply(err), true
	}
	fp := m.fps.take(req, peer.AppName)
	if fp == nil {
		return wirehost.Reply{}, false
	}
	return fp.reply(m, req, func() wirehost.Reply { return wirehost.Reply{} }), true
}

// run answers a command that no fail point took.
func (m *member) run(peer *wirehost.Peer, req *wirehost.Request) wirehost.Reply {
	if m.router != nil {
		return m.route(peer, req)
	}
	role := m.host.Load().Hello().Role
	if role == wirehost.Standalone {
		return m.core.standaloneCommand(m, peer, req)
	}
	if writeCommands[req.Name] && role != wirehost.Primary {
		labels := []string(nil)
		if retryableCommand(req) {
			labels = []string{"RetryableWriteError"}
		}
		return m.withTopologyVersion(wirehost.Error(10107, "NotWritablePrimary", "not primary", labels...))
	}
	if readCommands[req.Name] && role != wirehost.Primary && !secondaryOK(req) {
		return m.withTopologyVersion(wirehost.Error(13435, "NotPrimaryNoSecondaryOk", "not primary and secondaryOk=false"))
	}
	if m.lag > 0 && role == wirehost.Secondary && laggedReads[req.Name] && req.Lookup("autocommit").IsZero() {
		return m.core.laggedRead(m, peer, req, m.lag)
	}
	return m.unsatisfiable(req, m.core.sessionCommand(m, peer, req))
}

// unsatisfiable adds the writeConcernError of a write concern that asks
// for more members than the set has, as MongoDB does after the write.
func (m *member) unsatisfiable(req *wirehost.Request, r wirehost.Reply) wirehost.Reply {
	w, ok := req.Lookup("writeConcern", "w").AsInt64()
	if !ok || !writeCommands[req.Name] || int(w) <= len(m.host.Load().Hello().Hosts) || r.Doc == nil {
		return r
	}
	if ok, _ := r.Doc.Lookup("ok").AsFloat64(); ok != 1 {
		return r
	}
	wce := bson.D{bson.KV("code", int32(100)), bson.KV("codeName", "UnsatisfiableWriteConcern"),
		bson.KV("errmsg", "Not enough data-bearing nodes")}
	r.Doc = appendField(r.Doc, bson.KV("writeConcernError", wce))
	return r
}

// secondaryOK reports whether a read may run on a secondary: its read
// preference is other than primary.
func secondaryOK(req *wirehost.Request) bool {
	mode, _ := req.Lookup("$readPreference", "mode").StringValue()
	return mode != "" && mode != "primary"
}

// withTopologyVersion adds the member's topologyVersion to a state-change
// error, as MongoDB 4.4+ does, so that a driver can tell a stale error.
func (m *member) withTopologyVersion(r wirehost.Reply) wirehost.Reply {
	pid, counter := m.host.Load().TopologyVersion()
	tv := bson.D{bson.KV("processId", pid), bson.KV("counter", counter)}
	r.Doc = appendField(r.Doc, bson.KV("topologyVersion", tv))
	return r
}

// appendField returns doc with one more field.
func appendField(doc bson.Raw, e bson.E) bson.Raw {
	var d bson.D
	if err := bson.Unmarshal(doc, &d); err != nil {
		return doc
	}
	return wirehost.Doc(append(d, e)...)
}

// Hello adds what the handshake asks of authentication.
func (m *member) Hello(peer *wirehost.Peer, req *wirehost.Request) []bson.E {
	return m.inner.Hello(peer, req)
}

// ConnClosed forgets the connection; a mongos behind the load balancer
// first ends the cursors and transactions it opened.
func (m *member) ConnClosed(peer *wirehost.Peer) {
	if m.router != nil {
		m.router.conns.closed(peer)
	}
	m.inner.ConnClosed(peer)
}
