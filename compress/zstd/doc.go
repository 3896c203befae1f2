// Package zstd registers the zstd (Zstandard) compressor with package wire
// when imported, the way image formats register with package image:
//
//	import _ "github.com/torque-go/torque/compress/zstd"
//
// A program that does not import it links no Zstandard code (nor
// klauspost/compress); a URI or Options that ask for zstd then connect
// without it, and Connect logs a warning. The codec is
// klauspost/compress/zstd, with one encoder and one decoder shared by the
// process.
//
// # Files
//
//	doc.go       this overview
//	register.go  the init that registers the codec
package zstd
