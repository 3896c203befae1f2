package main

import (
	"testing"

	"github.com/torque-go/torque/wire"
)

// The CLI offers every compressor: snappy and zstd are registered by its
// imports (compressors.go), zlib is built into the driver.
func TestCompressorsRegistered(t *testing.T) {
	for _, id := range []wire.CompressorID{wire.CompressorSnappy, wire.CompressorZlib, wire.CompressorZstd} {
		if !id.Registered() {
			t.Errorf("compressor %v is not registered in the CLI", id)
		}
	}
}
