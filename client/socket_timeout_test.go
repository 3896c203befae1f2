package client_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/mockserver"
)

// socketTimeoutMS in a URI reaches Options.SocketTimeout; 0 is none.
func TestURISocketTimeout(t *testing.T) {
	for uri, want := range map[string]time.Duration{
		"mongodb://a/?socketTimeoutMS=150": 150 * time.Millisecond,
		"mongodb://a/?socketTimeoutMS=0":   0,
		"mongodb://a/":                     0,
	} {
		o, err := client.ParseURI(uri)
		if err != nil || o.SocketTimeout != want {
			t.Errorf("ParseURI(%q): SocketTimeout %v, err %v; want %v", uri, o.SocketTimeout, err, want)
		}
	}
}

// A reply slower than socketTimeoutMS is a network timeout: the read is
// retried once (on a new connection) and then fails with an error for
// which IsNetworkError and IsTimeout hold and that names the option; the
// caller's context had plenty of time.
func TestSocketTimeoutFailsSlowReply(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI()+"&socketTimeoutMS=100")
	ctx := ctxT(t)
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"find"}, Action: mockserver.Hang})
	err := c.Database("test").Collection("people").FindOne(ctx, bson.D{}).Err()
	if !client.IsNetworkError(err) || !client.IsTimeout(err) || !strings.Contains(err.Error(), "socketTimeoutMS") {
		t.Fatalf("FindOne = %v, want a network timeout naming socketTimeoutMS", err)
	}
	if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
		t.Errorf("FindOne = %v: the caller's context must not be involved", err)
	}
	if n := len(srv.CommandsNamed("find")); n != 2 {
		t.Errorf("%d find commands, want 2 (one retry)", n)
	}
	srv.ClearFailPoints()
	if err := c.Database("test").Collection("people").FindOne(ctx, bson.D{}).Err(); err != nil && !errors.Is(err, client.ErrNoDocuments) {
		t.Errorf("FindOne after the timeouts: %v", err)
	}
}

// A timeoutMS at any level replaces socketTimeoutMS: a reply slower than
// the socket timeout but within timeoutMS is awaited.
func TestTimeoutMSReplacesSocketTimeout(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	ctx := ctxT(t)
	for name, setup := range map[string]func() (context.Context, *client.Collection){
		"client": func() (context.Context, *client.Collection) {
			c := connect(t, srv.URI()+"&socketTimeoutMS=50&timeoutMS=20000")
			return ctx, c.Database("test").Collection("people")
		},
		"collection": func() (context.Context, *client.Collection) {
			c := connect(t, srv.URI()+"&socketTimeoutMS=50")
			d := 20 * time.Second
			return ctx, c.Database("test").Collection("people", client.CollectionOptions{Timeout: &d})
		},
		"operation": func() (context.Context, *client.Collection) {
			c := connect(t, srv.URI()+"&socketTimeoutMS=50")
			return client.WithTimeout(ctx, 20*time.Second), c.Database("test").Collection("people")
		},
	} {
		t.Run(name, func(t *testing.T) {
			octx, coll := setup()
			srv.FailCommand(mockserver.FailPoint{Commands: []string{"insert"}, Delay: 300 * time.Millisecond, Times: 1})
			if _, err := coll.InsertOne(octx, bson.D{bson.KV("x", 1)}); err != nil {
				t.Fatalf("InsertOne with a timeoutMS, reply after 300ms, socketTimeoutMS 50: %v", err)
			}
		})
	}
}
