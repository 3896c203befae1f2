package cloud

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/torque-go/torque/auth"
	"github.com/torque-go/torque/auth/aws"
	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/leakcheck"
)

const (
	secret = "cloud-secret-do-not-print"
	token  = "cloud-token-do-not-print"
)

// clearEnv empties the variables that pick a source of the AWS chain.
func clearEnv(t *testing.T) {
	for _, k := range []string{"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"} {
		t.Setenv(k, "")
	}
}

// serve starts an httptest server with h; the returned counter counts
// requests.
func serve(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func checkNoSecret(t *testing.T, s string) {
	t.Helper()
	if strings.Contains(s, "do-not-print") {
		t.Errorf("%q shows a secret", s)
	}
}

func TestWebIdentity(t *testing.T) {
	clearEnv(t)
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte("web-identity-jwt\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_WEB_IDENTITY_TOKEN_FILE", file)
	t.Setenv("AWS_ROLE_ARN", "arn:aws:iam::123:role/app")
	t.Setenv("AWS_ROLE_SESSION_NAME", "sess")
	exp := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	srv, n := serve(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		if r.Method != http.MethodPost || r.URL.RawQuery != "" || r.Header.Get("Accept") != "application/json" ||
			form.Get("Action") != "AssumeRoleWithWebIdentity" || form.Get("Version") != "2011-06-15" ||
			form.Get("RoleArn") != "arn:aws:iam::123:role/app" || form.Get("RoleSessionName") != "sess" ||
			form.Get("WebIdentityToken") != "web-identity-jwt" {
			http.Error(w, "bad request "+secret, http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, `{"AssumeRoleWithWebIdentityResponse":{"AssumeRoleWithWebIdentityResult":{"Credentials":`+
			`{"AccessKeyId":"ASIAWEB","SecretAccessKey":%q,"SessionToken":%q,"Expiration":%d}}}}`, secret, token, exp.Unix())
	})
	p := Config{STSEndpoint: srv.URL}.AWSProvider()
	c, err := p(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessKeyID != "ASIAWEB" || c.SecretAccessKey != secret || c.SessionToken != token || !c.Expiration.Equal(exp) || n.Load() != 1 {
		t.Fatalf("got %v (expires %v), %d requests", c, c.Expiration, n.Load())
	}
	// The simpler shape of the auth spec's example parses too.
	srv2, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"Credentials":{"AccessKeyId":"ASIA2","SecretAccessKey":"s","SessionToken":"t","Expiration":"2030-01-01T00:00:00Z"}}`)
	})
	if c, err := (Config{STSEndpoint: srv2.URL}).AWSProvider()(context.Background()); err != nil || c.AccessKeyID != "ASIA2" || !c.Expiration.Equal(exp) {
		t.Fatalf("got %v, %v", c, err)
	}
	// Only one of the two variables: an error, not another source.
	t.Setenv("AWS_ROLE_ARN", "")
	if _, err := p(context.Background()); err == nil || !strings.Contains(err.Error(), "set together") {
		t.Fatalf("err = %v", err)
	}
}

func TestECS(t *testing.T) {
	clearEnv(t)
	t.Setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc")
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v2/credentials/abc" || r.Method != http.MethodGet {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, `{"AccessKeyId":"ASIAECS","SecretAccessKey":%q,"Token":%q,"Expiration":"2030-01-01T00:00:00Z","RoleArn":"x"}`, secret, token)
	})
	c, err := Config{ECSEndpoint: srv.URL}.AWSProvider()(context.Background())
	if err != nil || c.AccessKeyID != "ASIAECS" || c.SessionToken != token || c.Expiration.IsZero() {
		t.Fatalf("got %v, %v", c, err)
	}
}

// ec2Fake plays IMDSv2: a token from PUT, required on the GETs.
func ec2Fake(t *testing.T, creds func() string) (*httptest.Server, *atomic.Int32) {
	return serve(t, func(w http.ResponseWriter, r *http.Request) {
		const imdsToken = "imds-session"
		switch {
		case r.URL.Path == "/latest/api/token":
			if r.Method != http.MethodPut || r.Header.Get("X-aws-ec2-metadata-token-ttl-seconds") == "" {
				http.Error(w, "IMDSv2 needs PUT with a TTL", http.StatusBadRequest)
				return
			}
			fmt.Fprint(w, imdsToken)
		case r.Header.Get("X-aws-ec2-metadata-token") != imdsToken:
			http.Error(w, "unauthorized", http.StatusUnauthorized)
		case r.URL.Path == "/latest/meta-data/iam/security-credentials/":
			fmt.Fprint(w, "app-role\n")
		case r.URL.Path == "/latest/meta-data/iam/security-credentials/app-role":
			fmt.Fprint(w, creds())
		default:
			http.NotFound(w, r)
		}
	})
}

func TestEC2IMDSv2(t *testing.T) {
	leakcheck.Check(t) // no keep-alive goroutine outlives the fetch
	clearEnv(t)
	srv, n := ec2Fake(t, func() string {
		return fmt.Sprintf(`{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIAEC2","SecretAccessKey":%q,"Token":%q,"Expiration":"2030-01-01T00:00:00Z"}`, secret, token)
	})
	c, err := Config{EC2Endpoint: srv.URL}.AWSProvider()(context.Background())
	if err != nil || c.AccessKeyID != "ASIAEC2" || c.SecretAccessKey != secret || n.Load() != 3 {
		t.Fatalf("got %v, %v after %d requests (want 3: token, role, credentials)", c, err, n.Load())
	}
	bad, _ := ec2Fake(t, func() string { return `{"Code":"Failure","AccessKeyId":"x","SecretAccessKey":"` + secret + `"}` })
	_, err = Config{EC2Endpoint: bad.URL}.AWSProvider()(context.Background())
	if err == nil || !strings.Contains(err.Error(), "not Success") {
		t.Fatalf("err = %v", err)
	}
	checkNoSecret(t, err.Error())
}

// The chain through package auth: HTTP credentials are cached (one fetch
// for three authentications) and the cache is cleared by a failure.
func TestAWSProviderCachedByAuth(t *testing.T) {
	clearEnv(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	exp := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	srv, n := ec2Fake(t, func() string {
		return `{"Code":"Success","AccessKeyId":"ASIAEC2","SecretAccessKey":"s","Token":"t","Expiration":"` + exp + `"}`
	})
	aws.RegisterProvider(Config{EC2Endpoint: srv.URL}.AWSProvider())
	t.Cleanup(func() { aws.RegisterProvider(DefaultConfig().AWSProvider()) })
	cred, err := auth.Credential{Mechanism: auth.MechanismAWS}.WithDefaults("")
	if err != nil {
		t.Fatal(err)
	}
	ok := &trustingServer{}
	for range 3 {
		if err := auth.Authenticate(context.Background(), ok, cred, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	if n.Load() != 3 {
		t.Fatalf("%d metadata requests for 3 authentications, want 3 (one fetch: token, role, credentials)", n.Load())
	}
	ok.refuse = true
	if err := auth.Authenticate(context.Background(), ok, cred, nil, nil); err == nil {
		t.Fatal("want a refusal")
	}
	ok.refuse = false
	if err := auth.Authenticate(context.Background(), ok, cred, nil, nil); err != nil || n.Load() != 6 {
		t.Fatalf("err %v, %d requests: want a new fetch after the failure", err, n.Load())
	}
}

// trustingServer completes any MONGODB-AWS conversation without checking
// the signature (auth's own tests check signatures), or refuses it.
type trustingServer struct{ refuse bool }

func (s *trustingServer) Command(_ context.Context, _ string, cmd []byte) (bson.Raw, error) {
	raw := bson.Raw(cmd)
	p, _ := raw.Lookup("payload").Binary()
	start, d := bson.AppendDocumentStart(nil)
	d = bson.AppendInt32Element(d, "conversationId", 1)
	if _, isStart := raw.Lookup("saslStart").Int32(); isStart {
		r, _ := bson.Raw(p.Data).Lookup("r").Binary()
		ps, pd := bson.AppendDocumentStart(nil)
		pd = bson.AppendBinaryElement(pd, "s", 0, append(append([]byte(nil), r.Data...), make([]byte, 32)...))
		pd = bson.AppendStringElement(pd, "h", "sts.amazonaws.com")
		pd, _ = bson.AppendDocumentEnd(pd, ps)
		d = bson.AppendBooleanElement(d, "done", false)
		d = bson.AppendBinaryElement(d, "payload", 0, pd)
	} else {
		d = bson.AppendBooleanElement(d, "done", true)
	}
	if s.refuse {
		d = bson.AppendDoubleElement(d, "ok", 0)
	} else {
		d = bson.AppendDoubleElement(d, "ok", 1)
	}
	return bson.AppendDocumentEnd(d, start)
}

func TestErrorsShowNoBody(t *testing.T) {
	clearEnv(t)
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"SecretAccessKey":"`+secret+`"}`, http.StatusForbidden)
	})
	for name, f := range map[string]func() error{
		"ec2": func() error { _, err := Config{EC2Endpoint: srv.URL}.AWSProvider()(context.Background()); return err },
		"azure": func() error {
			_, err := Config{AzureEndpoint: srv.URL}.AzureEnvironment("res", "")(context.Background(), nil)
			return err
		},
		"gcp": func() error {
			_, err := Config{GCPEndpoint: srv.URL}.GCPEnvironment("aud", "")(context.Background(), nil)
			return err
		},
	} {
		err := f()
		if err == nil || !strings.Contains(err.Error(), "HTTP status 403") {
			t.Errorf("%s: err = %v, want the status", name, err)
			continue
		}
		checkNoSecret(t, err.Error())
	}
	// Garbage instead of JSON: an error saying so, without the garbage.
	junk, _ := serve(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "{"+secret) })
	t.Setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/x")
	_, err := Config{ECSEndpoint: junk.URL}.AWSProvider()(context.Background())
	if err == nil || !strings.Contains(err.Error(), "not the expected JSON") {
		t.Fatalf("err = %v", err)
	}
	checkNoSecret(t, err.Error())
}

func TestAzure(t *testing.T) {
	leakcheck.Check(t)
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.Header.Get("Metadata") != "true" || r.Header.Get("Accept") != "application/json" ||
			q.Get("api-version") != "2018-02-01" || q.Get("resource") != "api://mongo" || q.Get("client_id") != "client-9" {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"access_token": "azure-jwt", "expires_in": "3599"})
	})
	oc, err := Config{AzureEndpoint: srv.URL}.AzureEnvironment("api://mongo", "client-9")(context.Background(), &auth.OIDCArgs{Version: 1})
	if err != nil || oc.AccessToken != "azure-jwt" || oc.ExpiresAt.IsZero() {
		t.Fatalf("got %v, %v", oc, err)
	}
}

func TestGCP(t *testing.T) {
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Metadata-Flavor") != "Google" || r.URL.Query().Get("audience") != "api://mongo" {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		fmt.Fprint(w, "gcp-jwt")
	})
	oc, err := Config{GCPEndpoint: srv.URL}.GCPEnvironment("api://mongo", "")(context.Background(), &auth.OIDCArgs{Version: 1})
	if err != nil || oc.AccessToken != "gcp-jwt" {
		t.Fatalf("got %v, %v", oc, err)
	}
}

// A metadata server that never answers: the request ends with ctx.
func TestContextBoundsRequests(t *testing.T) {
	block := make(chan struct{})
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	})
	defer close(block)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := Config{GCPEndpoint: srv.URL}.GCPEnvironment("a", "")(ctx, nil)
	if err == nil || !strings.Contains(err.Error(), "deadline") {
		t.Fatalf("err = %v, want the context's deadline", err)
	}
}

// The registration that a blank import performs.
func TestRegistered(t *testing.T) {
	for _, env := range []string{"azure", "gcp"} {
		_, err := auth.Credential{Mechanism: auth.MechanismOIDC,
			Props: map[string]string{"ENVIRONMENT": env, "TOKEN_RESOURCE": "r"}}.WithDefaults("")
		if err != nil {
			t.Errorf("%s: %v", env, err)
		}
	}
}
