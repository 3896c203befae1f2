package pool

import (
	"errors"
	"strings"
	"testing"

	"github.com/torque-go/torque/internal/testenv"
)

// TLS against a FerretDB the test starts ($TORQUE_FERRETDB) with a CA and
// a server certificate made at test time.
func TestFerretDBTLS(t *testing.T) {
	testenv.FerretDB(t) // skip early, before making certificates
	dir := t.TempDir()
	ca, other := newCA(t, "torque test CA"), newCA(t, "untrusted CA")
	certPEM, keyPEM, _ := ca.issue(t, false, "127.0.0.1", "localhost")
	certFile := writeFile(t, dir, "server.pem", certPEM)
	keyFile := writeFile(t, dir, "server-key.pem", keyPEM)
	caFile := writeFile(t, dir, "ca.pem", ca.pem)
	otherFile := writeFile(t, dir, "other.pem", other.pem)

	port := freePort(t)
	startFerretDB(t, port, "--listen-tls=127.0.0.1:"+port,
		"--listen-tls-cert-file="+certFile, "--listen-tls-key-file="+keyFile)
	addr := "127.0.0.1:" + port

	t.Run("tlsCAFile", func(t *testing.T) {
		cfg, err := TLSOptions{CAFile: caFile}.Config()
		if err != nil {
			t.Fatal(err)
		}
		p := newReadyPool(t, addr, Config{Conn: ConnConfig{TLS: cfg}})
		c, err := p.Checkout(testCtx(t))
		if err != nil {
			t.Fatal(err)
		}
		ping(t, testCtx(t), c)
		p.CheckIn(c)
	})
	t.Run("untrusted CA", func(t *testing.T) {
		cfg, _ := TLSOptions{CAFile: otherFile}.Config()
		_, err := Dial(testCtx(t), addr, &ConnConfig{TLS: cfg})
		var ce *ConnError
		if !errors.As(err, &ce) || ce.Stage != StageTLS || !strings.Contains(err.Error(), "certificate") {
			t.Fatalf("want a certificate error, got %v", err)
		}
	})
	t.Run("tlsInsecure", func(t *testing.T) {
		cfg, _ := TLSOptions{Insecure: true}.Config()
		c := dialT(t, addr, &ConnConfig{TLS: cfg})
		ping(t, testCtx(t), c)
	})
}
