package snappy

import (
	"errors"
	"slices"
	"strconv"

	"github.com/klauspost/compress/s2"
)

// Append appends the Snappy block encoding of src to dst. The s2 package
// writes the plain Snappy block format with EncodeSnappy, and its decoder
// reads it; neither keeps state, so there is nothing to pool.
func Append(dst, src []byte) ([]byte, error) {
	n := len(dst)
	dst = slices.Grow(dst, s2.MaxEncodedLen(len(src)))
	enc := s2.EncodeSnappy(dst[n:cap(dst)], src)
	return dst[:n+len(enc)], nil
}

// Decode decodes src into dst, which must be exactly as long as the
// decoded data.
func Decode(dst, src []byte) error {
	n, err := s2.DecodedLen(src)
	if err != nil {
		return err
	}
	if n != len(dst) {
		return errors.New("snappy block decodes to " + strconv.Itoa(n) + " bytes")
	}
	out, err := s2.Decode(dst, src)
	if err != nil {
		return err
	}
	if len(out) != len(dst) || (len(out) > 0 && &out[0] != &dst[0]) {
		return errors.New("snappy decoder did not decode in place")
	}
	return nil
}
