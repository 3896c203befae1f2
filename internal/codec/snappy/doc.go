// Package snappy is the Snappy block codec (klauspost/compress/s2, which
// writes and reads the plain Snappy format) behind package
// compress/snappy, which registers it with wire. It does not import wire,
// so wire's own tests can register it too.
//
// # Files
//
//	doc.go     this overview
//	snappy.go  Append and Decode
package snappy
