package aws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/torque-go/torque/auth"
	"github.com/torque-go/torque/bson"
)

const (
	testAKID   = "AKIDTESTEXAMPLE"
	testSecret = "aws-secret-do-not-print"
	testToken  = "aws-session-token-do-not-print"
)

// clearAWSEnv empties the AWS variables for the test (t.Setenv restores them).
func clearAWSEnv(t *testing.T) {
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		t.Setenv(k, "")
	}
}

func awsCred(t *testing.T, c auth.Credential) auth.Credential {
	t.Helper()
	c, _ = awsCredCache(t, c)
	return c
}

// awsCredCache returns the credential as a client holds it, and that
// client's credential cache.
func awsCredCache(t *testing.T, c auth.Credential) (auth.Credential, *awsCache) {
	t.Helper()
	rec := &recordingMechanism{}
	prev := auth.RegisterMechanism(auth.MechanismAWS, rec)
	defer auth.RegisterMechanism(auth.MechanismAWS, prev)
	c.Mechanism = auth.MechanismAWS
	c, err := c.WithDefaults("")
	if err != nil {
		t.Fatal(err)
	}
	if rec.cache == nil {
		t.Fatal("WithDefaults made no client state")
	}
	return c, rec.cache
}

// recordingMechanism is MONGODB-AWS that remembers the client state it
// made last.
type recordingMechanism struct {
	mechanism
	cache *awsCache
}

func (m *recordingMechanism) NewClientState() any {
	m.cache = new(awsCache)
	return m.cache
}

func TestImportRegistersMechanism(t *testing.T) {
	prev := auth.RegisterMechanism(auth.MechanismAWS, nil)
	auth.RegisterMechanism(auth.MechanismAWS, prev)
	if _, ok := prev.(mechanism); !ok {
		t.Fatalf("the registered MONGODB-AWS is %T, want this package's", prev)
	}
}

func TestAWSConversationFromEnvironment(t *testing.T) {
	srv := newAWSFakeServer(t)
	srv.secrets[testAKID], srv.tokens[testAKID] = testSecret, testToken
	clearAWSEnv(t)
	t.Setenv("AWS_ACCESS_KEY_ID", testAKID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", testSecret)
	t.Setenv("AWS_SESSION_TOKEN", testToken)
	cred, cache := awsCredCache(t, auth.Credential{})
	st := &auth.ConnState{}
	if err := auth.Authenticate(context.Background(), srv, cred, nil, st); err != nil {
		t.Fatal(err)
	}
	if srv.verified != 1 || len(srv.cmds) != 2 {
		t.Fatalf("verified %d, %d commands", srv.verified, len(srv.cmds))
	}
	if _, ok := cache.get(); ok {
		t.Error("credentials from the environment were cached")
	}
	// The environment is read again at each authentication.
	t.Setenv("AWS_SECRET_ACCESS_KEY", "rotated-secret")
	srv.secrets[testAKID] = "rotated-secret"
	if err := auth.Authenticate(context.Background(), srv, cred, nil, nil); err != nil {
		t.Fatal(err)
	}
}

func TestAWSConversationWrongSecret(t *testing.T) {
	srv := newAWSFakeServer(t)
	srv.secrets[testAKID] = "the-real-secret"
	clearAWSEnv(t)
	cred := awsCred(t, auth.Credential{Username: testAKID, Password: testSecret})
	err := auth.Authenticate(context.Background(), srv, cred, nil, nil)
	var ce *auth.CommandError
	var ae *auth.AuthError
	if !errors.As(err, &ae) || !errors.As(err, &ce) || ce.Code != 18 {
		t.Fatalf("err = %v, want the server's refusal (18) in an *AuthError", err)
	}
	if srv.verified != 0 {
		t.Fatal("the fake server verified a signature made with the wrong secret")
	}
	assertNoSecret(t, err.Error())
	// The same exchange with the right secret passes: the check above
	// failed for the secret, not for anything else.
	srv.secrets[testAKID] = testSecret
	if err := auth.Authenticate(context.Background(), srv, cred, nil, nil); err != nil {
		t.Fatal(err)
	}
}

func TestAWSSessionTokenMustMatch(t *testing.T) {
	srv := newAWSFakeServer(t)
	srv.secrets[testAKID], srv.tokens[testAKID] = testSecret, testToken
	clearAWSEnv(t)
	noToken := awsCred(t, auth.Credential{Username: testAKID, Password: testSecret})
	if err := auth.Authenticate(context.Background(), srv, noToken, nil, nil); err == nil {
		t.Fatal("authenticated without the session token the server requires")
	}
	withToken := awsCred(t, auth.Credential{Username: testAKID, Password: testSecret, Props: map[string]string{"AWS_SESSION_TOKEN": testToken}})
	if err := auth.Authenticate(context.Background(), srv, withToken, nil, nil); err != nil {
		t.Fatal(err)
	}
}

func TestAWSServerFirstChecks(t *testing.T) {
	clearAWSEnv(t)
	cred := awsCred(t, auth.Credential{Username: testAKID, Password: testSecret})
	long := strings.Repeat("a", 252) + ".com"
	tests := []struct {
		name  string
		first func(nonce []byte, host string) []byte
		want  string
	}{
		{"short nonce", func(n []byte, h string) []byte { return awsFirst(n[:63], h) }, "63 bytes, want 64"},
		{"foreign nonce", func(n []byte, h string) []byte {
			m := append([]byte(nil), n...)
			m[0] ^= 1
			return awsFirst(m, h)
		}, "does not start with the client nonce"},
		{"empty host", func(n []byte, _ string) []byte { return awsFirst(n, "") }, "empty STS host"},
		{"empty label", func(n []byte, _ string) []byte { return awsFirst(n, "sts..com") }, "empty label"},
		{"leading dot", func(n []byte, _ string) []byte { return awsFirst(n, ".amazonaws.com") }, "empty label"},
		{"trailing dot", func(n []byte, _ string) []byte { return awsFirst(n, "sts.amazonaws.") }, "empty label"},
		{"long host", func(n []byte, _ string) []byte { return awsFirst(n, long) }, "more than 255"},
		{"no nonce", func(_ []byte, h string) []byte {
			return doc(func(d []byte) []byte { return bson.AppendStringElement(d, "h", h) })
		}, "s (server nonce) is missing"},
		{"not bson", func([]byte, string) []byte { return []byte{1, 2, 3} }, "not a BSON document"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newAWSFakeServer(t)
			srv.secrets[testAKID] = testSecret
			srv.serverFirst = tc.first
			err := auth.Authenticate(context.Background(), srv, cred, nil, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if len(srv.cmds) != 1 {
				t.Fatalf("%d commands sent; nothing may be signed after a bad server-first", len(srv.cmds))
			}
		})
	}
}

func awsFirst(nonce []byte, host string) []byte {
	return doc(func(d []byte) []byte {
		d = bson.AppendBinaryElement(d, "s", 0, nonce)
		return bson.AppendStringElement(d, "h", host)
	})
}

// The region table of the auth spec ("Region Calculation").
func TestAWSRegion(t *testing.T) {
	for host, want := range map[string]string{
		"sts.amazonaws.com":              "us-east-1",
		"sts.us-west-2.amazonaws.com":    "us-west-2",
		"sts.us-west-2.amazonaws.com.ch": "us-west-2",
		"example.com":                    "com",
		"localhost":                      "us-east-1",
		"sts..com":                       "",
		".amazonaws.com":                 "",
		"sts.amazonaws.":                 "",
		"":                               "",
		strings.Repeat("x", 256):         "",
	} {
		got, err := awsRegion(host)
		if want == "" && err == nil || want != "" && (err != nil || got != want) {
			t.Errorf("awsRegion(%.20q) = %q, %v; want %q", host, got, err, want)
		}
	}
}

// A server in another region: the signature's scope follows the host.
func TestAWSRegionalHost(t *testing.T) {
	srv := newAWSFakeServer(t)
	srv.host, srv.region = "sts.eu-central-1.amazonaws.com", "eu-central-1"
	srv.secrets[testAKID] = testSecret
	clearAWSEnv(t)
	if err := auth.Authenticate(context.Background(), srv, awsCred(t, auth.Credential{Username: testAKID, Password: testSecret}), nil, nil); err != nil {
		t.Fatal(err)
	}
}

// countingProvider hands out temporary credentials that expire at exp().
type countingProvider struct {
	calls atomic.Int32
	exp   func() time.Time
}

func (p *countingProvider) provide(context.Context) (auth.AWSCredentials, error) {
	n := p.calls.Add(1)
	return auth.AWSCredentials{AccessKeyID: testAKID, SecretAccessKey: testSecret, SessionToken: fmt.Sprintf("tok%d", n), Expiration: p.exp()}, nil
}

func TestAWSCacheRefreshAndClear(t *testing.T) {
	clearAWSEnv(t)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	exp := now.Add(time.Hour)
	p := &countingProvider{exp: func() time.Time { return exp }}
	cred, cache := awsCredCache(t, auth.Credential{AWSCredentialProvider: p.provide})
	cache.now = func() time.Time { return now }
	srv := newAWSFakeServer(t)
	srv.secrets[testAKID] = testSecret
	srv.now = time.Now()
	authn := func() error {
		srv.tokens[testAKID] = fmt.Sprintf("tok%d", p.calls.Load())
		if p.calls.Load() == 0 {
			srv.tokens[testAKID] = "tok1"
		}
		return auth.Authenticate(context.Background(), srv, cred, nil, nil)
	}
	for range 3 {
		if err := authn(); err != nil {
			t.Fatal(err)
		}
	}
	if n := p.calls.Load(); n != 1 {
		t.Fatalf("provider called %d times for 3 authentications within the validity, want 1", n)
	}
	now = exp.Add(-5*time.Minute - time.Second) // just over 5 minutes left: still cached
	if err := authn(); err != nil || p.calls.Load() != 1 {
		t.Fatalf("err %v, calls %d: want the cached credentials", err, p.calls.Load())
	}
	now = exp.Add(-5 * time.Minute) // 5 minutes left: refreshed
	exp = now.Add(time.Hour)        // the new credentials' expiry
	srv.tokens[testAKID] = "tok2"
	if err := auth.Authenticate(context.Background(), srv, cred, nil, nil); err != nil || p.calls.Load() != 2 {
		t.Fatalf("err %v, calls %d: want a refresh 5 minutes before expiry", err, p.calls.Load())
	}
	// An authentication failure (with the cached credentials: no fetch)
	// clears the cache: the next one fetches.
	srv.tokens[testAKID] = "not-what-the-client-has"
	if err := auth.Authenticate(context.Background(), srv, cred, nil, nil); err == nil || p.calls.Load() != 2 {
		t.Fatalf("err %v, calls %d: want a failure with the cached credentials", err, p.calls.Load())
	}
	if _, ok := cache.get(); ok {
		t.Fatal("cache not cleared after an authentication failure")
	}
	srv.tokens[testAKID] = "tok3"
	if err := auth.Authenticate(context.Background(), srv, cred, nil, nil); err != nil || p.calls.Load() != 3 {
		t.Fatalf("err %v, calls %d: want a fetch after the failure", err, p.calls.Load())
	}
}

func TestAWSChainOrder(t *testing.T) {
	clearAWSEnv(t)
	remote := &countingProvider{exp: func() time.Time { return time.Now().Add(time.Hour) }}
	RegisterProvider(remote.provide)
	t.Cleanup(func() { RegisterProvider(nil) })
	ctx := context.Background()

	// Code beats everything.
	t.Setenv("AWS_ACCESS_KEY_ID", "ENVKEY")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
	c, err := awsCredentials(ctx, awsCred(t, auth.Credential{Username: "CODEKEY", Password: "code-secret"}), new(awsCache))
	if err != nil || c.AccessKeyID != "CODEKEY" {
		t.Fatalf("got %v, %v; want the key pair from code", c, err)
	}
	// Then the environment, before the registered HTTP chain.
	cred, cache := awsCredCache(t, auth.Credential{})
	if c, err = awsCredentials(ctx, cred, cache); err != nil || c.AccessKeyID != "ENVKEY" || remote.calls.Load() != 0 {
		t.Fatalf("got %v, %v (remote calls %d); want the environment's", c, err, remote.calls.Load())
	}
	// Half an environment is an error, not a fall-through.
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	if _, err = awsCredentials(ctx, cred, cache); err == nil || !strings.Contains(err.Error(), "must be set together") {
		t.Fatalf("err = %v", err)
	}
	// Then the registered provider, whose credentials are cached...
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	if c, err = awsCredentials(ctx, cred, cache); err != nil || c.AccessKeyID != testAKID || remote.calls.Load() != 1 {
		t.Fatalf("got %v, %v; want the registered provider's", c, err)
	}
	// ... and used even once the environment is set again (auth spec).
	t.Setenv("AWS_ACCESS_KEY_ID", "ENVKEY")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
	if c, err = awsCredentials(ctx, cred, cache); err != nil || c.AccessKeyID != testAKID || remote.calls.Load() != 1 {
		t.Fatalf("got %v, %v; want the cached credentials", c, err)
	}
	// Nothing at all: the error names the package to import.
	RegisterProvider(nil)
	clearAWSEnv(t)
	_, err = awsCredentials(ctx, awsCred(t, auth.Credential{}), new(awsCache))
	if !errors.Is(err, errNoAWSCredentials) || !strings.Contains(err.Error(), "auth/cloud") {
		t.Fatalf("err = %v", err)
	}
}

func TestAWSNoSpeculativeForm(t *testing.T) {
	clearAWSEnv(t)
	spec, err := auth.Speculate(awsCred(t, auth.Credential{Username: testAKID, Password: testSecret}), nil)
	if err != nil || spec != nil {
		t.Fatalf("Speculate = %v, %v; MONGODB-AWS has no speculative form", spec, err)
	}
}

// assertNoSecret fails if s shows any of the test secrets.
func assertNoSecret(t *testing.T, s string) {
	t.Helper()
	for _, secret := range []string{testSecret, testToken, "do-not-print", "hunter2"} {
		if strings.Contains(s, secret) {
			t.Errorf("%q shows a secret", s)
		}
	}
}

// Nothing of a secret in fmt, JSON or errors, whatever holds it.
func TestAWSSecretsNotPrinted(t *testing.T) {
	creds := auth.AWSCredentials{AccessKeyID: testAKID, SecretAccessKey: testSecret, SessionToken: testToken, Expiration: time.Now()}
	cred := auth.Credential{Mechanism: auth.MechanismAWS, Username: testAKID, Password: testSecret, PasswordSet: true,
		Props: map[string]string{"AWS_SESSION_TOKEN": testToken}, AWSCredentialProvider: staticAWS}
	var outs []string
	for _, v := range []any{creds, &creds, cred, &cred, []any{creds, cred}, struct{ C auth.AWSCredentials }{creds}} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			outs = append(outs, fmt.Sprintf(verb, v))
		}
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, string(j))
	}
	for _, o := range outs {
		assertNoSecret(t, o)
	}
	if !strings.Contains(fmt.Sprint(creds), testAKID) {
		t.Error("the access key id (not a secret) should be shown")
	}
	var back map[string]any
	if j, _ := json.Marshal(cred); json.Unmarshal(j, &back) != nil || back["Username"] != testAKID {
		t.Errorf("Credential JSON %s is not valid JSON with the username", j)
	}
}
