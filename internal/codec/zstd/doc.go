// Package zstd is the Zstandard codec (klauspost/compress/zstd, one shared
// encoder and decoder) behind package compress/zstd, which registers it
// with wire. It does not import wire, so wire's own tests can register it
// too.
//
// # Files
//
//	doc.go   this overview
//	zstd.go  Append and Decode
package zstd
