package client_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/torque-go/torque/auth"
	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/mockserver"
)

// humanServer scripts the two-step MONGODB-OIDC conversation on a mock
// primary: a saslStart without a jwt is the principal step (answered with
// IdpInfo; clientId left out when noClientID), a jwt in saslStart or
// saslContinue is checked against valid.
type humanServer struct {
	*mockserver.Server
	mu         sync.Mutex
	valid      map[string]bool
	principals []string // "n" of each principal step ("" when absent)
	noClientID bool
}

func newHumanServer(t *testing.T, h mockserver.Hello, valid ...string) *humanServer {
	s := &humanServer{Server: primary(t, h), valid: map[string]bool{}}
	for _, v := range valid {
		s.valid[v] = true
	}
	check := func(req *mockserver.Request) mockserver.Reply {
		p, _ := req.Lookup("payload").Binary()
		payload := bson.Raw(p.Data)
		tok, isJWT := payload.Lookup("jwt").StringValue()
		s.mu.Lock()
		defer s.mu.Unlock()
		if !isJWT && req.Name == "saslStart" {
			n, _ := payload.Lookup("n").StringValue()
			s.principals = append(s.principals, n)
			idp := bson.D{bson.KV("issuer", "https://idp.example"), bson.KV("requestScopes", bson.A{"openid"})}
			if !s.noClientID {
				idp = append(idp, bson.KV("clientId", "torque-test"))
			}
			raw, _ := bson.Marshal(idp)
			return mockserver.OK(bson.KV("conversationId", int32(7)), bson.KV("done", false), bson.KV("payload", bson.Binary{Data: raw}))
		}
		if !s.valid[tok] {
			return mockserver.Error(18, "AuthenticationFailed", "Authentication failed.")
		}
		return mockserver.OK(bson.KV("conversationId", int32(7)), bson.KV("done", true), bson.KV("payload", bson.Binary{Data: []byte{}}))
	}
	s.Handle("saslStart", check)
	s.Handle("saslContinue", check)
	return s
}

// human records the calls of a human callback and returns its tokens in
// turn (the last repeatedly), with refresh token rt.
type human struct {
	mu     sync.Mutex
	calls  atomic.Int32
	args   []auth.OIDCArgs
	left   []time.Duration // time left on ctx at each call
	tokens []string
	rt     string
	// refuseRefresh fails a call that brings a refresh token (an IdP that
	// does not know it).
	refuseRefresh bool
}

func (h *human) callback(ctx context.Context, a *auth.OIDCArgs) (*auth.OIDCCredential, error) {
	n := int(h.calls.Add(1))
	h.mu.Lock()
	defer h.mu.Unlock()
	h.args = append(h.args, *a)
	if dl, ok := ctx.Deadline(); ok {
		h.left = append(h.left, time.Until(dl))
	}
	if h.refuseRefresh && a.RefreshToken != "" {
		return nil, errors.New("invalid_grant")
	}
	return &auth.OIDCCredential{AccessToken: h.tokens[min(n, len(h.tokens))-1], RefreshToken: h.rt}, nil
}

func humanClient(t *testing.T, uri string, h *human, opt func(*client.Credential)) *client.Client {
	off := false
	cred := &client.Credential{Mechanism: auth.MechanismOIDC, OIDCHumanCallback: h.callback}
	if opt != nil {
		opt(cred)
	}
	return connect(t, uri, client.Options{RetryReads: &off, Auth: cred})
}

func find(ctx context.Context, c *client.Client) error {
	err := c.Database("test").Collection("c").FindOne(ctx, bson.D{}).Err()
	if errors.Is(err, client.ErrNoDocuments) {
		return nil
	}
	return err
}

// Human flow prose tests 1.1, 1.2, 1.8 and 2.1.
func TestOIDCHumanProseAuthentication(t *testing.T) {
	srv := newHumanServer(t, mockserver.Hello{}, "human-tok")
	h := &human{tokens: []string{"human-tok"}, rt: "refresh-1"}
	if err := find(ctxT(t), humanClient(t, srv.URI(), h, nil)); err != nil {
		t.Fatalf("1.1: %v", err)
	}
	h2 := &human{tokens: []string{"human-tok"}}
	c2 := humanClient(t, srv.URI(), h2, func(c *client.Credential) { c.Username = "test_user1@example" })
	if err := find(ctxT(t), c2); err != nil {
		t.Fatalf("1.2: %v", err)
	}
	srv.mu.Lock()
	got := strings.Join(srv.principals, ",")
	srv.mu.Unlock()
	if got != ",test_user1@example" {
		t.Fatalf("principal steps %q, want no name then the explicit username", got)
	}
	// 2.1: version, IdpInfo from the server, no refresh token on a first
	// call, and five minutes to answer (not the connection's timeout).
	a := h.args[0]
	if a.Version != 1 || a.IDPInfo == nil || a.IDPInfo.Issuer != "https://idp.example" || a.IDPInfo.ClientID != "torque-test" ||
		a.RefreshToken != "" || len(h.left) != 1 || h.left[0] < 4*time.Minute || h.left[0] > 5*time.Minute {
		t.Fatalf("2.1: callback args %v, time left %v", a, h.left)
	}
	// 1.8: a machine IdP sends no clientId; the driver copes.
	srv.mu.Lock()
	srv.noClientID = true
	srv.mu.Unlock()
	h3 := &human{tokens: []string{"human-tok"}}
	if err := find(ctxT(t), humanClient(t, srv.URI(), h3, nil)); err != nil || h3.args[0].IDPInfo.ClientID != "" {
		t.Fatalf("1.8: %v (args %v)", err, h3.args)
	}
}

// Human flow prose tests 1.6 (ALLOWED_HOSTS) and 2.2 (missing data).
func TestOIDCHumanProseValidation(t *testing.T) {
	srv := newHumanServer(t, mockserver.Hello{}, "human-tok")
	for name, hosts := range map[string][]string{"empty list": {}, "example.com only": {"example.com"}} {
		h := &human{tokens: []string{"human-tok"}}
		c := humanClient(t, srv.URI(), h, func(c *client.Credential) { c.OIDCAllowedHosts = hosts })
		err := find(ctxT(t), c)
		if err == nil || !strings.Contains(err.Error(), "ALLOWED_HOSTS") || h.calls.Load() != 0 {
			t.Errorf("1.6 %s: err %v, %d callback calls; want a client-side error before any call", name, err, h.calls.Load())
		}
	}
	h := &human{tokens: []string{""}}
	if err := find(ctxT(t), humanClient(t, srv.URI(), h, nil)); err == nil {
		t.Error("2.2: a callback without an access token authenticated")
	}
}

// Human flow prose tests 2.3 and 4.1-4.3: reauthentication uses the
// refresh token when there is one, the two-step conversation otherwise or
// when the refresh fails.
func TestOIDCHumanProseReauthentication(t *testing.T) {
	for _, tc := range []struct {
		name          string
		rt            string
		refuseRefresh bool
		wantCalls     int32
		wantRefreshed int // calls that got a refresh token
	}{
		{"4.1 with a refresh token", "refresh-1", false, 2, 1},
		{"4.2 without a refresh token", "", false, 2, 0},
		{"4.3 refresh refused", "bad-refresh", true, 3, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newHumanServer(t, mockserver.Hello{}, "tok-a", "tok-b", "tok-c")
			h := &human{tokens: []string{"tok-a", "tok-b", "tok-c"}, rt: tc.rt, refuseRefresh: tc.refuseRefresh}
			var ev events
			off := false
			c := connect(t, srv.URI(), client.Options{RetryReads: &off, Monitor: ev.monitor(),
				Auth: &client.Credential{Mechanism: auth.MechanismOIDC, OIDCHumanCallback: h.callback}})
			ctx := ctxT(t)
			if err := find(ctx, c); err != nil || h.calls.Load() != 1 {
				t.Fatalf("first find: %v, calls %d", err, h.calls.Load())
			}
			ev = events{}
			srv.FailCommand(mockserver.FailPoint{Commands: []string{"find"}, Times: 1, Code: 391})
			if err := find(ctx, c); err != nil {
				t.Fatalf("find after a 391: %v", err)
			}
			refreshed := 0
			for _, a := range h.args {
				if a.RefreshToken != "" {
					refreshed++
				}
			}
			if h.calls.Load() != tc.wantCalls || refreshed != tc.wantRefreshed {
				t.Fatalf("calls %d (want %d), with a refresh token %d (want %d)", h.calls.Load(), tc.wantCalls, refreshed, tc.wantRefreshed)
			}
			var started []string
			for _, e := range ev.started {
				started = append(started, e.CommandName)
			}
			if strings.Join(started, ",") != "find,find" || len(ev.succeeded) != 1 || len(ev.failed) != 1 {
				t.Fatalf("events: started %v, %d succeeded, %d failed", started, len(ev.succeeded), len(ev.failed))
			}
		})
	}
}

// Human flow prose tests 3.1 and 3.2: a new connection authenticates in
// its hello with the cached token (so a failing saslStart does not
// matter); without a cached token there is nothing to speculate with.
func TestOIDCHumanProseSpeculative(t *testing.T) {
	accepted := bson.D{bson.KV("conversationId", int32(1)), bson.KV("done", true), bson.KV("payload", bson.Binary{Data: []byte{}}), bson.KV("ok", 1.0)}
	srv := newHumanServer(t, mockserver.Hello{Extra: bson.D{bson.KV("speculativeAuthenticate", accepted)}}, "tok-a")
	h := &human{tokens: []string{"tok-a"}}
	c := humanClient(t, srv.URI(), h, nil)
	ctx := ctxT(t)
	// 3.2 first: no token cached, the saslStart fails, so does the find.
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"saslStart"}, Times: 1, Code: 18})
	if err := find(ctx, c); err == nil {
		t.Fatal("3.2: find succeeded although the only authentication failed")
	}
	if err := find(ctx, c); err != nil {
		t.Fatalf("find: %v", err)
	}
	// 3.1: drop the connection; the next one authenticates in its hello.
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"find"}, Times: 1, Action: mockserver.CloseAfterRead})
	if err := find(ctx, c); err == nil {
		t.Fatal("3.1: the find whose connection closed succeeded")
	}
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"saslStart"}, Times: 1, Code: 18})
	if err := find(ctx, c); err != nil {
		t.Fatalf("3.1: %v", err)
	}
	srv.ClearFailPoints()
}
