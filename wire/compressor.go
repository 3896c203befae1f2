package wire

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// CompressorID names the algorithm of an OP_COMPRESSED message.
type CompressorID uint8

// The compressors of the wire compression specification.
const (
	CompressorNoop   CompressorID = 0 // stored as is; for tests
	CompressorSnappy CompressorID = 1 // Snappy block format
	CompressorZlib   CompressorID = 2 // zlib (RFC 1950), levels -1..9
	CompressorZstd   CompressorID = 3 // Zstandard frames
)

// String returns the handshake name ("snappy", "zlib", "zstd", "noop").
func (id CompressorID) String() string {
	switch id {
	case CompressorNoop:
		return "noop"
	case CompressorSnappy:
		return "snappy"
	case CompressorZlib:
		return "zlib"
	case CompressorZstd:
		return "zstd"
	}
	return "compressor(" + strconv.Itoa(int(id)) + ")"
}

// Known reports whether this package implements id.
func (id CompressorID) Known() bool { return id <= CompressorZstd }

// ParseCompressor maps a handshake or connection-string name ("snappy",
// "zlib", "zstd"; "noop" too) to its id.
func ParseCompressor(name string) (CompressorID, bool) {
	for id := CompressorNoop; id <= CompressorZstd; id++ {
		if name == id.String() {
			return id, true
		}
	}
	return 0, false
}

// Zlib compression levels (the zlibCompressionLevel URI option).
const (
	ZlibDefaultLevel  = -1 // the library's default (6)
	ZlibNoCompression = 0
	ZlibBestSpeed     = 1
	ZlibBestLevel     = 9
)

func checkZlibLevel(level int) error {
	if level < ZlibDefaultLevel || level > ZlibBestLevel {
		return fmt.Errorf("wire: zlib compression level %d is outside -1..9", level)
	}
	return nil
}

// neverCompressed are the commands whose messages must not be compressed
// (wire compression specification: the handshake and authentication).
var neverCompressed = [...]string{
	"hello", "isMaster", "saslStart", "saslContinue", "getnonce", "authenticate",
	"createUser", "updateUser", "copydbSaslStart", "copydbgetnonce", "copydb",
}

// CanCompress reports whether a command named name may be sent compressed.
// The comparison ignores case ("ismaster" is the legacy hello too): refusing
// to compress is always safe.
func CanCompress(name string) bool {
	for _, n := range neverCompressed {
		if strings.EqualFold(name, n) {
			return false
		}
	}
	return true
}

// canCompressName is CanCompress for a name still in the message's bytes,
// compared without making a string of it.
func canCompressName(name []byte) bool {
	for _, n := range neverCompressed {
		if bytes.EqualFold(name, []byte(n)) {
			return false
		}
	}
	return true
}

// CanCompressBody is CanCompress for the command whose document is body: the
// command name is its first key. A body too short to have one cannot be
// compressed either.
func CanCompressBody(body []byte) bool {
	if len(body) < 6 { // length, type, at least the key's NUL
		return false
	}
	key := body[5:]
	for i, c := range key {
		if c == 0 {
			return canCompressName(key[:i])
		}
	}
	return false
}
