package client_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/client"
)

// refusedAddr is a loopback address nothing listens on.
func refusedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// A failed server selection is one type, whatever ended it, with
// IsTimeout and errors.Is(err, context.DeadlineExceeded) true for every
// time limit; the message says what was being selected.
func TestServerSelectionErrorIsOneType(t *testing.T) {
	addr := refusedAddr(t)
	c := connect(t, "mongodb://"+addr+"/?directConnection=true&serverSelectionTimeoutMS=200")
	check := func(name string, err error) {
		t.Helper()
		var se *client.ServerSelectionError
		if !errors.As(err, &se) {
			t.Fatalf("%s: %T %v, want a *client.ServerSelectionError", name, err, err)
		}
		if !client.IsTimeout(err) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: IsTimeout %v, Is(DeadlineExceeded) %v: %v", name, client.IsTimeout(err), errors.Is(err, context.DeadlineExceeded), err)
		}
		if typ := fmt.Sprintf("%T", err); strings.Contains(typ, "driver") {
			t.Errorf("%s: %%T is %s, an internal type", name, typ)
		}
		if msg := err.Error(); !strings.Contains(msg, "ping (read preference primary)") || strings.Contains(msg, "writes") {
			t.Errorf("%s: message %q does not say a ping wanted a primary", name, msg)
		}
	}
	// serverSelectionTimeoutMS ends it.
	check("serverSelectionTimeoutMS", c.Ping(context.Background()))
	// The context's deadline ends it.
	c2 := connect(t, "mongodb://"+addr+"/?directConnection=true")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	check("ctx deadline", c2.Ping(ctx))
	// timeoutMS ends it.
	c3 := connect(t, "mongodb://"+addr+"/?directConnection=true&timeoutMS=200")
	check("timeoutMS", c3.Ping(context.Background()))
}

// Ping selects by the client's read preference, as its doc says.
func TestPingUsesTheClientsReadPreference(t *testing.T) {
	addr := refusedAddr(t)
	c := connect(t, "mongodb://"+addr+"/?replicaSet=rs&readPreference=secondaryPreferred&serverSelectionTimeoutMS=100")
	err := c.Ping(context.Background())
	if err == nil || !strings.Contains(err.Error(), "ping (read preference secondaryPreferred)") {
		t.Errorf("Ping: %v, want a selection by secondaryPreferred", err)
	}
	// A cancelled context is not a timeout.
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	c2 := connect(t, "mongodb://"+addr+"/?directConnection=true")
	err = c2.Ping(ctx)
	if !errors.Is(err, context.Canceled) || client.IsTimeout(err) || client.IsNetworkError(err) {
		t.Errorf("cancelled Ping: %v (timeout %v, network %v)", err, client.IsTimeout(err), client.IsNetworkError(err))
	}
}
