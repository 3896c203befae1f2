package main

// The CLI offers every compressor torque has, as a user of a MongoDB
// shell expects from ?compressors=snappy,zstd,zlib: zlib is built into
// the driver, snappy and zstd register themselves from these imports
// (they link github.com/klauspost/compress into this program only).
import (
	_ "github.com/torque-go/torque/compress/snappy"
	_ "github.com/torque-go/torque/compress/zstd"
)
