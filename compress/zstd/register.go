package zstd

import (
	codec "github.com/torque-go/torque/internal/codec/zstd"
	"github.com/torque-go/torque/wire"
)

func init() {
	wire.RegisterCompressor(wire.CompressorZstd, wire.Codec{Append: codec.Append, Decode: codec.Decode})
}
