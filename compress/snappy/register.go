package snappy

import (
	codec "github.com/torque-go/torque/internal/codec/snappy"
	"github.com/torque-go/torque/wire"
)

func init() {
	wire.RegisterCompressor(wire.CompressorSnappy, wire.Codec{Append: codec.Append, Decode: codec.Decode})
}
