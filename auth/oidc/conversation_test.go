package oidc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/torque-go/torque/auth"
	"github.com/torque-go/torque/bson"
)

// oidcFakeServer plays the server side of MONGODB-OIDC: it accepts the
// tokens in valid, answers a principal step with its IdpInfo, and records
// the tokens it was sent.
type oidcFakeServer struct {
	mu     sync.Mutex
	valid  map[string]bool
	sent   []string   // jwt values received, in order
	starts []bson.Raw // saslStart payloads
}

func newOIDCFakeServer(valid ...string) *oidcFakeServer {
	s := &oidcFakeServer{valid: map[string]bool{}}
	for _, v := range valid {
		s.valid[v] = true
	}
	return s
}

func (s *oidcFakeServer) accept(tok string, ok bool) {
	s.mu.Lock()
	s.valid[tok] = ok
	s.mu.Unlock()
}

func (s *oidcFakeServer) Command(_ context.Context, db string, cmd []byte) (bson.Raw, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := bson.Raw(bytes.Clone(cmd))
	if db != "$external" {
		return nil, fmt.Errorf("fake: db %q", db)
	}
	p, _ := d.Lookup("payload").Binary()
	payload := bson.Raw(p.Data)
	first, _ := d.Index(0)
	if first.Key() == "saslStart" {
		s.starts = append(s.starts, payload)
		if _, isJWT := payload.Lookup("jwt").StringValue(); !isJWT {
			idp := doc(func(d []byte) []byte {
				d = bson.AppendStringElement(d, "issuer", "https://issuer.example")
				d = bson.AppendStringElement(d, "clientId", "client-1")
				arr, d := bson.AppendArrayElementStart(d, "requestScopes")
				d = bson.AppendStringElement(d, "0", "openid")
				d, _ = bson.AppendDocumentEnd(d, arr)
				return d
			})
			return oidcReply(false, idp), nil
		}
	}
	tok, _ := payload.Lookup("jwt").StringValue()
	s.sent = append(s.sent, tok)
	if !s.valid[tok] {
		return doc(func(d []byte) []byte {
			d = bson.AppendDoubleElement(d, "ok", 0)
			d = bson.AppendInt32Element(d, "code", 18)
			return bson.AppendStringElement(d, "errmsg", "Authentication failed.")
		}), nil
	}
	return oidcReply(true, nil), nil
}

func (s *oidcFakeServer) tokensSent() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.sent...)
}

func oidcReply(done bool, payload []byte) bson.Raw {
	return doc(func(d []byte) []byte {
		d = bson.AppendInt32Element(d, "conversationId", 1)
		d = bson.AppendBooleanElement(d, "done", done)
		d = bson.AppendBinaryElement(d, "payload", 0, payload)
		return bson.AppendDoubleElement(d, "ok", 1)
	})
}

// tokenSource is a callback handing out "tok1", "tok2", ... and recording
// its arguments.
type tokenSource struct {
	mu      sync.Mutex
	calls   atomic.Int32
	args    []auth.OIDCArgs
	refresh string // returned as the refresh token
	err     error
}

func (ts *tokenSource) callback(_ context.Context, a *auth.OIDCArgs) (*auth.OIDCCredential, error) {
	n := ts.calls.Add(1)
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.args = append(ts.args, *a)
	if ts.err != nil {
		return nil, ts.err
	}
	return &auth.OIDCCredential{AccessToken: fmt.Sprintf("tok%d", n), RefreshToken: ts.refresh}, nil
}

func init() { oidcRetryPause = 0 } // the spec's 100 ms pause, not waited for in tests

func oidcCred(t *testing.T, c auth.Credential) auth.Credential {
	t.Helper()
	c.Mechanism = auth.MechanismOIDC
	c, err := c.WithDefaults("")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOIDCMachineCallbackAndCache(t *testing.T) {
	ts := &tokenSource{}
	srv := newOIDCFakeServer("tok1", "tok2")
	cred := oidcCred(t, auth.Credential{OIDCMachineCallback: ts.callback})
	ctx := context.Background()
	for i := range 3 {
		st := &auth.ConnState{}
		if err := auth.Authenticate(ctx, srv, cred, nil, st); err != nil {
			t.Fatal(err)
		}
		if st.Token != "tok1" {
			t.Fatalf("connection %d: state token %q", i, st.Token)
		}
	}
	if n := ts.calls.Load(); n != 1 {
		t.Fatalf("callback called %d times for 3 connections, want 1 (cached)", n)
	}
	if a := ts.args[0]; a.Version != 1 || a.IDPInfo != nil || a.RefreshToken != "" {
		t.Fatalf("machine callback args %v", a)
	}
	// The server stops accepting tok1: the cached token is refused once,
	// invalidated, and a new one fetched.
	srv.accept("tok1", false)
	st := &auth.ConnState{}
	if err := auth.Authenticate(ctx, srv, cred, nil, st); err != nil {
		t.Fatal(err)
	}
	if got := srv.tokensSent(); strings.Join(got[len(got)-2:], ",") != "tok1,tok2" || st.Token != "tok2" || ts.calls.Load() != 2 {
		t.Fatalf("sent %v, state %q, calls %d", got, st.Token, ts.calls.Load())
	}
}

func TestOIDCNewTokenRefusedIsFinal(t *testing.T) {
	ts := &tokenSource{}
	srv := newOIDCFakeServer() // accepts nothing
	cred := oidcCred(t, auth.Credential{OIDCMachineCallback: ts.callback})
	err := auth.Authenticate(context.Background(), srv, cred, nil, nil)
	var ce *auth.CommandError
	if !errors.As(err, &ce) || ts.calls.Load() != 1 {
		t.Fatalf("err %v, calls %d: a fresh token's refusal is returned, without another call", err, ts.calls.Load())
	}
	assertNoToken(t, err.Error(), "tok1")
	// A callback error reaches the caller, wrapped.
	boom := errors.New("idp down")
	ts.err = boom
	if err := auth.Authenticate(context.Background(), srv, oidcCred(t, auth.Credential{OIDCMachineCallback: ts.callback}), nil, nil); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the callback's", err)
	}
	empty := func(context.Context, *auth.OIDCArgs) (*auth.OIDCCredential, error) {
		return &auth.OIDCCredential{}, nil
	}
	if err := auth.Authenticate(context.Background(), srv, oidcCred(t, auth.Credential{OIDCMachineCallback: empty}), nil, nil); err == nil ||
		!strings.Contains(err.Error(), "no access token") {
		t.Fatalf("err = %v", err)
	}
}

func TestOIDCInvalidateOnlyTheSameToken(t *testing.T) {
	var c oidcCache
	c.access = "new"
	c.invalidate("old")
	if c.accessToken() != "new" {
		t.Fatal("invalidating an older token cleared the newer one")
	}
	c.invalidate("new")
	if c.accessToken() != "" {
		t.Fatal("the token was not invalidated")
	}
}

func TestOIDCReauthenticate(t *testing.T) {
	ts := &tokenSource{}
	srv := newOIDCFakeServer("tok1", "tok2", "tok3")
	cred := oidcCred(t, auth.Credential{OIDCMachineCallback: ts.callback})
	ctx := context.Background()
	a, b := &auth.ConnState{}, &auth.ConnState{}
	if err := auth.Authenticate(ctx, srv, cred, nil, a); err != nil {
		t.Fatal(err)
	}
	if err := auth.Reauthenticate(ctx, srv, cred, a); err != nil {
		t.Fatal(err)
	}
	if a.Token != "tok2" || ts.calls.Load() != 2 {
		t.Fatalf("after reauthentication: token %q, calls %d; want a new token", a.Token, ts.calls.Load())
	}
	// b authenticated with tok2 (cached); a's older token's invalidation
	// would not touch it.
	if err := auth.Authenticate(ctx, srv, cred, nil, b); err != nil || b.Token != "tok2" {
		t.Fatalf("err %v token %q", err, b.Token)
	}
	// Reauthentication never sends a hello: only saslStart here.
	for _, p := range srv.starts {
		if _, ok := p.Lookup("jwt").StringValue(); !ok {
			t.Fatalf("unexpected saslStart payload %v", p)
		}
	}
}

func TestOIDCSpeculative(t *testing.T) {
	ts := &tokenSource{}
	srv := newOIDCFakeServer("tok1")
	cred := oidcCred(t, auth.Credential{OIDCMachineCallback: ts.callback})
	ctx := context.Background()
	if spec, err := auth.Speculate(cred, nil); err != nil || spec != nil {
		t.Fatalf("Speculate without a cached token = %v, %v; want nil", spec, err)
	}
	if err := auth.Authenticate(ctx, srv, cred, nil, nil); err != nil {
		t.Fatal(err)
	}
	spec, err := auth.Speculate(cred, nil)
	if err != nil || spec == nil {
		t.Fatalf("Speculate with a cached token = %v, %v", spec, err)
	}
	p, _ := spec.Document().Lookup("payload").Binary()
	if tok, _ := bson.Raw(p.Data).Lookup("jwt").StringValue(); tok != "tok1" {
		t.Fatalf("speculative payload jwt %q", tok)
	}
	if db, _ := spec.Document().Lookup("db").StringValue(); db != "$external" {
		t.Fatalf("speculative db %q", db)
	}
	// The server accepted it in the hello: nothing more is sent.
	before := len(srv.tokensSent())
	hello := doc(func(d []byte) []byte {
		return bson.AppendDocumentElement(d, "speculativeAuthenticate", oidcReply(true, nil))
	})
	st := &auth.ConnState{}
	if err := spec.Finish(ctx, srv, hello, st); err != nil || len(srv.tokensSent()) != before || st.Token != "tok1" {
		t.Fatalf("err %v, %d commands, token %q", err, len(srv.tokensSent())-before, st.Token)
	}
	// No answer in the hello: the normal conversation, and the cached token
	// was not invalidated (no callback call).
	spec, _ = auth.Speculate(cred, nil)
	if err := spec.Finish(ctx, srv, doc(func(d []byte) []byte { return d }), st); err != nil {
		t.Fatal(err)
	}
	if ts.calls.Load() != 1 || len(srv.tokensSent()) != before+1 {
		t.Fatalf("calls %d, sent %d", ts.calls.Load(), len(srv.tokensSent())-before)
	}
}

func TestOIDCHumanFlow(t *testing.T) {
	ts := &tokenSource{refresh: "refresh-secret"}
	srv := newOIDCFakeServer("tok1", "tok2")
	cred := oidcCred(t, auth.Credential{Username: "alice", OIDCHumanCallback: ts.callback})
	ctx := context.Background()
	st := &auth.ConnState{Host: "localhost:27017"}
	if err := auth.Authenticate(ctx, srv, cred, nil, st); err != nil {
		t.Fatal(err)
	}
	// Two-step: the principal step named the user, the callback got the
	// server's IdpInfo and no refresh token.
	if n, _ := srv.starts[0].Lookup("n").StringValue(); n != "alice" {
		t.Fatalf("principal step %v", srv.starts[0])
	}
	a := ts.args[0]
	if a.IDPInfo == nil || a.IDPInfo.Issuer != "https://issuer.example" || a.IDPInfo.ClientID != "client-1" ||
		strings.Join(a.IDPInfo.RequestScopes, ",") != "openid" || a.RefreshToken != "" || a.Username != "alice" {
		t.Fatalf("human callback args %v", a)
	}
	// The cached access token is used by the next connection (one step).
	if err := auth.Authenticate(ctx, srv, cred, nil, &auth.ConnState{Host: "localhost:27017"}); err != nil || ts.calls.Load() != 1 {
		t.Fatalf("err %v calls %d", err, ts.calls.Load())
	}
	// tok1 expires: the refresh token gets a new one, with the IdpInfo.
	srv.accept("tok1", false)
	if err := auth.Authenticate(ctx, srv, cred, nil, st); err != nil || st.Token != "tok2" {
		t.Fatalf("err %v token %q", err, st.Token)
	}
	if a := ts.args[1]; a.RefreshToken != "refresh-secret" || a.IDPInfo == nil {
		t.Fatalf("refresh call args %v", a)
	}
	if len(srv.starts) != 4 { // two-step, one-step, refused one-step, refreshed one-step
		t.Fatalf("%d saslStarts, want 4", len(srv.starts))
	}
	if s := fmt.Sprint(ts.args[1]); strings.Contains(s, "refresh-secret") {
		t.Fatalf("OIDCArgs prints the refresh token: %s", s)
	}
}

func TestOIDCAllowedHosts(t *testing.T) {
	ts := &tokenSource{}
	srv := newOIDCFakeServer("tok1")
	cred := oidcCred(t, auth.Credential{OIDCHumanCallback: ts.callback})
	err := auth.Authenticate(context.Background(), srv, cred, nil, &auth.ConnState{Host: "db.example.com:27017"})
	if err == nil || !strings.Contains(err.Error(), "ALLOWED_HOSTS") || ts.calls.Load() != 0 || len(srv.starts) != 0 {
		t.Fatalf("err %v, calls %d, starts %d: want a refusal before any callback or command", err, ts.calls.Load(), len(srv.starts))
	}
	custom := oidcCred(t, auth.Credential{OIDCHumanCallback: ts.callback, OIDCAllowedHosts: []string{"*.example.com"}})
	if err := auth.Authenticate(context.Background(), srv, custom, nil, &auth.ConnState{Host: "db.example.com:27017"}); err != nil {
		t.Fatal(err)
	}
	for addr, want := range map[string]bool{
		"a.mongodb.net:27017": true, "a.b.mongodb.net": true, "mongodb.net:1": false, "evilmongodb.net": false,
		"localhost:27017": true, "127.0.0.1:27017": true, "[::1]:27017": true, "::1": true, "LOCALHOST": true,
		"example.com": false,
	} {
		if got := hostAllowed(addr, auth.DefaultOIDCAllowedHosts); got != want {
			t.Errorf("hostAllowed(%q) = %v, want %v", addr, got, want)
		}
	}
}

func TestOIDCEnvironmentTest(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "token")
	if err := os.WriteFile(file, []byte("file-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("OIDC_TOKEN_FILE", file)
	srv := newOIDCFakeServer("file-token")
	cred := oidcCred(t, auth.Credential{Props: map[string]string{"ENVIRONMENT": "test"}})
	if err := auth.Authenticate(context.Background(), srv, cred, nil, nil); err != nil {
		t.Fatal(err)
	}
	t.Setenv("OIDC_TOKEN_FILE", filepath.Join(dir, "missing"))
	_, err := testTokenFile(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "ENVIRONMENT test") {
		t.Fatalf("err = %v", err)
	}
	t.Setenv("OIDC_TOKEN_FILE", "")
	if _, err := testTokenFile(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "OIDC_TOKEN_FILE") {
		t.Fatalf("err = %v", err)
	}
}

func TestOIDCEnvironmentK8s(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	old := k8sDefaultTokenFile
	t.Cleanup(func() { k8sDefaultTokenFile = old })
	k8sDefaultTokenFile = write("sa", "service-account-token")
	t.Setenv("AZURE_FEDERATED_TOKEN_FILE", "")
	t.Setenv("AWS_WEB_IDENTITY_TOKEN_FILE", "")
	for _, step := range []struct{ env, file, want string }{
		{"", "", "service-account-token"},
		{"AWS_WEB_IDENTITY_TOKEN_FILE", write("aws", "eks-token"), "eks-token"},
		{"AZURE_FEDERATED_TOKEN_FILE", write("azure", "aks-token"), "aks-token"}, // wins over the AWS one
	} {
		if step.env != "" {
			t.Setenv(step.env, step.file)
		}
		oc, err := k8sTokenFile(context.Background(), nil)
		if err != nil || oc.AccessToken != step.want {
			t.Fatalf("got %v, %v; want %s", oc, err, step.want)
		}
	}
	t.Setenv("AZURE_FEDERATED_TOKEN_FILE", write("empty", " \n"))
	if _, err := k8sTokenFile(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("err = %v", err)
	}
}

func TestOIDCAzureNeedsCloudPackage(t *testing.T) {
	if _, ok := oidcEnvironment("azure"); ok {
		t.Skip("an azure environment is registered in this test binary")
	}
	_, err := auth.Credential{Mechanism: auth.MechanismOIDC, Props: map[string]string{"ENVIRONMENT": "azure", "TOKEN_RESOURCE": "r"}}.WithDefaults("")
	if err == nil || !strings.Contains(err.Error(), `import _ "github.com/torque-go/torque/auth/cloud"`) {
		t.Fatalf("err = %v, want one naming the import", err)
	}
}

func TestOIDCSecretsNotPrinted(t *testing.T) {
	oc := auth.OIDCCredential{AccessToken: "access-do-not-print", RefreshToken: "refresh-do-not-print"}
	j, err := json.Marshal([]any{oc, auth.OIDCArgs{Version: 1, RefreshToken: "refresh-do-not-print"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{fmt.Sprint(oc), fmt.Sprintf("%+v", oc), fmt.Sprintf("%#v", &oc), string(j),
		fmt.Sprintf("%v", auth.OIDCArgs{RefreshToken: "refresh-do-not-print"})} {
		assertNoToken(t, s, "do-not-print")
	}
}

func assertNoToken(t *testing.T, s, tok string) {
	t.Helper()
	if strings.Contains(s, tok) {
		t.Errorf("%q shows the token %q", s, tok)
	}
}

// A connection waiting for another connection's callback gives up when its
// own context ends.
func TestOIDCWaitForCallbackHonoursContext(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{})
	slow := func(ctx context.Context, _ *auth.OIDCArgs) (*auth.OIDCCredential, error) {
		close(entered)
		<-release
		return &auth.OIDCCredential{AccessToken: "tok1"}, nil
	}
	cred := oidcCred(t, auth.Credential{OIDCMachineCallback: slow})
	srv := newOIDCFakeServer("tok1")
	done := make(chan error, 1)
	go func() { done <- auth.Authenticate(context.Background(), srv, cred, nil, nil) }()
	<-entered
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := auth.Authenticate(ctx, srv, cred, nil, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want the waiter's context error", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// A cached human-flow token is embedded in a hello only for a host in
// ALLOWED_HOSTS.
func TestOIDCHumanSpeculativeOnlyToAllowedHosts(t *testing.T) {
	ts := &tokenSource{}
	cred := oidcCred(t, auth.Credential{OIDCHumanCallback: ts.callback})
	if err := auth.Authenticate(context.Background(), newOIDCFakeServer("tok1"), cred, nil, &auth.ConnState{Host: "localhost:27017"}); err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]bool{"localhost:27017": true, "db.evil.example:27017": false, "": false} {
		spec, err := auth.Speculate(cred, &auth.ConnState{Host: host})
		if err != nil || (spec != nil) != want {
			t.Errorf("Speculate for %q = %v, %v; want a speculative document: %v", host, spec, err, want)
		}
	}
	if spec, _ := auth.Speculate(cred, nil); spec != nil {
		t.Error("Speculate with an unknown host embedded the token")
	}
}

// doc builds a document with fill.
func doc(fill func([]byte) []byte) []byte {
	start, d := bson.AppendDocumentStart(nil)
	d = fill(d)
	d, _ = bson.AppendDocumentEnd(d, start)
	return d
}
