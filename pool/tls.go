package pool

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
)

// TLSOptions are the tls* options of a connection string. TLSOptions.Config
// turns them into a *tls.Config for ConnConfig.TLS.
type TLSOptions struct {
	// CAFile is tlsCAFile: PEM certificates of the CAs to trust instead of
	// the system's roots.
	CAFile string
	// CertificateKeyFile is tlsCertificateKeyFile: one PEM file holding the
	// client certificate (and its chain) and its private key.
	CertificateKeyFile string
	// CertificateKeyFilePassword decrypts an encrypted private key in
	// CertificateKeyFile (legacy "Proc-Type: 4,ENCRYPTED" PEM; PKCS#8
	// "ENCRYPTED PRIVATE KEY" blocks are refused with an explanation). It
	// is never printed.
	CertificateKeyFilePassword string
	// Insecure is tlsInsecure: no verification of the certificate or the
	// host name at all.
	Insecure bool
	// AllowInvalidCertificates is tlsAllowInvalidCertificates: accept any
	// certificate (and so any host name).
	AllowInvalidCertificates bool
	// AllowInvalidHostnames is tlsAllowInvalidHostnames: verify the chain
	// but not that it names the host.
	AllowInvalidHostnames bool
}

// Config builds the *tls.Config: TLS 1.2 or later, the system roots unless
// CAFile is set, the client certificate when CertificateKeyFile is set. The
// server name is filled per connection from the host by Dial. Errors name
// the option and the file, never the password.
func (o TLSOptions) Config() (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if o.CAFile != "" {
		pemBytes, err := os.ReadFile(o.CAFile)
		if err != nil {
			return nil, fmt.Errorf("pool: tlsCAFile: %w", err)
		}
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pemBytes) {
			return nil, fmt.Errorf("pool: tlsCAFile %q: no PEM certificate found", o.CAFile)
		}
		cfg.RootCAs = roots
	}
	if o.CertificateKeyFile != "" {
		cert, err := loadKeyPair(o.CertificateKeyFile, o.CertificateKeyFilePassword)
		if err != nil {
			return nil, err
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	switch {
	case o.Insecure || o.AllowInvalidCertificates:
		cfg.InsecureSkipVerify = true
	case o.AllowInvalidHostnames:
		// Go cannot skip only the name check: skip all of it and verify
		// the chain ourselves.
		cfg.InsecureSkipVerify = true
		roots := cfg.RootCAs
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			return verifyChain(cs, roots)
		}
	}
	return cfg, nil
}

// verifyChain checks the peer's chain against roots (nil: the system's),
// ignoring the host name.
func verifyChain(cs tls.ConnectionState, roots *x509.CertPool) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("server sent no certificate")
	}
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter})
	return err
}

// loadKeyPair reads a PEM file holding certificates and one private key,
// decrypting the key with password when it is encrypted.
func loadKeyPair(file, password string) (tls.Certificate, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("pool: tlsCertificateKeyFile: %w", err)
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
			return tls.Certificate{}, fmt.Errorf("pool: tlsCertificateKeyFile %q: the key is PKCS#8-encrypted, which Go's standard library cannot decrypt; "+
				"convert it, e.g. `openssl pkcs8 -in key.pem -out plain.pem` (unencrypted) or `openssl rsa -aes256` (legacy PEM encryption)", file)
		case isPrivateKey(b.Type):
			if keyPEM != nil {
				return tls.Certificate{}, fmt.Errorf("pool: tlsCertificateKeyFile %q: more than one private key", file)
			}
			//lint:ignore SA1019 legacy PEM encryption is what tlsCertificateKeyFilePassword means
			encrypted = x509.IsEncryptedPEMBlock(b) //nolint:staticcheck
			if b, err = decryptKey(b, password, file); err != nil {
				return tls.Certificate{}, err
			}
			keyPEM = pem.EncodeToMemory(b)
		}
	}
	if certPEM == nil || keyPEM == nil {
		return tls.Certificate{}, fmt.Errorf("pool: tlsCertificateKeyFile %q must hold a PEM certificate and its private key", file)
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil && encrypted {
		// Legacy PEM decryption detects a wrong password only by its
		// padding: about one wrong password in 256 "decrypts" to garbage.
		return tls.Certificate{}, fmt.Errorf("pool: tlsCertificateKeyFile %q: tlsCertificateKeyFilePassword does not decrypt the private key (or the key is damaged): %w", file, err)
	}
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("pool: tlsCertificateKeyFile %q: %w", file, err)
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
		return nil, fmt.Errorf("pool: tlsCertificateKeyFile %q: the private key is encrypted; set tlsCertificateKeyFilePassword", file)
	}
	der, err := x509.DecryptPEMBlock(b, []byte(password)) //nolint:staticcheck
	if err != nil {
		if errors.Is(err, x509.IncorrectPasswordError) {
			return nil, fmt.Errorf("pool: tlsCertificateKeyFile %q: tlsCertificateKeyFilePassword does not decrypt the private key", file)
		}
		return nil, fmt.Errorf("pool: tlsCertificateKeyFile %q: decrypting the private key: %v", file, err)
	}
	return &pem.Block{Type: b.Type, Bytes: der}, nil
}

// x509UnknownAuthority and x509Hostname name the certificate errors that
// tlsError explains.
type (
	x509UnknownAuthority = x509.UnknownAuthorityError
	x509Hostname         = x509.HostnameError
)

// certError is a certificate verification failure with a hint on what to
// change. errors.As still finds the x509 error underneath.
type certError struct {
	err  error
	hint string
}

func (e *certError) Error() string { return "certificate error: " + e.err.Error() + "; " + e.hint }
func (e *certError) Unwrap() error { return e.err }
