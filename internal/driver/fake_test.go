package driver

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/topology"
	"github.com/torque-go/torque/wire"
)

// fakeDeployment is an in-memory Deployment: its servers answer through
// a handler that sees every command as the server would (body with the
// document sequences merged in as arrays).
type fakeDeployment struct {
	mu       sync.Mutex
	servers  []*fakeServer
	tt       topology.TopologyType
	next     int // index of the next server to select (round robin)
	criteria []topology.Criteria
	sdamErrs []error
	done     int
}

type fakeServer struct {
	d       *fakeDeployment
	desc    topology.ServerDescription
	connErr error           // Connection fails with it when set
	onConn  func(*fakeConn) // sees every connection handed out
	handler func(addr topology.Address, cmd bson.Raw) (reply bson.Raw, sent bool, err error)
}

// cmdLog is what the fake servers received, in order.
type cmdLog struct {
	mu   sync.Mutex
	cmds []bson.Raw
	addr []topology.Address
}

func (l *cmdLog) add(addr topology.Address, cmd bson.Raw) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cmds = append(l.cmds, append(bson.Raw(nil), cmd...))
	l.addr = append(l.addr, addr)
}

func newFake(tt topology.TopologyType, types ...topology.ServerType) *fakeDeployment {
	d := &fakeDeployment{tt: tt}
	thirty := int64(30)
	for i, st := range types {
		addr := topology.Address("host" + string(rune('a'+i)) + ":27017")
		d.servers = append(d.servers, &fakeServer{d: d, desc: topology.ServerDescription{
			Addr: addr, Type: st, MaxWireVersion: 21, LogicalSessionTimeoutMinutes: &thirty,
			MaxBSONObjectSize: 16 << 20, MaxMessageSizeBytes: 48_000_000, MaxWriteBatchSize: 100_000,
		}})
	}
	return d
}

// handle sets every server's handler.
func (d *fakeDeployment) handle(h func(addr topology.Address, cmd bson.Raw) (bson.Raw, bool, error)) {
	for _, s := range d.servers {
		s.handler = h
	}
}

func (d *fakeDeployment) SelectServer(ctx context.Context, c topology.Criteria) (Server, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.criteria = append(d.criteria, c)
	if c.Only != "" {
		for _, s := range d.servers {
			if s.desc.Addr == c.Only {
				return s, nil
			}
		}
		return nil, errors.New("no server " + string(c.Only))
	}
	for range d.servers {
		s := d.servers[d.next%len(d.servers)]
		d.next++
		if len(c.Deprioritized) > 0 && c.Deprioritized[0] == s.desc.Addr && len(d.servers) > 1 {
			continue
		}
		return s, nil
	}
	return nil, errors.New("no server")
}

func (s *fakeServer) Description() topology.ServerDescription { return s.desc }
func (s *fakeServer) TopologyType() topology.TopologyType     { return s.d.tt }
func (s *fakeServer) Connection(ctx context.Context) (Conn, error) {
	if s.connErr != nil {
		return nil, s.connErr
	}
	c := &fakeConn{s: s}
	if s.onConn != nil {
		s.onConn(c)
	}
	return c, nil
}
func (s *fakeServer) ReportError(_ Conn, err error) {
	s.d.mu.Lock()
	s.d.sdamErrs = append(s.d.sdamErrs, err)
	s.d.mu.Unlock()
}
func (s *fakeServer) Done() { s.d.mu.Lock(); s.d.done++; s.d.mu.Unlock() }

type fakeConn struct {
	s        *fakeServer
	closed   bool
	released bool
}

func (c *fakeConn) ID() string                              { return string(c.s.desc.Addr) + "#1" }
func (c *fakeConn) ServerConnectionID() int64               { return 42 }
func (c *fakeConn) Description() topology.ServerDescription { return c.s.desc }
func (c *fakeConn) Close() error                            { c.closed = true; return nil }
func (c *fakeConn) Release()                                { c.released = true }

func (c *fakeConn) RoundTrip(ctx context.Context, msg []byte, buf *[]byte) ([]byte, bool, error) {
	m, err := wire.ParseMsg(msg)
	if err != nil {
		return nil, false, err
	}
	e := encoded{msg: msg, body: m.Body}
	cmd := commandWithSequences(&e)
	reply, sent, err := c.s.handler(c.s.desc.Addr, cmd)
	if err != nil || m.Flags&wire.MoreToCome != 0 {
		return nil, sent, err
	}
	out := append((*buf)[:0], reply...)
	*buf = out[:0]
	return out, true, nil
}

// doc marshals a bson.D, failing the test on error.
func doc(t testing.TB, d bson.D) bson.Raw {
	t.Helper()
	b, err := bson.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// okDoc is {ok: 1, fields...}.
func okDoc(t testing.TB, fields ...bson.E) bson.Raw {
	return doc(t, append(bson.D{bson.KV("ok", 1.0)}, fields...))
}

// simpleOp is a command built from a bson.D.
func simpleOp(t testing.TB, name string, kind Kind, body bson.D) *Operation {
	raw := doc(t, body)
	return &Operation{Name: name, DB: "db", Kind: kind,
		Command: func(dst []byte, _ *topology.ServerDescription) ([]byte, error) {
			return append(dst, raw[4:len(raw)-1]...), nil
		}}
}
