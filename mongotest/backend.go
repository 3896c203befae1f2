package mongotest

import (
	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/wirehost"
)

// backend is the server's command set, served by the wire host.
type backend struct{ s *Server }

// connState is what the server keeps per connection.
type connState struct {
	user string    // "db.name" once authenticated
	sasl *scramSrv // a conversation in progress
}

func state(p *wirehost.Peer) *connState {
	st, _ := p.State.(*connState)
	if st == nil {
		st = &connState{}
		p.State = st
	}
	return st
}

// Command answers one command: parse, check authentication, dispatch. A
// panic in a handler (a bug of mongotest's) becomes an InternalError reply
// naming it, so that one bad command cannot take the test process down.
func (b backend) Command(peer *wirehost.Peer, req *wirehost.Request) (reply wirehost.Reply) {
	defer func() {
		if p := recover(); p != nil {
			reply = errorReply(cmdErrorf(1, "InternalError", "mongotest: internal error in %s: %v", req.Name, p))
		}
	}()
	c, err := parseCommand(req)
	if err != nil {
		return errorReply(err)
	}
	c.conn, c.peer = state(peer), peer
	spec, ok := commands[c.name]
	if !ok {
		return errorReply(cmdErrorf(59, "CommandNotFound", "no such command: '%s' (mongotest does not support it)", c.name))
	}
	if b.s.users.enabled() && !spec.noAuth && c.conn.user == "" {
		return errorReply(cmdErrorf(13, "Unauthorized", "Command %s requires authentication", c.name))
	}
	if err := c.checkFields(spec); err != nil {
		return errorReply(err)
	}
	if err := c.checkGeneric(); err != nil {
		return errorReply(err)
	}
	b.s.local.record(c)
	if err := b.s.applyWhere(c); err != nil { // where.go
		return errorReply(err)
	}
	out, err := spec.run(b.s, c)
	if err != nil {
		return errorReply(err)
	}
	return wirehost.Reply{Doc: wirehost.Doc(append(out, bson.KV("ok", 1.0))...)}
}

// Hello adds what the handshake asks of authentication.
func (b backend) Hello(peer *wirehost.Peer, req *wirehost.Request) []bson.E {
	if !b.s.users.enabled() {
		return nil
	}
	var out []bson.E
	if name, ok := req.Lookup("saslSupportedMechs").StringValue(); ok {
		if mechs := b.s.users.mechanisms(name); mechs != nil {
			out = append(out, bson.KV("saslSupportedMechs", mechs))
		}
	}
	if spec, ok := req.Lookup("speculativeAuthenticate").Document(); ok {
		if reply := b.s.speculative(state(peer), spec); reply != nil {
			out = append(out, bson.KV("speculativeAuthenticate", reply))
		}
	}
	return out
}

// ConnClosed forgets the connection.
func (b backend) ConnClosed(*wirehost.Peer) {}
