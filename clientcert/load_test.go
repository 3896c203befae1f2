package clientcert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/torque-go/torque/internal/keypair"
)

func TestImportRegistersLoad(t *testing.T) {
	if keypair.Load == nil || reflect.ValueOf(keypair.Load).Pointer() != reflect.ValueOf(Load).Pointer() {
		t.Fatal("importing clientcert did not make Load pool's loader")
	}
}

func TestLoad(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "client"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	dir := t.TempDir()
	write := func(name string, parts ...[]byte) string {
		p := filepath.Join(dir, name)
		var data []byte
		for _, b := range parts {
			data = append(data, b...)
		}
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cert, err := Load(write("both.pem", certPEM, keyPEM), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(cert.Certificate) != 1 || string(cert.Certificate[0]) != string(der) {
		t.Fatalf("loaded %d certificates, want the one written", len(cert.Certificate))
	}
	if _, ok := cert.PrivateKey.(*ecdsa.PrivateKey); !ok {
		t.Fatalf("private key is %T, want *ecdsa.PrivateKey", cert.PrivateKey)
	}
	for name, file := range map[string]string{
		"missing":  filepath.Join(dir, "missing.pem"),
		"key only": write("key.pem", keyPEM),
		"no key":   write("cert.pem", certPEM),
	} {
		if _, err := Load(file, "S3cret"); err == nil || !strings.Contains(err.Error(), "tlsCertificateKeyFile") ||
			strings.Contains(err.Error(), "S3cret") {
			t.Errorf("%s: want an error naming the option and not the password, got %v", name, err)
		}
	}
}
