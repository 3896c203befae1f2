// Package clientcert loads TLS client certificates for the
// tlsCertificateKeyFile and tlsCertificateKeyFilePassword URI options
// (and pool.TLSOptions.CertificateKeyFile). It registers its loader when
// imported, the way image formats register with package image:
//
//	import _ "github.com/torque-go/torque/clientcert"
//
// Loading a private key links the parsers and signers of every key type
// (RSA, ECDSA, Ed25519): about 200 KB of a stripped binary that a program
// without client certificates does not need. Without this import, a URI
// or Options that set tlsCertificateKeyFile make Connect fail with an
// error that names this package. A program that builds its own
// tls.Config (client.Options.TLS) needs neither.
//
// # Files
//
//	doc.go       this overview
//	load.go      Load: PEM certificates and one key, legacy PEM decryption
//	register.go  the init that makes Load pool's loader
//
// # Security
//
// The password is never part of an error. Legacy PEM encryption
// (RFC 1423) is weak by today's standards and detects a wrong password
// only by its padding, so about one wrong password in 256 decrypts to
// garbage: Load reports that as a wrong password too, from the failure to
// parse the key.
package clientcert
