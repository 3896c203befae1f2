package wire

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
)

// ReadMessage reads one whole message (header included) from r into buf,
// reusing buf's capacity and growing it only when the message does not fit.
// The header is validated (Header.Validate with maxSize) before any byte of
// the body is read or any memory allocated, and a buffer that is too small
// grows only as bytes arrive (at most doubling), so a hostile length costs
// nothing. The returned message is buf[:h.Length] or, when buf was too small,
// a new slice; either way keep msg[:0] (it is also returned on error) as the
// buffer for the next read, or hand it back to the pool.
//
// I/O errors are returned wrapped, so errors.Is(err, io.ErrUnexpectedEOF) and
// errors.As(err, *net.Error) see through; a bad header is an *Error. After any
// error the stream is out of step and the connection must be closed.
func ReadMessage(r io.Reader, buf []byte, maxSize int) (Header, []byte, error) {
	if cap(buf) < HeaderLen {
		buf = make([]byte, 0, 512)
	}
	head := buf[:HeaderLen]
	if n, err := io.ReadFull(r, head); err != nil {
		return Header{}, buf[:0], readError(err, n, HeaderLen, "header")
	}
	h, _ := ParseHeader(head)
	if err := h.Validate(maxSize); err != nil {
		return h, buf[:0], err
	}
	msg, err := readBody(r, buf, int(h.Length))
	if err != nil {
		return h, msg[:0], readError(err, len(msg), int(h.Length), h.OpCode.String()+" body")
	}
	return h, msg, nil
}

// readBody reads the rest of an n-byte message whose header is in buf[:16].
// When buf is too small it grows to at most four times what has arrived,
// so a peer that announces 48 MB and sends nothing cannot make us allocate
// 48 MB. (Four, not two: reading a large reply into a fresh buffer then
// allocates about 1.3 times its size instead of 2, and copies a third of
// it instead of all of it; bench.Scaling's document-size table shows it.)
// On error it returns what it has read so far.
func readBody(r io.Reader, buf []byte, n int) ([]byte, error) {
	msg := buf[:HeaderLen]
	for len(msg) < n {
		if len(msg) == cap(msg) {
			msg = slices.Grow(msg, min(n-len(msg), max(3*len(msg), minReadGrowth)))
		}
		end := min(n, cap(msg))
		got, err := io.ReadFull(r, msg[len(msg):end])
		msg = msg[:len(msg)+got]
		if err == io.EOF {
			err = io.ErrUnexpectedEOF // the header promised more
		}
		if err != nil {
			return msg, err
		}
	}
	return msg, nil
}

// minReadGrowth is the smallest step by which ReadMessage grows a buffer.
const minReadGrowth = 64 << 10

// readError says how far a read got; io.EOF before the first byte of a
// message stays a plain io.EOF (the peer closed between messages).
func readError(err error, got, want int, what string) error {
	if got == 0 && errors.Is(err, io.EOF) && what == "header" {
		return io.EOF
	}
	return fmt.Errorf("wire: reading message %s: got %d of %d bytes: %w", what, got, want, err)
}

// Buffer pool. Messages are read into and built in pooled buffers so that a
// steady stream of round trips allocates nothing. Buffers that grew beyond
// maxPooledBuffer are dropped instead of pooled so that one huge reply does
// not pin its memory forever.

const (
	initialBufferSize = 16 << 10
	maxPooledBuffer   = 16 << 20
)

var buffers = sync.Pool{New: func() any {
	b := make([]byte, 0, initialBufferSize)
	return &b
}}

// GetBuffer returns an empty pooled buffer. Safe for concurrent use.
func GetBuffer() *[]byte {
	b := buffers.Get().(*[]byte)
	*b = (*b)[:0]
	return b
}

// PutBuffer returns b to the pool. Nothing may touch *b, nor any message,
// Msg, Reply or Documents parsed from it, afterwards.
func PutBuffer(b *[]byte) {
	if b == nil || cap(*b) > maxPooledBuffer {
		return
	}
	*b = (*b)[:0]
	buffers.Put(b)
}
