package pool

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"testing"

	_ "github.com/torque-go/torque/clientcert" // tlsCertificateKeyFile
	"github.com/torque-go/torque/internal/keypair"
	"github.com/torque-go/torque/internal/mockserver"
)

func TestTLSOptions(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	dir := t.TempDir()
	ca, other := newCA(t, "torque test CA"), newCA(t, "untrusted CA")
	certPEM, keyPEM, _ := ca.issue(t, false, "127.0.0.1", "localhost")
	serverCert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	addr := tlsProxy(t, &tls.Config{Certificates: []tls.Certificate{serverCert}}, srv.Addr())
	caFile := writeFile(t, dir, "ca.pem", ca.pem)
	otherFile := writeFile(t, dir, "other.pem", other.pem)

	// A certificate for another name, signed by the trusted CA.
	wrongPEM, wrongKey, _ := ca.issue(t, false, "db.example.com")
	wrongCert, _ := tls.X509KeyPair(wrongPEM, wrongKey)
	wrongAddr := tlsProxy(t, &tls.Config{Certificates: []tls.Certificate{wrongCert}}, srv.Addr())

	cases := []struct {
		name    string
		addr    string
		opts    TLSOptions
		wantErr string // "" for success
	}{
		{"tlsCAFile", addr, TLSOptions{CAFile: caFile}, ""},
		{"system roots refuse a private CA", addr, TLSOptions{}, "not signed by a trusted CA"},
		{"untrusted CA", addr, TLSOptions{CAFile: otherFile}, "not signed by a trusted CA"},
		{"tlsInsecure", addr, TLSOptions{CAFile: otherFile, Insecure: true}, ""},
		{"tlsAllowInvalidCertificates", addr, TLSOptions{AllowInvalidCertificates: true}, ""},
		{"wrong host name", wrongAddr, TLSOptions{CAFile: caFile}, "does not name this host"},
		{"tlsAllowInvalidHostnames", wrongAddr, TLSOptions{CAFile: caFile, AllowInvalidHostnames: true}, ""},
		{"tlsAllowInvalidHostnames still checks the chain", wrongAddr, TLSOptions{CAFile: otherFile, AllowInvalidHostnames: true}, "certificate"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := tc.opts.Config()
			if err != nil {
				t.Fatal(err)
			}
			c, err := Dial(testCtx(t), tc.addr, &ConnConfig{TLS: cfg})
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				ping(t, testCtx(t), c)
				c.closeAndRelease()
				return
			}
			var ce *ConnError
			if err == nil {
				c.closeAndRelease()
				t.Fatal("connected")
			}
			if !errors.As(err, &ce) || ce.Stage != StageTLS || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("want a TLS error containing %q, got %v", tc.wantErr, err)
			}
		})
	}
}

func TestTLSClientCertificate(t *testing.T) {
	srv := mockserver.New(t, mockserver.Options{})
	dir := t.TempDir()
	ca := newCA(t, "torque test CA")
	certPEM, keyPEM, _ := ca.issue(t, false, "127.0.0.1")
	serverCert, _ := tls.X509KeyPair(certPEM, keyPEM)
	clients := x509.NewCertPool()
	clients.AddCert(ca.cert)
	addr := tlsProxy(t, &tls.Config{Certificates: []tls.Certificate{serverCert},
		ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: clients}, srv.Addr())
	caFile := writeFile(t, dir, "ca.pem", ca.pem)

	clientPEM, clientKeyPEM, _ := ca.issue(t, true, "client")
	plain := writeFile(t, dir, "client.pem", clientPEM, clientKeyPEM)

	const password = "s3cret-Pa55"
	block, _ := pem.Decode(clientKeyPEM)
	//lint:ignore SA1019 legacy PEM encryption is what the option means
	enc, err := x509.EncryptPEMBlock(rand.Reader, block.Type, block.Bytes, []byte(password), x509.PEMCipherAES256) //nolint:staticcheck
	if err != nil {
		t.Fatal(err)
	}
	encrypted := writeFile(t, dir, "client-enc.pem", clientPEM, pem.EncodeToMemory(enc))
	pkcs8 := writeFile(t, dir, "client-pkcs8.pem", clientPEM, pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1, 2, 3}}))

	// Without a certificate the server refuses the handshake.
	noCert, _ := TLSOptions{CAFile: caFile}.Config()
	if c, err := Dial(testCtx(t), addr, &ConnConfig{TLS: noCert}); err == nil {
		err = tryPing(testCtx(t), c) // TLS 1.3 reports the refusal on first read
		c.closeAndRelease()
		if err == nil {
			t.Fatal("server accepted a client without a certificate")
		}
	}

	for _, opts := range []TLSOptions{
		{CAFile: caFile, CertificateKeyFile: plain},
		{CAFile: caFile, CertificateKeyFile: encrypted, CertificateKeyFilePassword: password},
	} {
		cfg, err := opts.Config()
		if err != nil {
			t.Fatal(err)
		}
		c, err := Dial(testCtx(t), addr, &ConnConfig{TLS: cfg})
		if err != nil {
			t.Fatal(err)
		}
		ping(t, testCtx(t), c)
		c.closeAndRelease()
	}

	for _, tc := range []struct {
		opts TLSOptions
		want string
	}{
		{TLSOptions{CertificateKeyFile: encrypted, CertificateKeyFilePassword: "wrong-" + password}, "does not decrypt"},
		{TLSOptions{CertificateKeyFile: encrypted}, "set tlsCertificateKeyFilePassword"},
		{TLSOptions{CertificateKeyFile: pkcs8, CertificateKeyFilePassword: password}, "PKCS#8"},
		{TLSOptions{CAFile: dir + "/missing.pem"}, "tlsCAFile"},
		{TLSOptions{CertificateKeyFile: caFile}, "must hold a PEM certificate and its private key"},
	} {
		_, err := tc.opts.Config()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: want an error containing %q, got %v", tc.opts.CertificateKeyFile, tc.want, err)
		}
		if err != nil && strings.Contains(err.Error(), password) {
			t.Errorf("error reveals the password: %v", err)
		}
	}
}

// Legacy PEM decryption notices a wrong password only by its padding, so
// about one wrong password in 256 "decrypts" to garbage: that must still
// be reported as a wrong password.
func TestTLSWrongPasswordThatPassesThePaddingCheck(t *testing.T) {
	ca := newCA(t, "torque test CA")
	certPEM, keyPEM, _ := ca.issue(t, true, "client")
	block, _ := pem.Decode(keyPEM)
	//lint:ignore SA1019 legacy PEM encryption is what the option means
	enc, err := x509.EncryptPEMBlock(rand.Reader, block.Type, block.Bytes, []byte("right"), x509.PEMCipherAES256) //nolint:staticcheck
	if err != nil {
		t.Fatal(err)
	}
	file := writeFile(t, t.TempDir(), "client-enc.pem", certPEM, pem.EncodeToMemory(enc))
	for i := 0; i < 100_000; i++ {
		wrong := fmt.Sprintf("wrong-%d", i)
		//lint:ignore SA1019 legacy PEM encryption is what the option means
		if _, err := x509.DecryptPEMBlock(enc, []byte(wrong)); err != nil { //nolint:staticcheck
			continue
		}
		_, err := TLSOptions{CertificateKeyFile: file, CertificateKeyFilePassword: wrong}.Config()
		if err == nil || !strings.Contains(err.Error(), "does not decrypt") || strings.Contains(err.Error(), wrong) {
			t.Fatalf("password %q: %v", wrong, err)
		}
		return
	}
	t.Fatal("no wrong password passed the padding check")
}

// Without package clientcert, tlsCertificateKeyFile is refused with an
// error that names the import (the loader links the key parsers).
func TestTLSCertificateKeyFileNeedsClientcert(t *testing.T) {
	load := keypair.Load
	keypair.Load = nil
	defer func() { keypair.Load = load }()
	_, err := TLSOptions{CertificateKeyFile: "client.pem", CertificateKeyFilePassword: "S3cret"}.Config()
	if err == nil || !strings.Contains(err.Error(), `import _ "github.com/torque-go/torque/clientcert"`) ||
		!strings.Contains(err.Error(), "client.pem") || strings.Contains(err.Error(), "S3cret") {
		t.Fatalf("want an error naming the file and the import, got %v", err)
	}
	if _, err := (TLSOptions{CAFile: ""}).Config(); err != nil {
		t.Fatalf("without tlsCertificateKeyFile: %v", err)
	}
}
