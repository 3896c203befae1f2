package wire

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/adler32"
	"io"
	"strconv"
	"sync"
)

// zlib writers are expensive to make (hundreds of KB of state), so one
// sync.Pool per level keeps them for reuse; readers likewise.

type zlibWriter struct {
	w   *zlib.Writer
	out appendWriter
}

// appendWriter is an io.Writer that appends to a byte slice.
type appendWriter struct{ b []byte }

func (a *appendWriter) Write(p []byte) (int, error) {
	a.b = append(a.b, p...)
	return len(p), nil
}

var zlibWriters [ZlibBestLevel - ZlibDefaultLevel + 1]sync.Pool // index level+1

// appendZlib appends the zlib encoding of src at level (-1..9) to dst.
func appendZlib(dst, src []byte, level int) ([]byte, error) {
	if err := checkZlibLevel(level); err != nil {
		return dst, err
	}
	pool := &zlibWriters[level+1]
	zw, _ := pool.Get().(*zlibWriter)
	if zw == nil {
		zw = &zlibWriter{}
		w, err := zlib.NewWriterLevel(&zw.out, level)
		if err != nil {
			return dst, err
		}
		zw.w = w
	} else {
		zw.w.Reset(&zw.out)
	}
	zw.out.b = dst
	_, err := zw.w.Write(src)
	if err == nil {
		err = zw.w.Close()
	}
	dst, zw.out.b = zw.out.b, nil
	pool.Put(zw)
	return dst, err
}

type zlibReader struct {
	fr  io.ReadCloser // a flate reader, also a flate.Resetter
	src bytes.Reader
	one [1]byte // for the read past the end
}

var zlibReaders sync.Pool

// decodeZlib decodes src into dst, which must be exactly as long as the
// decoded data; the stream must end (checksum verified) right there. It
// reads the zlib frame itself (RFC 1950: a 2-byte header, Deflate data, a
// big-endian Adler-32) around a pooled compress/flate reader, because
// compress/zlib's Reset allocates a new checksum each time.
func decodeZlib(dst, src []byte) error {
	if len(src) < 2+4 {
		return errors.New("zlib stream is too short")
	}
	cmf, flg := src[0], src[1]
	if cmf&0x0f != 8 || cmf>>4 > 7 || (uint16(cmf)<<8|uint16(flg))%31 != 0 {
		return errors.New("zlib header is invalid")
	}
	if flg&0x20 != 0 {
		return errors.New("zlib stream asks for a preset dictionary")
	}
	zr, _ := zlibReaders.Get().(*zlibReader)
	if zr == nil {
		zr = &zlibReader{}
	}
	defer zlibReaders.Put(zr)
	zr.src.Reset(src[2:])
	if zr.fr == nil {
		zr.fr = flate.NewReader(&zr.src)
	} else if err := zr.fr.(flate.Resetter).Reset(&zr.src, nil); err != nil {
		zr.fr = nil // a reader whose Reset failed is not reused
		return err
	}
	if _, err := io.ReadFull(zr.fr, dst); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return errors.New("zlib stream ends early")
		}
		return err
	}
	// Read past the end: the Deflate data must end right there.
	switch n, err := zr.fr.Read(zr.one[:]); {
	case n > 0:
		return errors.New("zlib stream decodes to more bytes than announced")
	case err != io.EOF:
		if err == nil {
			err = errors.New("zlib stream does not end")
		}
		return err
	}
	// The flate reader reads byte by byte from a bytes.Reader, so what
	// is left is the trailer.
	switch trailer := src[len(src)-zr.src.Len():]; {
	case len(trailer) != 4:
		return errors.New("zlib stream has " + strconv.Itoa(len(trailer)) + " bytes after its data, want a 4-byte checksum")
	case binary.BigEndian.Uint32(trailer) != adler32.Checksum(dst):
		return errors.New("zlib checksum does not match the data")
	}
	return nil
}
