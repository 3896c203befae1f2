package wire

import (
	"bytes"
	"errors"
	"io"
	"sync"

	"github.com/klauspost/compress/zlib"
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
	r   io.ReadCloser // also a zlib.Resetter
	src bytes.Reader
	one [1]byte // for the read past the end
}

var zlibReaders sync.Pool

// decodeZlib decodes src into dst, which must be exactly as long as the
// decoded data; the stream must end (checksum verified) right there.
func decodeZlib(dst, src []byte) error {
	zr, _ := zlibReaders.Get().(*zlibReader)
	if zr == nil {
		zr = &zlibReader{}
	}
	zr.src.Reset(src)
	var err error
	if zr.r == nil {
		zr.r, err = zlib.NewReader(&zr.src)
	} else {
		err = zr.r.(zlib.Resetter).Reset(&zr.src, nil)
	}
	if err != nil {
		zr.r = nil // a reader whose Reset failed is not reused
		zlibReaders.Put(zr)
		return err
	}
	defer zlibReaders.Put(zr)
	if _, err := io.ReadFull(zr.r, dst); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return errors.New("zlib stream ends early")
		}
		return err
	}
	// Read past the end so that the reader checks the Adler-32.
	switch n, err := zr.r.Read(zr.one[:]); {
	case n > 0:
		return errors.New("zlib stream decodes to more bytes than announced")
	case err != io.EOF:
		if err == nil {
			err = errors.New("zlib stream does not end")
		}
		return err
	}
	return nil
}
