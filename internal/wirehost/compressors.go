package wirehost

// The host serves every compressor, so it registers snappy and zstd with
// package wire (zlib is built in); mockserver and mongotest inherit them.
import (
	_ "github.com/torque-go/torque/compress/snappy"
	_ "github.com/torque-go/torque/compress/zstd"
)
