package driver

import (
	"context"
	"errors"
	"testing"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/topology"
)

// reauthConn is a fakeConn that can reauthenticate.
type reauthConn struct {
	*fakeConn
	authenticated bool
	reauths       int
	err           error
}

func (c *reauthConn) Authenticated() bool { return c.authenticated }
func (c *reauthConn) Reauthenticate(context.Context) error {
	c.reauths++
	return c.err
}

// reauthDeployment is a primary that answers 391 to the first `fails`
// commands; sent counts the commands.
func reauthDeployment(t *testing.T, fails int) (d *fakeDeployment, sent *int) {
	d = newFake(topology.ReplicaSetWithPrimary, topology.RSPrimary)
	sent = new(int)
	d.handle(func(topology.Address, bson.Raw) (bson.Raw, bool, error) {
		*sent++
		if *sent <= fails {
			return doc(t, bson.D{bson.KV("ok", 0.0), bson.KV("code", int32(391)), bson.KV("codeName", "ReauthenticationRequired")}), true, nil
		}
		return okDoc(t), true, nil
	})
	return d, sent
}

// reauthServer hands out rc (around the fake server's connection).
type reauthServer struct {
	*fakeServer
	conn *reauthConn
}

func (s *reauthServer) Connection(ctx context.Context) (Conn, error) {
	c, err := s.fakeServer.Connection(ctx)
	if err != nil {
		return nil, err
	}
	s.conn.fakeConn = c.(*fakeConn)
	return s.conn, nil
}

type reauthDep struct {
	d    *fakeDeployment
	conn *reauthConn
}

func (r reauthDep) SelectServer(ctx context.Context, c topology.Criteria) (Server, error) {
	s, err := r.d.SelectServer(ctx, c)
	if err != nil {
		return nil, err
	}
	return &reauthServer{fakeServer: s.(*fakeServer), conn: r.conn}, nil
}

// runReauth runs a find (retryReads off) against a server that answers 391
// `fails` times, on rc; it returns the commands sent and the error.
func runReauth(t *testing.T, fails int, rc *reauthConn) (int, error) {
	d, sent := reauthDeployment(t, fails)
	x := newExecutor(d)
	x.Deployment = reauthDep{d: d, conn: rc}
	x.RetryReads = false
	err := x.Execute(context.Background(), simpleOp(t, "find", Read, bson.D{bson.KV("find", "c")}))
	return *sent, err
}

func TestReauthenticationReruns(t *testing.T) {
	rc := &reauthConn{authenticated: true}
	sent, err := runReauth(t, 1, rc)
	if err != nil || sent != 2 || rc.reauths != 1 || !rc.released || rc.closed {
		t.Fatalf("err %v, sent %d, reauths %d, released %v closed %v", err, sent, rc.reauths, rc.released, rc.closed)
	}
}

func TestReauthenticationOnce(t *testing.T) {
	rc := &reauthConn{authenticated: true}
	sent, err := runReauth(t, 2, rc)
	var e *Error
	if !errors.As(err, &e) || e.Code != 391 || sent != 2 || rc.reauths != 1 {
		t.Fatalf("err %v, sent %d, reauths %d: a second 391 is the caller's", err, sent, rc.reauths)
	}
}

func TestReauthenticationFailureClosesConn(t *testing.T) {
	boom := errors.New("idp down")
	rc := &reauthConn{authenticated: true, err: boom}
	sent, err := runReauth(t, 1, rc)
	if !errors.Is(err, boom) || sent != 1 || !rc.closed {
		t.Fatalf("err %v, sent %d, closed %v", err, sent, rc.closed)
	}
}

func TestNoReauthenticationWithoutCredential(t *testing.T) {
	rc := &reauthConn{authenticated: false}
	sent, err := runReauth(t, 1, rc)
	var e *Error
	if !errors.As(err, &e) || e.Code != 391 || sent != 1 || rc.reauths != 0 || !rc.released {
		t.Fatalf("err %v, sent %d, reauths %d", err, sent, rc.reauths)
	}
}
