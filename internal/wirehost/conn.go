package wirehost

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/wire"
)

// conn is one client connection; its goroutine reads a request, answers
// it, and reads the next, until either side closes.
type conn struct {
	s       *Server
	l       *life
	nc      net.Conn
	id      int64
	peer    *Peer  // what the backend knows of this connection
	buf     []byte // read buffer, reused
	plain   []byte // decompression buffer, reused
	peek    [1]byte
	pending []byte // read ahead by watchPeer, to be read first
}

// Read reads the connection: first what watchPeer read ahead.
func (c *conn) Read(b []byte) (int, error) {
	if len(c.pending) > 0 {
		n := copy(b, c.pending)
		c.pending = c.pending[n:]
		return n, nil
	}
	return c.nc.Read(b)
}

// watchPeer reads from the connection while the server holds a reply, so
// that a client that hangs up (or, against the protocol, sends a request)
// is noticed at once instead of when the wait ends. read is closed when
// the read returns; unwatch ends the read, keeps any byte it got for Read,
// and reports whether the connection is still open.
func (c *conn) watchPeer() (read <-chan struct{}, unwatch func() (open bool)) {
	done := make(chan struct{})
	var n int
	var err error
	go func() {
		defer close(done)
		n, err = c.nc.Read(c.peek[:])
	}()
	return done, func() bool {
		_ = c.nc.SetReadDeadline(time.Now())
		<-done
		_ = c.nc.SetReadDeadline(time.Time{})
		c.pending = append(c.pending, c.peek[:n]...)
		return n > 0 || errors.Is(err, os.ErrDeadlineExceeded)
	}
}

// serveConn owns the connection nc of life l.
func (s *Server) serveConn(l *life, nc net.Conn, id int64) {
	defer l.wg.Done()
	defer func() {
		nc.Close()
		s.mu.Lock()
		delete(l.conns, nc)
		s.mu.Unlock()
	}()
	c := &conn{s: s, l: l, nc: nc, id: id, peer: &Peer{ID: id}}
	c.peer.watch = c.watchPeer
	defer s.connClosed(c.peer)
	for {
		var head [wire.HeaderLen]byte
		if _, err := io.ReadFull(c, head[:]); err != nil {
			return
		}
		if fp := s.takeFault("", c.peer.AppName); fp != nil {
			s.logf("conn %d: fail point closes before reading the request", id)
			c.sleep(fp.Delay)
			return
		}
		req, err := c.read(head[:])
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				s.logf("conn %d: %v", id, err)
			}
			return
		}
		if c.swallowed() {
			return
		}
		s.record(req)
		if !c.handle(req) {
			return
		}
	}
}

// read reads the rest of the request whose header is head, decompresses
// and parses it.
func (c *conn) read(head []byte) (*Request, error) {
	max := int(c.s.Hello().MaxMessageSizeBytes)
	h, msg, err := wire.ReadMessage(io.MultiReader(bytes.NewReader(head), c), c.buf[:0], max)
	c.buf = msg[:0]
	if err != nil {
		return nil, err
	}
	var compressor wire.CompressorID
	compressed := h.OpCode == wire.OpCompressed
	if compressed {
		_, cm, err := wire.ParseCompressed(msg)
		if err != nil {
			return nil, err
		}
		compressor = cm.Compressor
		if msg, err = wire.Decompress(c.plain[:0], msg, max); err != nil {
			return nil, err
		}
		c.plain = msg[:0]
	}
	req, err := parseRequest(msg)
	if err != nil {
		return nil, err
	}
	req.Compressed, req.Compressor = compressed, compressor
	req.Host, req.ConnID = c.s.addr, c.id
	return req, nil
}

func (s *Server) record(req *Request) {
	s.log.add(req)
	if s.opts.ClusterLog != nil {
		s.opts.ClusterLog.add(req)
	}
}

// handle answers one request; false means the connection must close.
func (c *conn) handle(req *Request) bool {
	if isHello(req.Name) {
		c.noteHandshake(req)
	}
	r, builtinHello := c.s.dispatch(req, c.peer)
	if builtinHello {
		return c.serveHello(req)
	}
	return c.act(req, r)
}

// act carries out a reply: its delay, then its action or the answer.
func (c *conn) act(req *Request, r Reply) bool {
	if !c.sleep(r.Delay) {
		return false
	}
	switch r.Action {
	case CloseBeforeRead, CloseAfterRead, CloseAfterApply:
		c.s.logf("conn %d: closing instead of answering %q", c.id, req.Name)
		return false
	case Hang:
		c.s.logf("conn %d: hanging on %q", c.id, req.Name)
		c.hang()
		return false
	case WriteRaw:
		_, err := c.nc.Write(r.Raw)
		return err == nil
	case ReplyGarbage, ReplyTruncated, ReplyBadBSON, ReplyWrongResponseTo:
		out, closeAfter := brokenReply(r.Action, req.RequestID, c.s.decorate(r.Doc))
		_, err := c.nc.Write(out)
		return err == nil && !closeAfter
	}
	if req.MoreToCome() {
		// No answer; but a host that is not primary closes the connection
		// on an unacknowledged write (OP_MSG specification).
		code, _ := r.Doc.Lookup("code").AsInt64()
		return code != 10107
	}
	_, err := c.writeReply(req, c.s.decorate(r.Doc), 0, req.RequestID)
	return err == nil
}

// writeReply frames doc as the answer to req (OP_REPLY for an OP_QUERY,
// else OP_MSG with flags), compressed the way req was, and returns the
// reply's request id.
func (c *conn) writeReply(req *Request, doc bson.Raw, flags wire.MsgFlags, responseTo int32) (int32, error) {
	if c.swallowed() {
		return 0, errPartitioned
	}
	id := wire.NextRequestID()
	var out []byte
	var err error
	if req.OpCode == wire.OpQuery {
		out, err = wire.AppendReply(nil, id, responseTo, &wire.Reply{NumberReturned: 1, Documents: wire.Documents(doc)})
	} else {
		out, err = wire.AppendMsg(nil, id, responseTo, &wire.Msg{Flags: flags, Body: doc})
	}
	if err == nil && req.Compressed {
		out, err = wire.Compress(nil, out, req.Compressor, wire.ZlibDefaultLevel)
	}
	if err != nil {
		c.s.logf("conn %d: cannot frame reply: %v", c.id, err)
		return 0, err
	}
	_, err = c.nc.Write(out)
	return id, err
}

// sleep waits d, or less when the host stops; false means it stopped.
func (c *conn) sleep(d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-c.l.done:
		return false
	}
}

// hang reads and discards until the client closes the connection or the
// host closes it on Stop.
func (c *conn) hang() {
	var b [512]byte
	for {
		if _, err := c.nc.Read(b[:]); err != nil {
			return
		}
	}
}

// noteHandshake remembers what the connection's hello said about the
// client.
func (c *conn) noteHandshake(req *Request) {
	if app, ok := req.Lookup("client", "application", "name").StringValue(); ok {
		c.peer.AppName = app
	}
}
