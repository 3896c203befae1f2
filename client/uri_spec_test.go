package client_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/connstring"
	"github.com/torque-go/torque/internal/mockserver"
	"github.com/torque-go/torque/internal/spectest"
)

// Every case of the uri-options spec that expects a warning reaches the
// caller of ParseURI: as an error naming the option (an invalid value, or
// an option torque refuses) or in Options.Warnings. Nothing is silent.
// Cases without a warning give none (a clean case may still fail in
// ParseURI for another reason: GSSAPI, a TLS file the test does not have).
func TestURIOptionsSpecNothingSilent(t *testing.T) {
	var warned, clean int
	for _, file := range spectest.Files(t, ".json", "uri-options", "tests") {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Tests []struct {
				Description string `json:"description"`
				URI         string `json:"uri"`
				Valid       bool   `json:"valid"`
				Warning     bool   `json:"warning"`
			}
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		for _, tc := range doc.Tests {
			if !tc.Valid {
				continue
			}
			t.Run(filepath.Base(file)+"/"+tc.Description, func(t *testing.T) {
				o, err := client.ParseURI(tc.URI)
				var ce *connstring.Error
				refused := err != nil && strings.Contains(err.Error(), "not supported by torque")
				switch {
				case tc.Warning && err == nil && len(o.Warnings) == 0:
					t.Errorf("ParseURI(%q): no error and no warning", tc.URI)
				case tc.Warning && err != nil && !errors.As(err, &ce) && !refused:
					t.Errorf("ParseURI(%q) = %v, want a connstring.Error naming the option", tc.URI, err)
				case !tc.Warning && err == nil && len(o.Warnings) > 0 && !strings.Contains(tc.URI, "serverSelectionTryOnce"):
					t.Errorf("ParseURI(%q): unexpected warnings %q", tc.URI, o.Warnings)
				}
				if tc.Warning {
					warned++
				} else {
					clean++
				}
			})
		}
	}
	t.Logf("%d warning cases, %d clean cases", warned, clean)
}

// Options.DriverInfo and the env document reach the handshake's client
// metadata.
func TestHandshakeCarriesDriverInfoAndEnv(t *testing.T) {
	t.Setenv("VERCEL", "1")
	t.Setenv("VERCEL_REGION", "cdg1")
	srv := mockserver.New(t, mockserver.Options{})
	c := connect(t, srv.URI(), client.Options{DriverInfo: []client.DriverInfo{{Name: "mylib", Version: "1.2", Platform: "lib platform"}}})
	if err := c.Ping(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, r := range srv.Requests() {
		md := r.Lookup("client")
		if md.IsZero() {
			continue
		}
		found = true
		doc := r.Command
		if name, _ := doc.Lookup("client", "driver", "name").StringValue(); name != "torque|mylib" {
			t.Errorf("driver.name %q", name)
		}
		if v, _ := doc.Lookup("client", "driver", "version").StringValue(); !strings.HasSuffix(v, "|1.2") {
			t.Errorf("driver.version %q", v)
		}
		if p, _ := doc.Lookup("client", "platform").StringValue(); !strings.HasSuffix(p, "|lib platform") {
			t.Errorf("platform %q", p)
		}
		if n, _ := doc.Lookup("client", "env", "name").StringValue(); n != "vercel" {
			t.Errorf("env.name %q", n)
		}
		if reg, _ := doc.Lookup("client", "env", "region").StringValue(); reg != "cdg1" {
			t.Errorf("env.region %q", reg)
		}
	}
	if !found {
		t.Fatal("no handshake with client metadata recorded")
	}
}
