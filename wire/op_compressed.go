package wire

import "slices"

// compressedHeadLen is what OP_COMPRESSED adds after the header:
// originalOpcode, uncompressedSize and compressorId.
const compressedHeadLen = 4 + 4 + 1

// Compressed is an OP_COMPRESSED without its header, as ParseCompressed sees
// it; Data aliases the parsed message.
type Compressed struct {
	OriginalOpCode   OpCode       // the wrapped message's opcode
	UncompressedSize int32        // the wrapped message's length minus its header
	Compressor       CompressorID // how Data is compressed
	Data             []byte       // the compressed message, header excluded
}

// Compress appends to dst an OP_COMPRESSED that wraps msg, a whole message
// (header included; it must not itself be an OP_COMPRESSED). The new message
// keeps msg's requestID and responseTo. zlibLevel (-1..9) is used only by
// CompressorZlib; snappy and zstd must be registered (RegisterCompressor).
// Call CanCompressBody first: the handshake and
// authentication must never be compressed.
func Compress(dst, msg []byte, id CompressorID, zlibLevel int) ([]byte, error) {
	h, err := ParseHeader(msg)
	if err != nil {
		return dst, err
	}
	if int64(h.Length) != int64(len(msg)) {
		return dst, errorf(h.OpCode, 0, "messageLength", "header says %d bytes, message has %d", h.Length, len(msg))
	}
	if h.OpCode == OpCompressed || !h.OpCode.Known() {
		return dst, errorf(h.OpCode, 12, "opCode", "%s cannot be compressed", h.OpCode)
	}
	start, dst := StartMessage(dst, h.RequestID, h.ResponseTo, OpCompressed)
	dst = appendInt32(dst, int32(h.OpCode))
	dst = appendInt32(dst, h.Length-HeaderLen)
	dst = append(dst, byte(id))
	src := msg[HeaderLen:]
	switch id {
	case CompressorNoop:
		dst = append(dst, src...)
	case CompressorZlib:
		dst, err = appendZlib(dst, src, zlibLevel)
	default:
		var c *Codec
		if c, err = codec(id); err == nil {
			dst, err = c.Append(dst, src)
		}
	}
	if err != nil {
		return dst[:start], err
	}
	return FinishMessage(dst, start)
}

// ParseCompressed parses a whole OP_COMPRESSED (header included) without
// decompressing it. It checks the header, that the wrapped opcode is one this
// package knows (and not OP_COMPRESSED again), that the compressor is known,
// and that the uncompressed size is not negative.
func ParseCompressed(msg []byte) (Header, Compressed, error) {
	h, err := ParseHeader(msg)
	if err != nil {
		return h, Compressed{}, err
	}
	if h.OpCode != OpCompressed {
		return h, Compressed{}, errorf(h.OpCode, 12, "opCode", "not an OP_COMPRESSED")
	}
	if int64(h.Length) != int64(len(msg)) {
		return h, Compressed{}, errorf(OpCompressed, 0, "messageLength", "header says %d bytes, message has %d", h.Length, len(msg))
	}
	if len(msg) < HeaderLen+compressedHeadLen {
		return h, Compressed{}, errorf(OpCompressed, len(msg), "compressorId", "message ends before the compressor id")
	}
	c := Compressed{
		OriginalOpCode:   OpCode(readInt32(msg[16:])),
		UncompressedSize: readInt32(msg[20:]),
		Compressor:       CompressorID(msg[24]),
		Data:             msg[HeaderLen+compressedHeadLen:],
	}
	if c.OriginalOpCode == OpCompressed || !c.OriginalOpCode.Known() {
		return h, Compressed{}, errorf(OpCompressed, 16, "originalOpcode", "cannot unwrap %s", c.OriginalOpCode)
	}
	if c.UncompressedSize < 0 {
		return h, Compressed{}, errorf(OpCompressed, 20, "uncompressedSize", "negative size %d", c.UncompressedSize)
	}
	if !c.Compressor.Known() {
		return h, Compressed{}, errorf(OpCompressed, 24, "compressorId", "unknown compressor %d", c.Compressor)
	}
	return h, c, nil
}

// AppendCompressed appends an OP_COMPRESSED made of h's requestID and
// responseTo and c's fields as they are (no compression happens; the mock
// server and the fuzzers use it to re-encode what ParseCompressed read).
func AppendCompressed(dst []byte, requestID, responseTo int32, c *Compressed) ([]byte, error) {
	start, dst := StartMessage(dst, requestID, responseTo, OpCompressed)
	dst = appendInt32(dst, int32(c.OriginalOpCode))
	dst = appendInt32(dst, c.UncompressedSize)
	dst = append(dst, byte(c.Compressor))
	dst = append(dst, c.Data...)
	return FinishMessage(dst, start)
}

// Decompress unwraps the OP_COMPRESSED msg and appends the original message,
// with a rebuilt header (same requestID and responseTo, the original opcode,
// the uncompressed length), to dst. The uncompressed size is checked against
// maxSize (DefaultMaxMessageSize when <= 0), and against what the bytes that
// arrived can decompress to at most (maxExpansion), before anything is
// decompressed or allocated: a 34-byte reply that claims 47 MB cannot make
// it allocate 47 MB. The data must decompress to exactly that size.
func Decompress(dst, msg []byte, maxSize int) ([]byte, error) {
	if maxSize <= 0 {
		maxSize = DefaultMaxMessageSize
	}
	maxSize = min(maxSize, maxInt32) // the rebuilt header's length is an int32
	h, c, err := ParseCompressed(msg)
	if err != nil {
		return dst, err
	}
	if !c.Compressor.Registered() {
		_, err := codec(c.Compressor)
		return dst, err
	}
	total := int64(HeaderLen) + int64(c.UncompressedSize)
	if total > int64(maxSize) {
		return dst, errorf(OpCompressed, 20, "uncompressedSize", "%d-byte message would exceed the maximum message size %d", total, maxSize)
	}
	if limit := maxExpansion(c.Compressor, len(c.Data)); int64(c.UncompressedSize) > limit {
		return dst, errorf(OpCompressed, 20, "uncompressedSize", "%d bytes of %s data cannot decompress to %d bytes (at most %d)",
			len(c.Data), c.Compressor, c.UncompressedSize, limit)
	}
	start := len(dst)
	dst = slices.Grow(dst, int(total))
	dst = AppendHeader(dst, Header{Length: int32(total), RequestID: h.RequestID, ResponseTo: h.ResponseTo, OpCode: c.OriginalOpCode})
	out := dst[len(dst) : len(dst)+int(c.UncompressedSize)]
	switch c.Compressor {
	case CompressorNoop:
		if len(c.Data) != len(out) {
			err = errorf(OpCompressed, 25, "compressedMessage", "noop payload has %d bytes, uncompressedSize says %d", len(c.Data), len(out))
		}
		copy(out, c.Data)
	case CompressorZlib:
		err = decodeZlib(out, c.Data)
	default:
		var cd *Codec
		if cd, err = codec(c.Compressor); err == nil {
			err = cd.Decode(out, c.Data)
		}
	}
	if err != nil {
		if _, ok := err.(*Error); !ok {
			err = errorf(OpCompressed, 25, "compressedMessage", "%s data does not decompress to %d bytes: %v", c.Compressor, len(out), err)
		}
		return dst[:start], err
	}
	return dst[:len(dst)+len(out)], nil
}

// maxExpansion is the most that n bytes compressed with id can decompress
// to, from each format's largest ratio: Snappy's longest copy (64 bytes)
// takes at least 3 bytes (32 is generous); Deflate's best is 258 bytes for
// a little over 2 bits (1032:1); a Zstandard block yields at most 128 KiB
// and takes at least 4 bytes (an RLE block), plus a frame header. The slack
// covers the formats' fixed overhead.
func maxExpansion(id CompressorID, n int) int64 {
	const slack = 1 << 10
	switch id {
	case CompressorNoop:
		return int64(n)
	case CompressorSnappy:
		return 32*int64(n) + slack
	case CompressorZlib:
		return 1032*int64(n) + slack
	}
	return 32768*int64(n) + 128<<10 // CompressorZstd (ParseCompressed refused unknown ids)
}
