package pool

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"

	"github.com/torque-go/torque/internal/keypair"
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
		if keypair.Load == nil {
			return nil, fmt.Errorf("pool: tlsCertificateKeyFile %q: loading a client certificate needs "+
				"import _ \"github.com/torque-go/torque/clientcert\" (it links the private-key code only into programs that use it)", o.CertificateKeyFile)
		}
		cert, err := keypair.Load(o.CertificateKeyFile, o.CertificateKeyFilePassword)
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
