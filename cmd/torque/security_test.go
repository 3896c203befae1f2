package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/internal/mockserver"
	"github.com/torque-go/torque/mongotest"
)

// TestAuthFlags: --username/--password (or $TORQUE_PASSWORD) and
// --authenticationDatabase authenticate against a SCRAM server; a wrong
// password is one line on stderr that does not hold the password.
func TestAuthFlags(t *testing.T) {
	srv := mongotest.New(t, mongotest.Options{Users: []mongotest.User{{Name: "ada", Password: "correct horse"}}})
	uri := srv.URI()
	if out := ok(t, uri, "", "count", "test.c", "-u", "ada", "-p", "correct horse", "--authenticationDatabase", "admin"); out != "0\n" {
		t.Errorf("count with -u/-p: %q", out)
	}
	t.Setenv("TORQUE_PASSWORD", "correct horse")
	if out := ok(t, uri, "", "count", "test.c", "--username", "ada", "--authenticationMechanism", "SCRAM-SHA-1"); out != "0\n" {
		t.Errorf("count with $TORQUE_PASSWORD and SCRAM-SHA-1: %q", out)
	}
	r := torque(t, uri, "", "count", "test.c", "-u", "ada", "-p", "wrong battery")
	oneStderrLine(t, r, 1, "torque count: ", "auth")
	if strings.Contains(r.stderr, "wrong battery") {
		t.Errorf("the password is in the error: %s", r.stderr)
	}
	r = torque(t, uri, "", "count", "test.c") // no user: the server refuses
	oneStderrLine(t, r, 1, "torque count: ")
}

// TestTLSFlags: --tlsCAFile trusts a server's certificate; without it
// the certificate is refused; --tlsInsecure skips the check.
func TestTLSFlags(t *testing.T) {
	cert, caFile := selfSigned(t)
	srv := mongotest.New(t, mongotest.Options{TLS: &tls.Config{Certificates: []tls.Certificate{cert}}})
	plain := strings.Replace(srv.URI(), "tls=true", "", 1) // the flags, not the URI, turn TLS on
	if out := ok(t, plain, "", "count", "test.c", "--tlsCAFile", caFile); out != "0\n" {
		t.Errorf("count with --tlsCAFile: %q", out)
	}
	if out := ok(t, plain, "", "count", "test.c", "--tls", "--tlsInsecure"); out != "0\n" {
		t.Errorf("count with --tlsInsecure: %q", out)
	}
	r := torque(t, plain, "", "count", "test.c", "--tls", "--serverSelectionTimeout", "2s")
	oneStderrLine(t, r, 1, "torque count: ", "certificate")
}

// selfSigned makes a certificate for 127.0.0.1 and writes it, as the CA
// file, in PEM.
func selfSigned(t *testing.T) (tls.Certificate, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "torque test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, IsCA: true, BasicConstraintsValid: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, file
}

// TestStatusReplicaSet: status names each member's role and what each
// read preference would select.
func TestStatusReplicaSet(t *testing.T) {
	rs := mockserver.NewReplicaSet(t, mockserver.ReplicaSetOptions{Members: 3})
	out := ok(t, rs.URI(), "", "status")
	primary := rs.Primary().Addr()
	var secondaries []string
	for _, h := range rs.Hosts() {
		if h != primary {
			secondaries = append(secondaries, h)
		}
	}
	for _, w := range []string{
		"topology:       ReplicaSetWithPrimary (replica set rs0)",
		primary + " ", "RSPrimary", "RSSecondary",
		"write                " + primary + "\n",
		"primary              " + primary + "\n",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("status does not say %q:\n%s", w, out)
		}
	}
	// Which secondaries are in the latency window depends on their RTT.
	_, line, _ := strings.Cut(out, "\n  secondary            ")
	line, _, _ = strings.Cut(line, "\n")
	if strings.Contains(line, primary) || !slices.ContainsFunc(secondaries, func(h string) bool { return strings.Contains(line, h) }) {
		t.Errorf("secondary selects %q, want secondaries among %v", line, secondaries)
	}
}
