package hostile

import (
	"errors"
	"net"
	"sync"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/wire"
)

// rawServer is a hostile server of this package's own: a net.Listener
// that frames requests with package wire and lets a test decide, per
// connection and per request, which bytes go back. Its hello makes a
// standalone (no topologyVersion, so the client runs no streaming or RTT
// monitor: connection 0 is the monitor's, every later one a pool's).
type rawServer struct {
	ln net.Listener
	// respond decides what connection n (0 is the first accepted) sends
	// for req: the bytes (nil for a normal answer, reply below, unless
	// then is hang), and what the connection does after them.
	respond func(n int, req request) (out []byte, then after)

	mu       sync.Mutex
	conns    map[net.Conn]struct{}
	accepted int
	open     int
	commands map[string]int
	wg       sync.WaitGroup
}

// after is what a connection does once it has answered.
type after int

const (
	carryOn after = iota // read the next request
	hang                 // answer nothing more; stay open until the client or the server closes
	hangUp               // close the connection
)

// request is one message the client sent.
type request struct {
	ID     int32
	Legacy bool // an OP_QUERY (the first isMaster)
	Name   string
	Cmd    bson.Raw
}

func newRawServer(t *testing.T, respond func(n int, req request) ([]byte, after)) *rawServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &rawServer{ln: ln, respond: respond, conns: map[net.Conn]struct{}{}, commands: map[string]int{}}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(s.close)
	return s
}

func (s *rawServer) addr() string { return s.ln.Addr().String() }
func (s *rawServer) uri() string  { return "mongodb://" + s.addr() + "/?directConnection=true" }

// count is how many requests named name arrived.
func (s *rawServer) count(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commands[name]
}

// openConns is how many client connections are still open.
func (s *rawServer) openConns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.open
}

// waitFor waits until n requests named name arrived, or fails t.
func (s *rawServer) close() {
	s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *rawServer) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		n := s.accepted
		s.accepted++
		s.open++
		s.conns[c] = struct{}{}
		s.mu.Unlock()
		s.wg.Add(1)
		go s.serve(n, c)
	}
}

// serve answers the requests of connection n until it closes.
func (s *rawServer) serve(n int, c net.Conn) {
	defer s.wg.Done()
	defer func() {
		c.Close()
		s.mu.Lock()
		delete(s.conns, c)
		s.open--
		s.mu.Unlock()
	}()
	buf := make([]byte, 0, 1<<16)
	for {
		h, msg, err := wire.ReadMessage(c, buf[:0], wire.DefaultMaxMessageSize)
		if err != nil {
			return
		}
		req, err := parseRequest(h, msg)
		if err != nil {
			return
		}
		s.mu.Lock()
		s.commands[req.Name]++
		s.mu.Unlock()
		out, then := s.respond(n, req)
		if out == nil && then != hang {
			out = reply(req, nil)
		}
		if _, err := c.Write(out); err != nil {
			return
		}
		switch then {
		case hang:
			_, _ = c.Read(make([]byte, 1)) // until the client or the server closes
			return
		case hangUp:
			return
		}
	}
}

func parseRequest(h wire.Header, msg []byte) (request, error) {
	req := request{ID: h.RequestID}
	switch h.OpCode {
	case wire.OpQuery:
		q, err := wire.ParseQuery(msg)
		if err != nil {
			return req, err
		}
		req.Legacy, req.Cmd = true, q.Query
	case wire.OpMsg:
		m, err := wire.ParseMsg(msg)
		if err != nil {
			return req, err
		}
		req.Cmd = m.Body
	default:
		return req, errors.New("unexpected " + h.OpCode.String())
	}
	el, err := req.Cmd.Index(0)
	if err != nil {
		return req, err
	}
	req.Name = el.Key()
	if req.Name == "isMaster" || req.Name == "ismaster" {
		req.Name = "hello"
	}
	return req, nil
}

// isHello reports whether req is a handshake or monitoring hello.
func (r request) isHello() bool { return r.Name == "hello" }

// reply frames doc as the answer to req: OP_REPLY for a legacy request,
// OP_MSG otherwise. A nil doc is the normal answer: helloDoc(nil) to a
// hello, {ok: 1} to anything else.
func reply(req request, doc bson.Raw) []byte {
	if doc == nil {
		doc = okDoc()
		if req.isHello() {
			doc = helloDoc(nil)
		}
	}
	if req.Legacy {
		out, err := wire.AppendReply(nil, wire.NextRequestID(), req.ID, &wire.Reply{
			NumberReturned: 1, Documents: wire.Documents(doc)})
		if err != nil {
			panic(err)
		}
		return out
	}
	return msgBytes(req.ID, doc)
}

// msgBytes is an OP_MSG answering request id with body doc (which need
// not be valid BSON: the framing only counts its bytes).
func msgBytes(id int32, doc []byte) []byte {
	start, out := wire.StartMsg(nil, wire.NextRequestID(), id, 0)
	out = wire.AppendBody(out, doc)
	out, err := wire.FinishMsg(out, start)
	if err != nil {
		panic(err)
	}
	return out
}

// helloDoc is a standalone's hello reply, with extra fields appended.
func helloDoc(extra func([]byte) []byte) bson.Raw {
	start, d := bson.AppendDocumentStart(nil)
	d = bson.AppendBooleanElement(d, "isWritablePrimary", true)
	d = bson.AppendBooleanElement(d, "helloOk", true)
	d = bson.AppendInt32Element(d, "minWireVersion", 0)
	d = bson.AppendInt32Element(d, "maxWireVersion", 21)
	d = bson.AppendInt32Element(d, "logicalSessionTimeoutMinutes", 30)
	if extra != nil {
		d = extra(d)
	}
	d = bson.AppendDoubleElement(d, "ok", 1)
	d, err := bson.AppendDocumentEnd(d, start)
	if err != nil {
		panic(err)
	}
	return d
}

// okDoc is {ok: 1}.
func okDoc() bson.Raw {
	start, d := bson.AppendDocumentStart(nil)
	d = bson.AppendDoubleElement(d, "ok", 1)
	d, _ = bson.AppendDocumentEnd(d, start)
	return d
}

// cursorDoc is a find reply {cursor: {id: 0, ns, firstBatch: [docs]}, ok: 1}.
func cursorDoc(docs ...bson.Raw) bson.Raw {
	start, d := bson.AppendDocumentStart(nil)
	cur, d := bson.AppendDocumentElementStart(d, "cursor")
	d = bson.AppendInt64Element(d, "id", 0)
	d = bson.AppendStringElement(d, "ns", "test.c")
	arr, d := bson.AppendArrayElementStart(d, "firstBatch")
	for i, doc := range docs {
		d = bson.AppendDocumentElement(d, bson.ArrayKey(i), doc)
	}
	d, _ = bson.AppendDocumentEnd(d, arr)
	d, _ = bson.AppendDocumentEnd(d, cur)
	d = bson.AppendDoubleElement(d, "ok", 1)
	d, _ = bson.AppendDocumentEnd(d, start)
	return d
}
