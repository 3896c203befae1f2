// Package snappy registers the snappy compressor with package wire when
// imported, the way image formats register with package image:
//
//	import _ "github.com/torque-go/torque/compress/snappy"
//
// A program that does not import it links no Snappy code (nor
// klauspost/compress); a URI or Options that ask for snappy then connect
// without it, and Connect logs a warning. It encodes the plain Snappy block
// format with klauspost/compress/s2.
//
// # Files
//
//	doc.go       this overview
//	register.go  the init that registers the codec
package snappy
