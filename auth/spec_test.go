package auth

import (
	"encoding/json"
	"net/url"
	"os"
	"path"
	"strings"
	"testing"

	"github.com/torque-go/torque/internal/spectest"
)

// The auth spec's connection-string tests (auth/tests/legacy), run against
// Credential.WithDefaults. Turning a URI into a Credential is the connstring
// package's job; splitAuthURI below takes just the pieces these tests use,
// so the cases that test URI rules rather than credential rules are skipped.
var authSpecSkips = spectest.Skips{
	"connection-string.json/*GSSAPI*":                    "GSSAPI is not supported by torque",
	"connection-string.json/*MONGODB-AWS*":               "MONGODB-AWS is not supported by torque",
	"connection-string.json/*MONGODB-OIDC*":              "MONGODB-OIDC is not supported by torque",
	"connection-string.json/*authSource is empty*":       "an empty authSource is a URI option error, checked by connstring",
	"connection-string.json/*doesn't create credential*": "whether a URI creates a credential is decided by connstring",
}

type authSpecFile struct {
	Tests []struct {
		Description string `json:"description"`
		URI         string `json:"uri"`
		Valid       bool   `json:"valid"`
		Credential  *struct {
			Username  *string `json:"username"`
			Password  *string `json:"password"`
			Source    string  `json:"source"`
			Mechanism *string `json:"mechanism"`
		} `json:"credential"`
	} `json:"tests"`
}

func TestAuthSpecConnectionStrings(t *testing.T) {
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
				cred, uriDB, err := splitAuthURI(tc.URI)
				if err != nil {
					t.Fatal(err)
				}
				got, err := cred.WithDefaults(uriDB)
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
				if want == nil {
					t.Fatal("case expects no credential")
				}
				if s(want.Username) != got.Username || want.Source != got.Source || s(want.Mechanism) != got.Mechanism ||
					(want.Password == nil) == (got.PasswordSet || got.Password != "") || s(want.Password) != got.Password {
					t.Fatalf("got %v (password set %v); want %+v", got, got.PasswordSet, *want)
				}
			})
		}
	}
	if ran == 0 {
		t.Fatal("no spec case ran")
	}
}

func s(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// splitAuthURI extracts userinfo, database, authMechanism and authSource
// from a simple mongodb:// URI (test-only; connstring is the real parser).
func splitAuthURI(uri string) (Credential, string, error) {
	rest := strings.TrimPrefix(uri, "mongodb://")
	var c Credential
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		user, pass, hasPass := strings.Cut(rest[:at], ":")
		var err error
		if c.Username, err = url.PathUnescape(user); err != nil {
			return c, "", err
		}
		if c.Password, err = url.PathUnescape(pass); err != nil {
			return c, "", err
		}
		c.PasswordSet = hasPass
		rest = rest[at+1:]
	}
	hostAndPath, query, _ := strings.Cut(rest, "?")
	_, db, _ := strings.Cut(hostAndPath, "/")
	q, err := url.ParseQuery(query)
	if err != nil {
		return c, "", err
	}
	c.Mechanism = q.Get("authMechanism")
	c.Source = q.Get("authSource")
	return c, path.Clean("/" + db)[1:], nil
}
