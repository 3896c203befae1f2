package wirehost

import (
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/wire"
)

// serveHello answers a hello the built-in way. A hello that carries the
// host's current topologyVersion and maxAwaitTimeMS is held until the
// state changes or the time passes (streaming SDAM). With exhaustAllowed
// the answer has moreToCome and the host keeps answering, once per change
// or maxAwaitTimeMS, until the connection or the host closes: each reply's
// responseTo is the previous reply's requestID.
func (c *conn) serveHello(req *Request) bool {
	clientTV, wait, awaitable := awaitParams(req)
	exhaust := awaitable && req.Flags&wire.ExhaustAllowed != 0 && req.OpCode == wire.OpMsg
	responseTo := req.RequestID
	for {
		// A fail point fires on every answer, as mongod runs the
		// command again for each reply of an exhaust stream.
		if done, keep := c.helloFault(req, responseTo); done {
			return keep
		}
		doc, tv, ok := c.awaitHello(req, clientTV, wait, awaitable)
		if !ok {
			return false
		}
		var flags wire.MsgFlags
		if exhaust {
			flags = wire.MoreToCome
		}
		id, err := c.writeReply(req, c.s.decorate(doc), flags, responseTo)
		if err != nil || !exhaust {
			return err == nil
		}
		responseTo, clientTV = id, tv
	}
}

// helloFault carries out the fault the backend's fail points give a
// hello (HelloFaults), answering responseTo: done reports that the fault
// answered or closed (keep: whether the connection stays open); a delay
// only is waited out.
func (c *conn) helloFault(req *Request, responseTo int32) (done, keep bool) {
	f, ok := c.s.opts.Backend.(HelloFaults)
	if !ok {
		return false, true
	}
	r, fired := f.HelloFault(c.peer, req)
	switch {
	case !fired:
		return false, true
	case r.Doc == nil && r.Action == Answer:
		return !c.sleep(r.Delay), false
	case r.Action == Answer && !req.MoreToCome():
		if !c.sleep(r.Delay) {
			return true, false
		}
		_, err := c.writeReply(req, c.s.decorate(r.Doc), 0, responseTo)
		return true, err == nil
	}
	return true, c.act(req, r)
}

// awaitParams reads topologyVersion and maxAwaitTimeMS from a hello.
func awaitParams(req *Request) (tv topologyVersion, wait time.Duration, ok bool) {
	tvDoc, hasTV := req.Lookup("topologyVersion").Document()
	ms, hasWait := req.Lookup("maxAwaitTimeMS").AsInt64()
	if !hasTV || !hasWait || ms < 0 {
		return tv, 0, false
	}
	tv.ProcessID, _ = tvDoc.Lookup("processId").ObjectID()
	tv.Counter, _ = tvDoc.Lookup("counter").AsInt64()
	return tv, time.Duration(ms) * time.Millisecond, true
}

// awaitHello returns the hello reply, first waiting while the client's
// topologyVersion is current (when awaitable). ok is false when the host
// stopped meanwhile.
func (c *conn) awaitHello(req *Request, clientTV topologyVersion, wait time.Duration, awaitable bool) (doc bson.Raw, tv topologyVersion, ok bool) {
	s := c.s
	extra := s.backendHello(c.peer, req)
	s.mu.Lock()
	current, changed := s.tv, s.changed
	s.mu.Unlock()
	if awaitable && current == clientTV {
		peer, unwatch := c.watchPeer()
		t := time.NewTimer(wait)
		select {
		case <-changed:
		case <-t.C:
		case <-peer: // the client hung up, or sent something: answer now
		case <-c.l.done:
		}
		t.Stop()
		if !unwatch() {
			return nil, tv, false
		}
		select {
		case <-c.l.done:
			return nil, tv, false
		default:
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.helloLocked(req, c.peer, extra), s.tv, true
}

// helloNow is the hello reply to req on connection peer, without waiting.
func (s *Server) helloNow(req *Request, peer *Peer) bson.Raw {
	extra := s.backendHello(peer, req)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.helloLocked(req, peer, extra)
}

// backendHello is what the backend adds to a hello reply.
func (s *Server) backendHello(peer *Peer, req *Request) []bson.E {
	if s.opts.Backend == nil {
		return nil
	}
	return s.opts.Backend.Hello(peer, req)
}

func (s *Server) helloLocked(req *Request, peer *Peer, extra []bson.E) bson.Raw {
	ask := helloAsk{legacy: req.Name != "hello", connID: peer.ID, extra: extra}
	ask.loadBalanced, _ = req.Lookup("loadBalanced").Boolean()
	if arr, ok := req.Lookup("compression").Array(); ok {
		for _, v := range arr.All() {
			if name, ok := v.StringValue(); ok {
				ask.compression = append(ask.compression, name)
			}
		}
	}
	return helloDoc(&s.hello, s.tv, ask, s.clusterTimeLocked())
}
