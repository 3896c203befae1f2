package wire

import (
	"fmt"
	"sync/atomic"
)

// A Codec compresses and decompresses one compressor's format. Packages
// compress/snappy and compress/zstd of this module register theirs when
// imported; zlib (standard library) and noop are built in.
type Codec struct {
	// Append appends the compressed form of src to dst.
	Append func(dst, src []byte) ([]byte, error)
	// Decode decodes src into dst, which is exactly as long as the
	// decoded data announces; it fails if src decodes to any other length.
	Decode func(dst, src []byte) error
}

// codecs holds the registered codecs by CompressorID (snappy and zstd).
var codecs [CompressorZstd + 1]atomic.Pointer[Codec]

// RegisterCompressor makes id (CompressorSnappy or CompressorZstd) usable by
// Compress, Decompress and the handshake. Call it from an init function;
// it panics on another id, on a Codec with a nil func, or when id is
// already registered.
func RegisterCompressor(id CompressorID, c Codec) {
	if id != CompressorSnappy && id != CompressorZstd {
		panic(fmt.Sprintf("wire: RegisterCompressor of %s: only snappy and zstd are registered", id))
	}
	if c.Append == nil || c.Decode == nil {
		panic("wire: RegisterCompressor of " + id.String() + " with a nil func")
	}
	if !codecs[id].CompareAndSwap(nil, &c) {
		panic("wire: RegisterCompressor called twice for " + id.String())
	}
}

// Registered reports whether Compress and Decompress can use id: noop and
// zlib always, snappy and zstd once their package is imported.
func (id CompressorID) Registered() bool {
	switch id {
	case CompressorNoop, CompressorZlib:
		return true
	case CompressorSnappy, CompressorZstd:
		return codecs[id].Load() != nil
	}
	return false
}

// codec returns the registered codec of id (snappy or zstd), or an error:
// an unknown id, or the package to import.
func codec(id CompressorID) (*Codec, error) {
	if id != CompressorSnappy && id != CompressorZstd {
		return nil, errorf(OpCompressed, 0, "compressorId", "unknown compressor %d", id)
	}
	if c := codecs[id].Load(); c != nil {
		return c, nil
	}
	return nil, errorf(OpCompressed, 24, "compressorId",
		"compressor %s is not registered (import _ \"github.com/torque-go/torque/compress/%s\")", id, id)
}
