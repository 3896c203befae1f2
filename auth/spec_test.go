package auth_test

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"testing"

	"github.com/torque-go/torque/auth"
	_ "github.com/torque-go/torque/auth/aws" // MONGODB-AWS
	"github.com/torque-go/torque/auth/oidc"
	"github.com/torque-go/torque/connstring"
	"github.com/torque-go/torque/internal/spectest"
)

// The auth spec's connection-string tests (auth/tests/legacy), run end to
// end: connstring.Parse and ConnString.Credential (the URI rules), then
// Credential.WithDefaults (the credential rules), with packages auth/aws
// and auth/oidc linked in. Package auth/cloud registers the azure and gcp
// environments in real programs; this test registers stand-ins, since
// only the credential rules are under test.
var authSpecSkips = spectest.Skips{
	"connection-string.json/*GSSAPI*": "GSSAPI is not supported by torque: Kerberos needs cgo or a Kerberos library (auth.ErrGSSAPI)",
	"connection-string.json/should use username and password if specified (MONGODB-AWS)": "contradicts " +
		"'should throw an exception if username and password provided (MONGODB-AWS)' in the same file: the auth " +
		"spec removed AWS credentials from the connection string, and torque follows the newer rule (a key pair " +
		"can still be given in code: Credential.Username/Password)",
	"connection-string.json/should use username, password and session token if specified (MONGODB-AWS)": "same " +
		"contradiction: AWS credentials (and AWS_SESSION_TOKEN) may no longer come from the connection string",
}

type authSpecFile struct {
	Tests []struct {
		Description string `json:"description"`
		URI         string `json:"uri"`
		Valid       bool   `json:"valid"`
		Credential  *struct {
			Username  *string           `json:"username"`
			Password  *string           `json:"password"`
			Source    string            `json:"source"`
			Mechanism *string           `json:"mechanism"`
			Props     map[string]string `json:"mechanism_properties"`
		} `json:"credential"`
	} `json:"tests"`
}

func TestAuthSpecConnectionStrings(t *testing.T) {
	for _, env := range []string{"azure", "gcp"} {
		oidc.RegisterEnvironment(env, func(string, string) auth.OIDCCallback { return staticOIDC })
		t.Cleanup(func() { oidc.RegisterEnvironment(env, nil) })
	}
	root := spectest.Dir(t, "auth", "tests", "legacy")
	ran := 0
	for _, file := range spectest.Files(t, ".json", "auth", "tests", "legacy") {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var f authSpecFile
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, tc := range f.Tests {
			name := spectest.Name(root, file) + "/" + tc.Description
			t.Run(tc.Description, func(t *testing.T) {
				authSpecSkips.Check(t, name)
				ran++
				got, err := credentialFromURI(tc.URI)
				if !tc.Valid {
					if err == nil {
						t.Fatalf("accepted %s: %v", tc.URI, got)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				want := tc.Credential
				switch {
				case want == nil && got == nil:
					return
				case want == nil:
					t.Fatalf("got %v; the case expects no credential", got)
				case got == nil:
					t.Fatal("no credential; the case expects one")
				}
				if s(want.Username) != got.Username || want.Source != got.Source || s(want.Mechanism) != got.Mechanism ||
					(want.Password == nil) == (got.PasswordSet || got.Password != "") || s(want.Password) != got.Password {
					t.Fatalf("got %v (password set %v); want %+v", got, got.PasswordSet, *want)
				}
				if !maps.Equal(want.Props, got.Props) && (len(want.Props) > 0 || len(got.Props) > 0) {
					t.Fatalf("mechanism properties: got %d, want %d (values not shown)", len(got.Props), len(want.Props))
				}
			})
		}
	}
	if ran == 0 {
		t.Fatal("no spec case ran")
	}
}

// credentialFromURI is the path a connection string takes to the pool.
func credentialFromURI(uri string) (*auth.Credential, error) {
	cs, err := connstring.Parse(uri)
	if err != nil {
		return nil, err
	}
	c, err := cs.Credential()
	if err != nil || c == nil {
		return nil, err
	}
	cred, err := auth.Credential{Mechanism: c.Mechanism, Source: c.Source, Username: c.Username, Password: c.Password,
		PasswordSet: c.PasswordSet, Props: c.Props}.WithDefaults(cs.Database)
	if err != nil {
		return nil, err
	}
	return &cred, nil
}

func s(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func staticOIDC(context.Context, *auth.OIDCArgs) (*auth.OIDCCredential, error) {
	return &auth.OIDCCredential{AccessToken: "static-token"}, nil
}
