package bench

import (
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/wire"
)

// NullServer is a minimal MongoDB server in the same process: it answers
// every command with a canned reply and stores nothing, so a task run
// against it measures the driver (and loopback TCP) alone. Both drivers
// talk to the same server.
//
//   - hello / isMaster (OP_QUERY or OP_MSG): a standalone, maxWireVersion 21,
//     no topologyVersion (so drivers poll instead of streaming)
//   - find: one document when the filter has an _id or the limit is 1; else
//     a cursor over Total documents, 101 in the first batch
//   - getMore: the rest of the cursor, up to 16 MiB per batch
//   - insert: {n: <documents received>, ok: 1}
//   - anything else (killCursors, endSessions, drop, create, ping...): {ok: 1}
//
// Every document a find returns is Doc. Cursors are server-wide, as on a
// real server, because a driver may send its getMore on another connection.
type NullServer struct {
	Doc   bson.Raw // the document every find returns
	Total int      // how many documents a find without _id or limit yields

	ln      net.Listener
	wg      sync.WaitGroup
	connID  atomic.Int32
	nextCur atomic.Int64
	inserts atomic.Int64 // insert commands received
	hellos  atomic.Int64 // hello and isMaster commands received
	member  *rsMember    // nil: a standalone (set before the server starts)

	mu      sync.Mutex
	conns   map[net.Conn]struct{}
	cursors map[int64]int // cursor id -> documents still to send
	batches map[int][]byte
	closed  bool
}

// NewNullServer starts a server on a free loopback port.
func NewNullServer(doc bson.Raw, total int) (*NullServer, error) {
	s, err := listenNullServer(doc, total)
	if err != nil {
		return nil, err
	}
	s.start()
	return s, nil
}

// listenNullServer opens the server's listener; start begins accepting.
func listenNullServer(doc bson.Raw, total int) (*NullServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	return &NullServer{
		Doc: doc, Total: total, ln: ln,
		conns: map[net.Conn]struct{}{}, cursors: map[int64]int{}, batches: map[int][]byte{},
	}, nil
}

func (s *NullServer) start() {
	s.wg.Add(1)
	go s.accept()
}

// Addr is the server's host:port.
func (s *NullServer) Addr() string { return s.ln.Addr().String() }

// URI is a connection string for a direct connection to the server.
func (s *NullServer) URI() string { return "mongodb://" + s.Addr() + "/?directConnection=true" }

// Hellos is the number of hello (and isMaster) commands received so far:
// handshakes and heartbeats.
func (s *NullServer) Hellos() int64 { return s.hellos.Load() }

// Inserts is the number of insert commands received so far: how many
// commands a driver split an insertMany into.
func (s *NullServer) Inserts() int64 { return s.inserts.Load() }

// Close stops accepting, closes every connection and waits for the
// goroutines to end.
func (s *NullServer) Close() error {
	s.mu.Lock()
	s.closed = true
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	err := s.ln.Close()
	s.wg.Wait()
	return err
}

func (s *NullServer) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go s.serve(c)
	}
}

// serve answers one connection's requests in order until it fails or closes.
func (s *NullServer) serve(c net.Conn) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		c.Close()
	}()
	id := s.connID.Add(1)
	var in, out []byte
	for {
		h, msg, err := wire.ReadMessage(c, in, wire.DefaultMaxMessageSize)
		in = msg[:0]
		if err != nil {
			return
		}
		out, err = s.answer(out[:0], h, msg, id)
		if err != nil {
			return
		}
		if out == nil { // moreToCome: no reply
			continue
		}
		if _, err := c.Write(out); err != nil {
			return
		}
	}
}

// answer appends the reply to one request; nil means none is due.
func (s *NullServer) answer(dst []byte, h wire.Header, msg []byte, connID int32) ([]byte, error) {
	switch h.OpCode {
	case wire.OpQuery:
		if _, err := wire.ParseQuery(msg); err != nil {
			return nil, err
		}
		body := s.hello(nil, connID)
		return wire.AppendReply(dst, wire.NextRequestID(), h.RequestID,
			&wire.Reply{NumberReturned: 1, Documents: wire.Documents(body)})
	case wire.OpMsg:
		m, err := wire.ParseMsg(msg)
		if err != nil {
			return nil, err
		}
		start, dst := wire.StartMsg(dst, wire.NextRequestID(), h.RequestID, 0)
		dst = wire.StartBody(dst)
		dst, err = s.command(dst, &m, connID)
		if err != nil {
			return nil, err
		}
		if m.Flags&wire.MoreToCome != 0 {
			return nil, nil
		}
		return wire.FinishMsg(dst, start)
	default:
		return nil, fmt.Errorf("bench: null server: unexpected %s", h.OpCode)
	}
}

// command appends the reply document to the command in m.
func (s *NullServer) command(dst []byte, m *wire.Msg, connID int32) ([]byte, error) {
	cmd := bson.Raw(m.Body)
	first, err := cmd.Index(0)
	if err != nil {
		return nil, err
	}
	switch first.Key() {
	case "hello", "isMaster", "ismaster":
		return s.hello(dst, connID), nil
	case "find":
		return s.find(dst, cmd)
	case "getMore":
		id, _ := first.Value().AsInt64()
		n, _ := cmd.Lookup("batchSize").AsInt64()
		return s.batch(dst, "nextBatch", id, int(n)), nil
	case "killCursors":
		return s.killCursors(dst, cmd), nil
	case "insert":
		s.inserts.Add(1)
		return appendN(dst, countDocuments(m, cmd)), nil
	default:
		return appendN(dst, -1), nil
	}
}

func (s *NullServer) find(dst []byte, cmd bson.Raw) ([]byte, error) {
	limit, _ := cmd.Lookup("limit").AsInt64()
	_, byID := cmd.LookupErr("filter", "_id")
	if byID == nil || limit == 1 || s.Total <= 1 {
		return s.appendCursor(dst, "firstBatch", 0, 1), nil
	}
	id := s.nextCur.Add(1)
	s.mu.Lock()
	s.cursors[id] = s.Total
	s.mu.Unlock()
	n, _ := cmd.Lookup("batchSize").AsInt64()
	if n <= 0 {
		n = 101
	}
	return s.batch(dst, "firstBatch", id, int(n)), nil
}

// batch appends the next batch of cursor id: at most n documents (no limit
// when n <= 0) and at most 16 MiB of them. An unknown id gets an empty
// batch, as drivers treat a finished cursor.
func (s *NullServer) batch(dst []byte, name string, id int64, n int) []byte {
	fit := max((16<<20-1024)/len(s.Doc), 1)
	if n <= 0 || n > fit {
		n = fit
	}
	s.mu.Lock()
	left := s.cursors[id]
	n = min(n, left)
	if left -= n; left > 0 {
		s.cursors[id] = left
	} else {
		delete(s.cursors, id)
		id = 0
	}
	s.mu.Unlock()
	return s.appendCursor(dst, name, id, n)
}

func (s *NullServer) killCursors(dst []byte, cmd bson.Raw) []byte {
	ids, _ := cmd.Lookup("cursors").Array()
	s.mu.Lock()
	for _, v := range ids.All() {
		id, _ := v.AsInt64()
		delete(s.cursors, id)
	}
	s.mu.Unlock()
	return appendN(dst, -1)
}

// appendCursor appends {cursor: {<name>: [n × Doc], id, ns}, ok: 1}. The
// array of n documents is built once per n and then only copied.
func (s *NullServer) appendCursor(dst []byte, name string, id int64, n int) []byte {
	s.mu.Lock()
	arr, ok := s.batches[n]
	if !ok {
		start, b := bson.AppendDocumentStart(nil)
		for i := range n {
			b = bson.AppendDocumentElement(b, bson.ArrayKey(i), s.Doc)
		}
		arr, _ = bson.AppendDocumentEnd(b, start)
		s.batches[n] = arr
	}
	s.mu.Unlock()
	start, dst := bson.AppendDocumentStart(dst)
	cur, dst := bson.AppendDocumentElementStart(dst, "cursor")
	dst = bson.AppendArrayElement(dst, name, arr)
	dst = bson.AppendInt64Element(dst, "id", id)
	dst = bson.AppendStringElement(dst, "ns", "perftest.corpus")
	dst, _ = bson.AppendDocumentEnd(dst, cur)
	dst = bson.AppendDoubleElement(dst, "ok", 1)
	dst, _ = bson.AppendDocumentEnd(dst, start)
	return dst
}

// countDocuments counts an insert's documents, sent either as a kind-1
// section or as an array in the body.
func countDocuments(m *wire.Msg, cmd bson.Raw) int {
	if seq, ok := m.Sequence("documents"); ok {
		return seq.Docs.Count()
	}
	arr, _ := cmd.Lookup("documents").Array()
	vals, _ := arr.Values()
	return len(vals)
}

// appendN appends {n: n, ok: 1}, or {ok: 1} when n < 0.
func appendN(dst []byte, n int) []byte {
	start, dst := bson.AppendDocumentStart(dst)
	if n >= 0 {
		dst = bson.AppendInt32Element(dst, "n", int32(n))
	}
	dst = bson.AppendDoubleElement(dst, "ok", 1)
	dst, _ = bson.AppendDocumentEnd(dst, start)
	return dst
}

// hello counts a hello and appends its reply.
func (s *NullServer) hello(dst []byte, connID int32) []byte {
	s.hellos.Add(1)
	return appendHello(dst, connID, s.member)
}

// appendHello appends the reply of a standalone server (m nil) or of
// replica-set member m, wire version 21 (MongoDB 7.0).
func appendHello(dst []byte, connID int32, m *rsMember) []byte {
	primary := m == nil || m.me == m.hosts[0]
	start, dst := bson.AppendDocumentStart(dst)
	dst = bson.AppendBooleanElement(dst, "helloOk", true)
	dst = bson.AppendBooleanElement(dst, "isWritablePrimary", primary)
	dst = bson.AppendBooleanElement(dst, "ismaster", primary)
	if m != nil {
		dst = appendMember(dst, m, primary)
	}
	dst = bson.AppendInt32Element(dst, "maxBsonObjectSize", 16<<20)
	dst = bson.AppendInt32Element(dst, "maxMessageSizeBytes", 48_000_000)
	dst = bson.AppendInt32Element(dst, "maxWriteBatchSize", 100_000)
	dst = bson.AppendDateTimeElement(dst, "localTime", time.Now().UnixMilli())
	dst = bson.AppendInt32Element(dst, "logicalSessionTimeoutMinutes", 30)
	dst = bson.AppendInt32Element(dst, "connectionId", connID)
	dst = bson.AppendInt32Element(dst, "minWireVersion", 0)
	dst = bson.AppendInt32Element(dst, "maxWireVersion", 21)
	dst = bson.AppendBooleanElement(dst, "readOnly", false)
	dst = bson.AppendDoubleElement(dst, "ok", 1)
	dst, _ = bson.AppendDocumentEnd(dst, start)
	return dst
}
