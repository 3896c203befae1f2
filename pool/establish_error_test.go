package pool

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/torque-go/torque/auth"
	"github.com/torque-go/torque/bson"
)

// A checkout's failed establishment runs EstablishError before the
// ConnectionClosed event (SDAM's pool clear comes first, as the
// pool-clear-checkout-error test of the SDAM suite wants), and behind a
// load balancer the error carries the service's generation.
func TestEstablishErrorRunsBeforeClosed(t *testing.T) {
	sid := bson.NewObjectID()
	var mu sync.Mutex
	var seq []string
	var hooked *ConnError
	var p *Pool
	established := false // the first connection succeeds: the service is known
	p = New("x:1", Config{
		Conn: ConnConfig{LoadBalanced: true},
		Connect: func(ctx context.Context, addr string) (*Conn, error) {
			if !established {
				established = true
				nc, _ := net.Pipe()
				return NewConn(nc, Description{Address: addr, ServiceID: &sid}), nil
			}
			return nil, &ConnError{Addr: addr, Stage: StageAuth, Sent: true, ServiceID: &sid, Err: errors.New("auth failed")}
		},
		Monitor: func(e Event) {
			mu.Lock()
			seq = append(seq, e.Type.String())
			mu.Unlock()
		},
		EstablishError: func(err error) {
			mu.Lock()
			seq = append(seq, "hook")
			mu.Unlock()
			errors.As(err, &hooked)
			p.Clear(ClearOptions{ServiceID: &sid, Cause: err})
		},
	})
	defer p.Close(context.Background())
	p.Ready()
	c, err := p.Checkout(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer p.CheckIn(c)
	for i := range 2 {
		if _, err := p.Checkout(context.Background()); !errors.Is(err, ErrConnectionFailed) {
			t.Fatalf("checkout %d: %v", i, err)
		}
		// The first failure is of the service's generation 0; the
		// second, after the hook's clear, of generation 1 (the pool's
		// own generation stays 0).
		if hooked == nil || hooked.ServiceID == nil || *hooked.ServiceID != sid || hooked.Generation != uint64(i) {
			t.Fatalf("checkout %d: the hook got %+v", i, hooked)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	got := strings.Join(seq, " ")
	want := "ConnectionCheckOutStarted ConnectionCreated hook ConnectionPoolCleared ConnectionClosed ConnectionCheckOutFailed"
	if !strings.Contains(got, want) {
		t.Errorf("events:\n got %s\nwant ... %s ...", got, want)
	}
}

// No EstablishError for an establishment the pool's Clear interrupted,
// nor after Close.
func TestEstablishErrorNotAfterClose(t *testing.T) {
	calls := 0
	var p *Pool
	p = New("x:1", Config{
		Connect: func(ctx context.Context, addr string) (*Conn, error) {
			p.Close(context.Background())
			return nil, &ConnError{Addr: addr, Stage: StageDial, Err: io.EOF}
		},
		EstablishError: func(error) { calls++ },
	})
	p.Ready()
	if _, err := p.Checkout(context.Background()); !errors.Is(err, ErrPoolClosed) {
		t.Fatalf("got %v", err)
	}
	if calls != 0 {
		t.Errorf("EstablishError ran %d times after Close", calls)
	}
}

// During authentication, a ConnError is a network error only when the
// conversation's own round trip failed on the network.
func TestAuthStageNetwork(t *testing.T) {
	roundTrip := &ConnError{Addr: "x:1", Stage: StageRead, Sent: true, Err: io.EOF}
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"socket closed mid-conversation", &auth.AuthError{Mechanism: "SCRAM-SHA-256", Err: roundTrip}, true},
		{"server refused", &auth.AuthError{Mechanism: "SCRAM-SHA-256", Err: &auth.CommandError{Code: 18, Message: "Authentication failed."}}, false},
		{"caller's context", &auth.AuthError{Err: &ConnError{Stage: StageRead, ContextDone: true, Err: context.Canceled}}, false},
	}
	for _, c := range cases {
		ce := &ConnError{Addr: "x:1", Stage: StageAuth, Sent: true, Err: c.err}
		if got := ce.Network(); got != c.want {
			t.Errorf("%s: Network() = %v, want %v", c.name, got, c.want)
		}
	}
}
