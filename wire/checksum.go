package wire

import "hash/crc32"

// castagnoli is the CRC-32C table OP_MSG checksums use; the standard library
// picks the SSE4.2/ARM64 instructions for it when the CPU has them.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Checksum returns the CRC-32C of b: for an OP_MSG with checksumPresent, the
// CRC of every byte of the message before the checksum itself.
func Checksum(b []byte) uint32 {
	return crc32.Checksum(b, castagnoli)
}
