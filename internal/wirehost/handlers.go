package wirehost

import (
	"github.com/torque-go/torque/bson"
)

// Handler answers one command. It runs on the connection's goroutine;
// handlers of different connections run concurrently.
type Handler func(req *Request) Reply

// takeFault returns the oldest armed fail point matching a request named
// name ("" before reading one) on a connection of app, and counts the hit.
func (s *Server) takeFault(name, app string) *FailPoint {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, fp := range s.faults {
		if fp.matches(name, app) {
			fp.used++
			return fp
		}
	}
	return nil
}

// dispatch decides the reply to req on a connection of app: a fail point,
// else a queued reply, else the command's handler (a scripted one, else
// the built-in one, through the memory of answered retryable writes).
// builtinHello says that the caller must run the built-in (awaitable)
// hello instead.
func (s *Server) dispatch(req *Request, peer *Peer) (r Reply, builtinHello bool) {
	fp := s.takeFault(req.Name, peer.AppName)
	s.mu.Lock()
	var queued *Reply
	if q := s.queued[req.Name]; len(q) > 0 {
		queued = &q[0]
		s.queued[req.Name] = q[1:]
	}
	h := s.handlers[req.Name]
	s.mu.Unlock()
	if fp != nil {
		s.logf("fail point fires on %q (%s, code %d)", req.Name, fp.Action, fp.Code)
	}
	if queued == nil && h == nil && isHello(req.Name) {
		if fp == nil {
			return Reply{}, true
		}
		h = func(req *Request) Reply { return Reply{Doc: s.helloNow(req, peer)} }
	}
	apply := func() Reply {
		switch {
		case queued != nil:
			return *queued
		case h != nil:
			return h(req) // scripted: the test decides what a retry means
		}
		if s.opts.Backend != nil {
			return s.opts.Backend.Command(peer, req)
		}
		return s.store.retryable(req, s.builtin(req.Name))
	}
	if fp != nil {
		return fp.reply(apply), false
	}
	return apply(), false
}

// builtin is the default handler of command name.
func (s *Server) builtin(name string) Handler {
	switch name {
	case "ping", "endSessions", "abortTransaction", "commitTransaction", "drop", "create", "createIndexes", "dropDatabase":
		return func(*Request) Reply { return OK() }
	case "buildInfo", "buildinfo":
		return s.buildInfo
	case "getMore":
		return getMore
	case "killCursors":
		return killCursors
	case "saslStart", "saslContinue", "authenticate":
		return func(*Request) Reply {
			return Error(18, "AuthenticationFailed", "mockserver: authentication is not scripted (Handle saslStart)")
		}
	case "configureFailPoint":
		return s.ConfigureFailPoint
	case "insert", "find", "update", "delete", "count", "findAndModify":
		return s.crud
	}
	return func(req *Request) Reply {
		return Error(59, "CommandNotFound", "no such command: '"+req.Name+"'")
	}
}

func (s *Server) buildInfo(*Request) Reply {
	h := s.Hello()
	return OK(bson.KV("version", "7.0.0"), bson.KV("versionArray", bson.A{int32(7), int32(0), int32(0), int32(0)}),
		bson.KV("maxBsonObjectSize", h.MaxBSONObjectSize), bson.KV("gitVersion", "mockserver"))
}

// getMore answers an exhausted cursor: an empty batch and id 0.
func getMore(req *Request) Reply {
	coll, _ := req.Lookup("collection").StringValue()
	return NextBatch(req.DB+"."+coll, 0)
}

// killCursors reports every cursor it was asked to kill as killed.
func killCursors(req *Request) Reply {
	ids, _ := req.Lookup("cursors").Array()
	killed := bson.A{}
	for _, v := range ids.All() {
		killed = append(killed, v)
	}
	return OK(bson.KV("cursorsKilled", killed), bson.KV("cursorsNotFound", bson.A{}),
		bson.KV("cursorsAlive", bson.A{}), bson.KV("cursorsUnknown", bson.A{}))
}

// decorate adds what every reply of a replica-set member or mongos carries:
// $clusterTime and operationTime. A nil doc becomes {ok: 1}.
func (s *Server) decorate(doc bson.Raw) bson.Raw {
	if doc == nil {
		doc = OK().Doc
	}
	s.mu.Lock()
	role, ts := s.hello.Role, s.clusterTimeLocked()
	s.mu.Unlock()
	if s.opts.ClusterTime != nil {
		ts = s.opts.ClusterTime()
	}
	if role == Standalone || !doc.Lookup("$clusterTime").IsZero() {
		return doc
	}
	sig := bson.D{bson.KV("hash", bson.Binary{Subtype: 0, Data: make([]byte, 20)}), bson.KV("keyId", int64(0))}
	return withFields(doc, bson.KV("$clusterTime", bson.D{bson.KV("clusterTime", ts), bson.KV("signature", sig)}),
		bson.KV("operationTime", ts))
}

// clusterTimeLocked is the host's logical clock: seconds of its start,
// increment = writes so far.
func (s *Server) clusterTimeLocked() bson.Timestamp {
	return bson.Timestamp{T: uint32(s.started.Unix()), I: s.clock + 1}
}

// tick advances the logical clock on a write.
func (s *Server) tick() {
	s.mu.Lock()
	s.clock++
	s.mu.Unlock()
}
