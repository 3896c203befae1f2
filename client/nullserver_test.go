package client_test

import (
	"encoding/binary"
	"net"
	"sync"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/wire"
)

// nullServer answers every command with a fixed reply chosen by command
// name, allocating nothing per request: with it a benchmark measures the
// driver alone (the mock server records every request, which costs).
type nullServer struct {
	ln      net.Listener
	replies map[string][]byte // OP_MSG replies, responseTo patched per request
	hello   bson.Raw
	wg      sync.WaitGroup
	mu      sync.Mutex
	conns   map[net.Conn]bool
}

func startNullServer(tb testing.TB, replies map[string]bson.Raw) *nullServer {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &nullServer{ln: ln, replies: map[string][]byte{}, conns: map[net.Conn]bool{}}
	s.hello = nullDoc(tb, bson.D{bson.KV("ok", 1.0), bson.KV("isWritablePrimary", true), bson.KV("ismaster", true),
		bson.KV("helloOk", true), bson.KV("maxWireVersion", 21), bson.KV("minWireVersion", 0),
		bson.KV("maxBsonObjectSize", 16<<20), bson.KV("maxMessageSizeBytes", 48_000_000),
		bson.KV("maxWriteBatchSize", 100_000), bson.KV("logicalSessionTimeoutMinutes", 30), bson.KV("connectionId", 1)})
	replies["hello"], replies["isMaster"] = s.hello, s.hello
	for name, doc := range replies {
		msg, err := wire.AppendMsg(nil, 1, 0, &wire.Msg{Body: doc})
		if err != nil {
			tb.Fatal(err)
		}
		s.replies[name] = msg
	}
	s.wg.Add(1)
	go s.accept()
	tb.Cleanup(s.close)
	return s
}

func nullDoc(tb testing.TB, d bson.D) bson.Raw {
	b, err := bson.Marshal(d)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func (s *nullServer) uri() string {
	return "mongodb://" + s.ln.Addr().String() + "/?directConnection=true"
}

func (s *nullServer) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns[c] = true
		s.mu.Unlock()
		s.wg.Add(1)
		go s.serve(c)
	}
}

func (s *nullServer) close() {
	s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *nullServer) serve(c net.Conn) {
	defer s.wg.Done()
	defer c.Close()
	buf := make([]byte, 0, 1<<20)
	out := make([]byte, 0, 1<<20)
	for {
		h, msg, err := wire.ReadMessage(c, buf, 64<<20)
		if err != nil {
			return
		}
		buf = msg[:0]
		var reply []byte
		switch h.OpCode {
		case wire.OpQuery: // the legacy first hello
			q, err := wire.ParseQuery(msg)
			if err != nil {
				return
			}
			_ = q
			reply, err = wire.AppendReply(out[:0], 1, h.RequestID, &wire.Reply{NumberReturned: 1, Documents: wire.Documents(s.hello)})
			if err != nil {
				return
			}
		case wire.OpMsg:
			m, err := wire.ParseMsg(msg)
			if err != nil {
				return
			}
			if m.Flags&wire.MoreToCome != 0 {
				continue
			}
			r, ok := s.replies[string(commandNameOf(m.Body))] // no allocation: map index with a converted []byte
			if !ok {
				r = s.replies["default"]
			}
			reply = append(out[:0], r...)
			binary.LittleEndian.PutUint32(reply[8:], uint32(h.RequestID))
		default:
			return
		}
		out = reply[:0]
		if _, err := c.Write(reply); err != nil {
			return
		}
	}
}

// commandNameOf returns the bytes of the first key of a body.
func commandNameOf(body []byte) []byte {
	for i := 5; i < len(body); i++ {
		if body[i] == 0 {
			return body[5:i]
		}
	}
	return nil
}
