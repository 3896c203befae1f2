package zstd

import (
	"errors"
	"strconv"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// One encoder and one decoder serve the whole process: EncodeAll and
// DecodeAll are safe for concurrent use and keep their own internal pools.
// They are built on first use.

var encoder = sync.OnceValues(func() (*zstd.Encoder, error) {
	return zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault))
})

var decoder = sync.OnceValues(func() (*zstd.Decoder, error) {
	// DecodeAllCapLimit makes DecodeAll stop at cap(dst): a frame that
	// claims more than the message announced cannot make it allocate.
	return zstd.NewReader(nil, zstd.WithDecodeAllCapLimit(true),
		zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(maxMemory))
})

// Append appends a Zstandard frame holding src to dst.
func Append(dst, src []byte) ([]byte, error) {
	enc, err := encoder()
	if err != nil {
		return dst, err
	}
	return enc.EncodeAll(src, dst), nil
}

// Decode decodes src into dst, which must be exactly as long as the
// decoded data.
func Decode(dst, src []byte) error {
	dec, err := decoder()
	if err != nil {
		return err
	}
	out, err := dec.DecodeAll(src, dst[:0:len(dst)])
	if err != nil {
		return err
	}
	if len(out) != len(dst) {
		return errors.New("zstd frame decodes to " + strconv.Itoa(len(out)) + " bytes")
	}
	if len(out) > 0 && &out[0] != &dst[0] {
		return errors.New("zstd decoder did not decode in place")
	}
	return nil
}

// maxMemory bounds what one DecodeAll may hold: more than any legal
// message (48 MB), far less than the library's 64 GiB default.
const maxMemory = 64 << 20
