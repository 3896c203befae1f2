package wirehost

import (
	"github.com/torque-go/torque/bson"
)

// Backend answers the commands that no fail point, queued reply or
// scripted handler answered: a real server's command set. Options.Backend
// nil means the built-in scripted defaults (a small Store, ok for the
// rest). Its methods run on the connection's goroutine, without any lock
// of the host held; calls for different connections run concurrently.
type Backend interface {
	// Command answers req, received on the connection peer.
	Command(peer *Peer, req *Request) Reply
	// Hello returns fields to add to the built-in hello reply to req
	// (saslSupportedMechs, speculativeAuthenticate), or nil.
	Hello(peer *Peer, req *Request) []bson.E
	// ConnClosed is called once when the connection peer has closed.
	ConnClosed(peer *Peer)
}

// HelloFaults is a Backend whose fail points may name hello, as mongod's
// failCommand can: HelloFault returns the fault for a hello on peer and
// true when one fires. A Reply with neither Doc nor Action only delays the
// built-in hello by its Delay (blockConnection).
type HelloFaults interface {
	HelloFault(peer *Peer, req *Request) (Reply, bool)
}

// Peer is what a host knows of one client connection. Only that
// connection's goroutine uses it, so a Backend may keep its state for the
// connection in State without a lock.
type Peer struct {
	ID      int64  // the connectionId of its hello
	AppName string // client.application.name from its hello
	State   any    // the Backend's own, e.g. who authenticated

	watch func() (<-chan struct{}, func() bool)
}

// Watch is for a backend that holds a reply a long while (a $where that
// sleeps): it reads from the connection meanwhile, and gone is closed when
// the client hangs up (or sends something). stop ends the watch before
// the reply goes out and reports whether the connection is still open.
// Call it from the command's own goroutine only.
func (p *Peer) Watch() (gone <-chan struct{}, stop func() (open bool)) {
	if p.watch == nil {
		return nil, func() bool { return true }
	}
	return p.watch()
}

// connClosed tells the backend that peer's connection ended.
func (s *Server) connClosed(peer *Peer) {
	if s.opts.Backend != nil {
		s.opts.Backend.ConnClosed(peer)
	}
}
