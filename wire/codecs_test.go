package wire

import (
	snappy "github.com/torque-go/torque/internal/codec/snappy"
	zstd "github.com/torque-go/torque/internal/codec/zstd"
)

// The tests of this package use every compressor; compress/snappy and
// compress/zstd import wire, so they register the same codecs here.
func init() {
	RegisterCompressor(CompressorSnappy, Codec{Append: snappy.Append, Decode: snappy.Decode})
	RegisterCompressor(CompressorZstd, Codec{Append: zstd.Append, Decode: zstd.Decode})
}
