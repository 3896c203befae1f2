package client_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/torque-go/torque/auth"
	_ "github.com/torque-go/torque/auth/aws"  // MONGODB-AWS
	_ "github.com/torque-go/torque/auth/oidc" // MONGODB-OIDC
	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/internal/leakcheck"
	"github.com/torque-go/torque/internal/mockserver"
)

// oidcServer scripts MONGODB-OIDC on a mock primary: saslStart with a jwt
// in valid succeeds; every token sent is recorded.
type oidcServer struct {
	*mockserver.Server
	mu    sync.Mutex
	valid map[string]bool
	sent  []string
}

func newOIDCServer(t *testing.T, valid ...string) *oidcServer {
	return newOIDCServerHello(t, mockserver.Hello{}, valid...)
}

func newOIDCServerHello(t *testing.T, h mockserver.Hello, valid ...string) *oidcServer {
	s := &oidcServer{Server: primary(t, h), valid: map[string]bool{}}
	for _, v := range valid {
		s.valid[v] = true
	}
	s.Handle("saslStart", func(req *mockserver.Request) mockserver.Reply {
		p, _ := req.Lookup("payload").Binary()
		tok, _ := bson.Raw(p.Data).Lookup("jwt").StringValue()
		s.mu.Lock()
		defer s.mu.Unlock()
		s.sent = append(s.sent, tok)
		if m, _ := req.Lookup("mechanism").StringValue(); m != "MONGODB-OIDC" || req.DB != "$external" || !s.valid[tok] {
			return mockserver.Error(18, "AuthenticationFailed", "Authentication failed.")
		}
		return mockserver.OK(bson.KV("conversationId", int32(1)), bson.KV("done", true),
			bson.KV("payload", bson.Binary{Data: []byte{}}))
	})
	return s
}

func (s *oidcServer) tokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.sent...)
}

// The auth spec's reauthentication prose tests, against the mock: a 391 on
// any command makes the driver authenticate the connection again (a new
// token, SASL only, no hello) and rerun the command, even when retries are
// off.
func TestOIDCReauthenticationOn391(t *testing.T) {
	leakcheck.Check(t)
	srv := newOIDCServer(t, "secret-tok1", "secret-tok2", "secret-tok3")
	var calls atomic.Int32
	cb := func(ctx context.Context, a *auth.OIDCArgs) (*auth.OIDCCredential, error) {
		return &auth.OIDCCredential{AccessToken: fmt.Sprintf("secret-tok%d", calls.Add(1))}, nil
	}
	var ev events
	var logs bytes.Buffer
	off := false
	c := connect(t, srv.URI(), client.Options{
		Auth:       &client.Credential{Mechanism: auth.MechanismOIDC, OIDCMachineCallback: cb},
		Monitor:    ev.monitor(),
		Logger:     slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		RetryReads: &off, RetryWrites: &off,
	})
	ctx := ctxT(t)
	coll := c.Database("test").Collection("c")
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 1)}); err != nil {
		t.Fatal(err)
	}
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"find"}, Times: 1, Code: 391, CodeName: "ReauthenticationRequired"})
	var got bson.M
	if err := coll.FindOne(ctx, bson.D{}).Decode(&got); err != nil {
		t.Fatalf("find after a 391: %v", err)
	}
	if calls.Load() != 2 {
		t.Fatalf("callback called %d times, want 2 (the reauthentication fetches a new token)", calls.Load())
	}
	if toks := srv.tokens(); strings.Join(toks, ",") != "secret-tok1,secret-tok2" {
		t.Fatalf("tokens sent %v", toks)
	}
	// On the wire: find (391), saslStart, find, on one connection, with no
	// hello in between.
	var seq []string
	var conn int64 = -1
	for _, r := range srv.Requests() {
		if r.Name == "find" || r.Name == "saslStart" || (conn >= 0 && r.ConnID == conn) {
			if r.Name == "find" && conn < 0 {
				conn = r.ConnID
			}
			if r.ConnID == conn {
				seq = append(seq, r.Name)
			}
		}
	}
	if strings.Join(seq, ",") != "find,saslStart,find" {
		t.Fatalf("requests on the find's connection: %v", seq)
	}
	// The first find failed with 391 in the events; the second succeeded.
	finds := 0
	for _, e := range ev.started {
		if e.CommandName == "find" {
			finds++
		}
	}
	if finds != 2 || len(ev.failed) != 1 || ev.failed[0].CommandName != "find" {
		t.Fatalf("%d find events started, failed %v", finds, ev.failed)
	}
	// A write too.
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"insert"}, Times: 1, Code: 391, CodeName: "ReauthenticationRequired"})
	if _, err := coll.InsertOne(ctx, bson.D{bson.KV("_id", 2)}); err != nil || calls.Load() != 3 {
		t.Fatalf("insert after a 391: %v (calls %d)", err, calls.Load())
	}
	// Nothing of a token in the events or the logs.
	all := logs.String() + fmt.Sprint(ev.started, ev.succeeded, ev.failed)
	if strings.Contains(all, "secret-tok") {
		t.Fatalf("a token leaked into events or logs")
	}
}

// Reauthentication that fails is the operation's error; a second 391
// after a reauthentication is not retried again.
func TestOIDCReauthenticationFailure(t *testing.T) {
	srv := newOIDCServer(t, "secret-tok1")
	var calls atomic.Int32
	cb := func(ctx context.Context, a *auth.OIDCArgs) (*auth.OIDCCredential, error) {
		return &auth.OIDCCredential{AccessToken: fmt.Sprintf("secret-tok%d", calls.Add(1))}, nil
	}
	c := connect(t, srv.URI(), client.Options{Auth: &client.Credential{Mechanism: auth.MechanismOIDC, OIDCMachineCallback: cb}})
	ctx := ctxT(t)
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"ping"}, Times: 1, Code: 391})
	err := c.Ping(ctx) // the new token, secret-tok2, is refused
	if err == nil || strings.Contains(err.Error(), "secret-tok") {
		t.Fatalf("err = %v, want the reauthentication's failure, without the token", err)
	}
	var ae *auth.AuthError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v (%T), want an *auth.AuthError inside", err, err)
	}
}

// Without a credential, a 391 is just the command's error.
func TestReauthenticationNeedsACredential(t *testing.T) {
	srv := primary(t, mockserver.Hello{})
	c := connect(t, srv.URI())
	ctx := ctxT(t)
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"ping"}, Times: 1, Code: 391})
	err := c.Ping(ctx)
	var se *client.CommandError
	if !errors.As(err, &se) || se.Code != 391 || len(srv.CommandsNamed("saslStart")) != 0 {
		t.Fatalf("err = %v, want the 391 itself", err)
	}
}

// Without package auth/aws or auth/oidc, Connect refuses the mechanism at
// once (no I/O: the hosts below do not exist) with an error naming the
// import; Options with an OIDC callback compile without the import.
func TestCloudMechanismNeedsItsPackage(t *testing.T) {
	for _, mech := range []string{auth.MechanismAWS, auth.MechanismOIDC} {
		prev := auth.RegisterMechanism(mech, nil)
		t.Cleanup(func() { auth.RegisterMechanism(mech, prev) })
	}
	cb := func(context.Context, *auth.OIDCArgs) (*auth.OIDCCredential, error) {
		return nil, errors.New("not called")
	}
	for _, tc := range []struct {
		uri  string
		opts client.Options
		pkg  string
	}{
		{"mongodb://nowhere.invalid/?authMechanism=MONGODB-AWS", client.Options{}, "auth/aws"},
		{"mongodb://nowhere.invalid/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:test", client.Options{}, "auth/oidc"},
		{"mongodb://nowhere.invalid/", client.Options{Auth: &client.Credential{Mechanism: auth.MechanismOIDC, OIDCMachineCallback: cb}}, "auth/oidc"},
	} {
		c, err := client.Connect(ctxT(t), tc.uri, tc.opts)
		if err == nil {
			c.Disconnect(ctxT(t))
			t.Fatalf("Connect(%s) succeeded without package %s", tc.uri, tc.pkg)
		}
		if want := `import _ "github.com/torque-go/torque/` + tc.pkg + `"`; !strings.Contains(err.Error(), want) {
			t.Errorf("Connect(%s) = %v; want it to say %s", tc.uri, err, want)
		}
	}
}

// MONGODB-AWS end to end through the pool's handshake: the scripted server
// checks the shape of the conversation (auth/aws's own tests check the
// signature math); no speculative form is sent in the hello.
func TestAWSHandshake(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDCLIENT")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "aws-secret-do-not-print")
	t.Setenv("AWS_SESSION_TOKEN", "aws-token-do-not-print")
	srv := primary(t, mockserver.Hello{})
	var clientNonce []byte
	srv.Handle("saslStart", func(req *mockserver.Request) mockserver.Reply {
		p, _ := req.Lookup("payload").Binary()
		r, _ := bson.Raw(p.Data).Lookup("r").Binary()
		clientNonce = r.Data
		first, _ := bson.Marshal(bson.D{bson.KV("s", bson.Binary{Data: append(append([]byte(nil), r.Data...), make([]byte, 32)...)}),
			bson.KV("h", "sts.amazonaws.com")})
		return mockserver.OK(bson.KV("conversationId", int32(1)), bson.KV("done", false), bson.KV("payload", bson.Binary{Data: first}))
	})
	srv.Handle("saslContinue", func(req *mockserver.Request) mockserver.Reply {
		p, _ := req.Lookup("payload").Binary()
		msg := bson.Raw(p.Data)
		a, _ := msg.Lookup("a").StringValue()
		tok, _ := msg.Lookup("t").StringValue()
		if !strings.HasPrefix(a, "AWS4-HMAC-SHA256 Credential=AKIDCLIENT/") || !strings.Contains(a, "/us-east-1/sts/aws4_request") ||
			tok != "aws-token-do-not-print" || strings.Contains(a, "aws-secret") {
			return mockserver.Error(18, "AuthenticationFailed", "Authentication failed.")
		}
		return mockserver.OK(bson.KV("conversationId", int32(1)), bson.KV("done", true), bson.KV("payload", bson.Binary{Data: []byte{}}))
	})
	c := connect(t, srv.URI()+"&authMechanism=MONGODB-AWS")
	if err := c.Ping(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if len(clientNonce) != 32 || len(srv.CommandsNamed("saslContinue")) != 1 {
		t.Fatalf("nonce %d bytes, %d saslContinue", len(clientNonce), len(srv.CommandsNamed("saslContinue")))
	}
	for _, r := range srv.Requests() {
		if r.Lookup("speculativeAuthenticate").Type != 0 {
			t.Fatal("a hello carried speculativeAuthenticate for MONGODB-AWS")
		}
	}
}

// oidcClient connects to srv with cb as the machine callback, retryReads
// off (as the OIDC prose tests require).
func oidcClient(t *testing.T, srv *oidcServer, cb auth.OIDCCallback) *client.Client {
	off := false
	return connect(t, srv.URI(), client.Options{RetryReads: &off,
		Auth: &client.Credential{Mechanism: auth.MechanismOIDC, OIDCMachineCallback: cb}})
}

// counted hands out the given tokens in turn (the last one repeatedly).
func counted(calls *atomic.Int32, tokens ...string) auth.OIDCCallback {
	return func(context.Context, *auth.OIDCArgs) (*auth.OIDCCredential, error) {
		n := int(calls.Add(1))
		return &auth.OIDCCredential{AccessToken: tokens[min(n, len(tokens))-1]}, nil
	}
}

// OIDC prose tests 1.1 and 1.2: one callback call for many connections.
func TestOIDCProseCallbackOnce(t *testing.T) {
	srv := newOIDCServer(t, "good")
	var calls atomic.Int32
	c := oidcClient(t, srv, counted(&calls, "good"))
	coll := c.Database("test").Collection("c")
	ctx := ctxT(t)
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				if err := coll.FindOne(ctx, bson.D{}).Err(); err != nil && !errors.Is(err, client.ErrNoDocuments) {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if calls.Load() != 1 {
		t.Fatalf("callback called %d times, want 1", calls.Load())
	}
}

// OIDC prose tests 2.2 to 2.5: bad callback results and configurations.
func TestOIDCProseCallbackValidation(t *testing.T) {
	srv := newOIDCServer(t, "good")
	for name, cb := range map[string]auth.OIDCCallback{
		"2.2 nil": func(context.Context, *auth.OIDCArgs) (*auth.OIDCCredential, error) { return nil, nil },
		"2.3 missing data": func(context.Context, *auth.OIDCArgs) (*auth.OIDCCredential, error) {
			return &auth.OIDCCredential{RefreshToken: "x"}, nil
		},
	} {
		c := oidcClient(t, srv, cb)
		if err := c.Database("test").Collection("c").FindOne(ctxT(t), bson.D{}).Err(); err == nil || errors.Is(err, client.ErrNoDocuments) {
			t.Errorf("%s: find: %v, want an authentication error", name, err)
		}
	}
	bad := []client.Credential{
		{Mechanism: auth.MechanismOIDC, OIDCMachineCallback: counted(new(atomic.Int32), "x"), Props: map[string]string{"ENVIRONMENT": "test"}},
		{Mechanism: auth.MechanismOIDC, Props: map[string]string{"ENVIRONMENT": "azure", "TOKEN_RESOURCE": "r", "ALLOWED_HOSTS": ""}},
	}
	for i := range bad {
		if _, err := client.Connect(context.Background(), srv.URI(), client.Options{Auth: &bad[i]}); err == nil {
			t.Errorf("2.%d: Connect accepted %v", i+4, bad[i])
		}
	}
}

// OIDC prose tests 3.2 and 3.3.
func TestOIDCProseAuthenticationFailure(t *testing.T) {
	srv := newOIDCServer(t, "good")
	var calls atomic.Int32
	c := oidcClient(t, srv, counted(&calls, "bad"))
	if err := c.Ping(ctxT(t)); err == nil || calls.Load() != 1 {
		t.Fatalf("3.2: err %v, calls %d; want a failure after 1 call", err, calls.Load())
	}
	// 3.3: an unexpected error code on saslStart fails the operation but
	// keeps the cached token: the next operation uses it.
	var calls2 atomic.Int32
	c2 := oidcClient(t, srv, counted(&calls2, "good"))
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"saslStart"}, Times: 1, Code: 20, CodeName: "IllegalOperation"})
	if err := c2.Ping(ctxT(t)); err == nil || calls2.Load() != 1 {
		t.Fatalf("3.3: err %v, calls %d; want a failure after 1 call", err, calls2.Load())
	}
	if err := c2.Ping(ctxT(t)); err != nil || calls2.Load() != 1 {
		t.Fatalf("3.3: err %v, calls %d; want success with the cached token", err, calls2.Load())
	}
}

// OIDC prose tests 4.2, 4.3 and 4.5.
func TestOIDCProseReauthentication(t *testing.T) {
	srv := newOIDCServer(t, "good")
	for _, cmd := range []string{"find", "insert"} {
		var calls atomic.Int32
		c := oidcClient(t, srv, counted(&calls, "good", "bad"))
		coll := c.Database("test").Collection("c")
		op := func(ctx context.Context) error {
			if cmd == "find" {
				if err := coll.FindOne(ctx, bson.D{}).Err(); !errors.Is(err, client.ErrNoDocuments) {
					return err
				}
				return nil
			}
			_, err := coll.InsertOne(ctx, bson.D{})
			return err
		}
		if err := op(ctxT(t)); err != nil {
			t.Fatalf("%s: %v", cmd, err)
		}
		srv.FailCommand(mockserver.FailPoint{Commands: []string{cmd}, Times: 1, Code: 391})
		if err := op(ctxT(t)); err == nil || calls.Load() != 2 {
			t.Fatalf("%s after a 391 with a bad new token: err %v, calls %d; want a failure after 2 calls", cmd, err, calls.Load())
		}
	}
	// 4.5: in an explicit session.
	var calls atomic.Int32
	c := oidcClient(t, srv, counted(&calls, "good"))
	sess, err := c.StartSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.EndSession(context.Background())
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"find"}, Times: 1, Code: 391})
	ctx := client.WithSession(ctxT(t), sess)
	if err := c.Database("test").Collection("c").FindOne(ctx, bson.D{}).Err(); err != nil && !errors.Is(err, client.ErrNoDocuments) {
		t.Fatalf("4.5: %v", err)
	}
	if calls.Load() != 2 {
		t.Fatalf("4.5: calls %d, want 2", calls.Load())
	}
}

// OIDC prose test 4.4: a new connection sends the cached token in its
// hello (speculative authentication, accepted here by a hello that always
// answers done), and reauthentication after a 391 uses saslStart, not a
// hello.
func TestOIDCProseSpeculativeIgnoredOnReauthentication(t *testing.T) {
	accepted := bson.D{bson.KV("conversationId", int32(1)), bson.KV("done", true), bson.KV("payload", bson.Binary{Data: []byte{}}), bson.KV("ok", 1.0)}
	srv := newOIDCServerHello(t, mockserver.Hello{Extra: bson.D{bson.KV("speculativeAuthenticate", accepted)}}, "tok1", "tok2")
	var calls atomic.Int32
	c := oidcClient(t, srv, counted(&calls, "tok1", "tok2"))
	coll := c.Database("test").Collection("c")
	ctx := ctxT(t)
	if _, err := coll.InsertOne(ctx, bson.D{}); err != nil {
		t.Fatal(err)
	}
	// Drop the connection: the next operation opens a new one.
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"ping"}, Times: 1, Action: mockserver.CloseAfterRead})
	_ = c.Ping(ctx)
	if _, err := coll.InsertOne(ctx, bson.D{}); err != nil {
		t.Fatal(err)
	}
	var lastHello *mockserver.Request
	for _, r := range srv.Requests() {
		if r.Lookup("speculativeAuthenticate").Type != 0 {
			lastHello = r
		}
	}
	if lastHello == nil {
		t.Fatal("no hello carried speculativeAuthenticate after a token was cached")
	}
	p, _ := lastHello.Lookup("speculativeAuthenticate", "payload").Binary()
	if tok, _ := bson.Raw(p.Data).Lookup("jwt").StringValue(); tok != "tok1" {
		t.Fatalf("speculative jwt %q, want the cached tok1", tok)
	}
	if n := len(srv.CommandsNamed("saslStart")); n != 1 || calls.Load() != 1 {
		t.Fatalf("%d saslStarts, %d callback calls; want 1 and 1 (the second connection authenticated in its hello)", n, calls.Load())
	}
	srv.FailCommand(mockserver.FailPoint{Commands: []string{"insert"}, Times: 1, Code: 391})
	if _, err := coll.InsertOne(ctx, bson.D{}); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.CommandsNamed("saslStart")); n != 2 || calls.Load() != 2 {
		t.Fatalf("%d saslStarts, %d callback calls after a 391; want 2 and 2", n, calls.Load())
	}
}
