package client

import "github.com/torque-go/torque/wire"

// compressorRegistered is wire's registry; tests replace it to see a
// program that imports neither compress/snappy nor compress/zstd.
var compressorRegistered = wire.CompressorID.Registered

// unregisteredCompressors returns a warning for each of names that torque
// knows but that is not registered with wire (snappy or zstd whose package
// the program does not import). The handshake does not offer those:
// compression is a negotiation, so the connection goes on without them.
func unregisteredCompressors(names []string) []string {
	var out []string
	for _, name := range names {
		if id, ok := wire.ParseCompressor(name); ok && !compressorRegistered(id) {
			out = append(out, "client: compressor "+name+" is not registered, connecting without it "+
				"(import _ \"github.com/torque-go/torque/compress/"+name+"\" to use it)")
		}
	}
	return out
}
