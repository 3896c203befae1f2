package clientcert

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
)

// Load reads a PEM file holding certificates and one private key,
// decrypting the key with password when it is encrypted (legacy
// "Proc-Type: 4,ENCRYPTED" PEM; PKCS#8 "ENCRYPTED PRIVATE KEY" blocks are
// refused with an explanation). It is what tlsCertificateKeyFile and
// tlsCertificateKeyFilePassword do once this package is imported; a
// program can also call it to fill a tls.Config of its own. Errors name
// the file, never the password.
func Load(file, password string) (tls.Certificate, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("clientcert: tlsCertificateKeyFile: %w", err)
	}
	var certPEM, keyPEM []byte
	encrypted := false
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		switch {
		case b.Type == "CERTIFICATE":
			certPEM = append(certPEM, pem.EncodeToMemory(b)...)
		case b.Type == "ENCRYPTED PRIVATE KEY":
			return tls.Certificate{}, fmt.Errorf("clientcert: tlsCertificateKeyFile %q: the key is PKCS#8-encrypted, which Go's standard library cannot decrypt; "+
				"convert it, e.g. `openssl pkcs8 -in key.pem -out plain.pem` (unencrypted) or `openssl rsa -aes256` (legacy PEM encryption)", file)
		case isPrivateKey(b.Type):
			if keyPEM != nil {
				return tls.Certificate{}, fmt.Errorf("clientcert: tlsCertificateKeyFile %q: more than one private key", file)
			}
			//lint:ignore SA1019 legacy PEM encryption is what tlsCertificateKeyFilePassword means
			encrypted = x509.IsEncryptedPEMBlock(b)
			if b, err = decryptKey(b, password, file); err != nil {
				return tls.Certificate{}, err
			}
			keyPEM = pem.EncodeToMemory(b)
		}
	}
	if certPEM == nil || keyPEM == nil {
		return tls.Certificate{}, fmt.Errorf("clientcert: tlsCertificateKeyFile %q must hold a PEM certificate and its private key", file)
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil && encrypted {
		// Legacy PEM decryption detects a wrong password only by its
		// padding: about one wrong password in 256 "decrypts" to garbage.
		return tls.Certificate{}, fmt.Errorf("clientcert: tlsCertificateKeyFile %q: tlsCertificateKeyFilePassword does not decrypt the private key (or the key is damaged): %w", file, err)
	}
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("clientcert: tlsCertificateKeyFile %q: %w", file, err)
	}
	return cert, nil
}

func isPrivateKey(t string) bool {
	return t == "PRIVATE KEY" || t == "RSA PRIVATE KEY" || t == "EC PRIVATE KEY"
}

// decryptKey decrypts a legacy encrypted PEM block (RFC 1423). The
// encryption is weak by today's standards, but it is what
// tlsCertificateKeyFilePassword has always meant.
func decryptKey(b *pem.Block, password, file string) (*pem.Block, error) {
	//lint:ignore SA1019 legacy PEM encryption is what tlsCertificateKeyFilePassword means
	if !x509.IsEncryptedPEMBlock(b) { //nolint:staticcheck
		return b, nil
	}
	if password == "" {
		return nil, fmt.Errorf("clientcert: tlsCertificateKeyFile %q: the private key is encrypted; set tlsCertificateKeyFilePassword", file)
	}
	//lint:ignore SA1019 legacy RFC 1423 keys are what tlsCertificateKeyFilePassword decrypts (as with the official driver)
	der, err := x509.DecryptPEMBlock(b, []byte(password)) //nolint:staticcheck
	if err != nil {
		if errors.Is(err, x509.IncorrectPasswordError) {
			return nil, fmt.Errorf("clientcert: tlsCertificateKeyFile %q: tlsCertificateKeyFilePassword does not decrypt the private key", file)
		}
		return nil, fmt.Errorf("clientcert: tlsCertificateKeyFile %q: decrypting the private key: %v", file, err)
	}
	return &pem.Block{Type: b.Type, Bytes: der}, nil
}
