// Package keypair is the seam between package pool and package clientcert:
// pool calls Load for tlsCertificateKeyFile, and clientcert's init sets it.
// Loading a certificate's private key links the parsers and signers of
// every key type (RSA, ECDSA, Ed25519: about 200 KB of a stripped
// binary), so a program that does not import clientcert links none of
// them. The variable lives here, below both, so that pool's own tests can
// import clientcert without an import cycle.
//
// Load is written once, by an init function, before main runs; it is
// read-only afterwards and safe for concurrent use.
//
// # Files
//
//	doc.go      this overview
//	keypair.go  Load
package keypair
