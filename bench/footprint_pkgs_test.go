package bench

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestSymbolPackage(t *testing.T) {
	for name, want := range map[string]string{
		"crypto/tls.(*Conn).Read":                                               "crypto/tls",
		"runtime.mallocgc":                                                      "runtime",
		"slices.SortFunc[go.shape.string]":                                      "slices",
		"github.com/torque-go/torque/bson.(*ejWriter).wrapped":                  "github.com/torque-go/torque/bson",
		"github.com/torque-go/torque/auth.nfkdKeys":                             "github.com/torque-go/torque/auth",
		"vendor/golang.org/x/crypto/chacha20poly1305.chacha20Poly1305Seal.abi0": "vendor/golang.org/x/crypto/chacha20poly1305",
		"type:*github.com/torque-go/torque/bson.D":                              "type:*",
		"go:func.*":              "go:*",
		"encoding/json..stmp_28": "encoding/json",
		"aeshashbody":            "aeshashbody",
	} {
		if got := symbolPackage(name); got != want {
			t.Errorf("symbolPackage(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestSumPackages(t *testing.T) {
	nm := `  4a3560      11611 T time.parse
  4a0740       9349 T time.Time.appendFormat
  afbc60   33554432 D crypto/internal/fips140/drbg.memory
         0          0 U _cgo_init
  677e80       8650 T github.com/torque-go/torque/connstring.init
`
	sums, err := sumPackages(strings.NewReader(nm), []addrRange{{0xaf0000, 0xb00000}})
	if err != nil {
		t.Fatal(err)
	}
	if sums["time"] != 11611+9349 || sums["github.com/torque-go/torque/connstring"] != 8650 || len(sums) != 2 {
		t.Errorf("sums %v", sums)
	}
	if _, err := sumPackages(strings.NewReader("zz 12 T x.y\n"), nil); err == nil {
		t.Error("a bad address was accepted")
	}
	var b bytes.Buffer
	writePackageTable(&b, map[string]int64{"a": 10, "b": 5, "c": 1}, map[string]int64{"b": 2, "d": 3}, 2)
	want := "| package | bytes in torque | bytes in tls | added |\n| --- | ---: | ---: | ---: |\n" +
		"| a | 10 | 0 | +10 |\n| b | 5 | 2 | +3 |\n| (2 more) | 1 | 3 | -2 |\n| **all symbols** | 16 | 5 | +11 |\n"
	if b.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", b.String(), want)
	}
}

// The footprint program sets no logger, so it must link none of log/slog's
// handlers and not encoding/json's encoder (client.Logger is an interface
// for that reason; a *slog.Logger field linked about 260 KB). It does not
// import clientcert, so it must not link the private-key loading either
// (tls.X509KeyPair and the key types' signers: about 200 KB), nor auth/aws
// and auth/oidc (MONGODB-AWS and MONGODB-OIDC: about 72 KB).
func TestFootprintLinksNoLogHandlers(t *testing.T) {
	ctx := context.Background()
	root, err := moduleDir(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "torque")
	if _, err := build(ctx, root, "./footprint/torque", bin, ""); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(ctx, "go", "tool", "nm", bin).Output()
	if err != nil {
		t.Fatalf("go tool nm: %v", err)
	}
	for _, sym := range []string{"log/slog.(*defaultHandler).Handle", "log/slog.(*commonHandler).withAttrs", "encoding/json.(*encodeState).marshal",
		"crypto/tls.X509KeyPair", "crypto/x509.ParsePKCS8PrivateKey", "crypto/ecdsa.(*PrivateKey).Sign",
		"github.com/torque-go/torque/auth/aws.sigv4Authorization", "github.com/torque-go/torque/auth/oidc.authenticateOIDC"} {
		if bytes.Contains(out, []byte(" "+sym+"\n")) {
			t.Errorf("the footprint program links %s", sym)
		}
	}
	if !bytes.Contains(out, []byte(" github.com/torque-go/torque/client.Connect\n")) {
		t.Error("no client.Connect in the symbol table: the check above looks at the wrong binary")
	}
}
