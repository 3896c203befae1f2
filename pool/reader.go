package pool

import (
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/torque-go/torque/wire"
)

// The connection's buffered reader. A read asks the socket for as much as
// the read buffer can hold, so a typical reply (header and body) arrives in
// one read system call instead of two; bytes that arrive beyond the message
// (the next reply of an exhaust stream) stay in the buffer for the next
// read. A connection checked in with such bytes still buffered is closed:
// they answer nothing the next user asked.

// minReadGrowth is the smallest step by which the read buffer grows. The
// buffer grows to at most four times what has arrived, so a peer that
// announces 48 MB and sends nothing cannot make us allocate 48 MB. (Four,
// not two: a large reply read into a fresh buffer then costs about 1.3
// times its size in allocations instead of 2, and a third of it in copies
// instead of all of it; see bench.Scaling's document-size table.)
const minReadGrowth = 64 << 10

// readFrame returns the next whole message (header included), in c.rbuf:
// valid until the next read on c or its release. Its capacity ends with
// the message, so appending to it never clobbers buffered bytes.
func (c *Conn) readFrame() (wire.Header, []byte, error) {
	if c.rbuf == nil {
		c.rbuf = wire.GetBuffer()
	}
	buf := *c.rbuf
	if c.roff > 0 { // drop the message returned last time
		buf = buf[:copy(buf, buf[c.roff:])]
		c.roff = 0
	}
	buf, err := c.fill(buf, wire.HeaderLen)
	*c.rbuf = buf
	if err != nil {
		return wire.Header{}, nil, frameError(err, len(buf), wire.HeaderLen, "header")
	}
	h, _ := wire.ParseHeader(buf)
	if err := h.Validate(c.maxMsg); err != nil {
		return h, nil, err
	}
	n := int(h.Length)
	buf, err = c.fill(buf, n)
	*c.rbuf = buf
	if err != nil {
		return h, nil, frameError(err, len(buf), n, h.OpCode.String()+" body")
	}
	c.roff = n
	return h, buf[:n:n], nil
}

// fill reads until buf holds at least n bytes, taking whatever more the
// socket has ready, up to the buffer's capacity.
func (c *Conn) fill(buf []byte, n int) ([]byte, error) {
	for len(buf) < n {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, min(n-len(buf), max(3*len(buf), minReadGrowth)))
		}
		got, err := c.nc.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+got]
		if err != nil && len(buf) < n {
			return buf, err
		}
	}
	return buf, nil
}

// buffered returns the number of bytes read from the socket but not yet
// returned as a message.
func (c *Conn) buffered() int {
	if c.rbuf == nil {
		return 0
	}
	return len(*c.rbuf) - c.roff
}

// frameError says how far a read got; io.EOF before the first byte of a
// message stays a plain io.EOF (the peer closed between messages).
func frameError(err error, got, want int, what string) error {
	if got == 0 && what == "header" && errors.Is(err, io.EOF) {
		return io.EOF
	}
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF // the header promised more
	}
	return fmt.Errorf("reading message %s: got %d of %d bytes: %w", what, min(got, want), want, err)
}

// SwapReadBuffer hands the caller the bytes of the message the last read
// returned without copying them: it exchanges the arrays of buf and of
// the read buffer, so that buf holds that message (and the slices of it
// the read returned stay valid as long as buf, which the caller owns and
// returns with wire.PutBuffer), and the connection reads its next message
// into what buf held. It does so only when the read buffer holds nothing
// beyond that message (no bytes read ahead) and the message was not
// decompressed (which puts it in another buffer), and reports whether it
// did; when it did not, the message is where it was, valid until the
// next operation on the connection, and the caller copies what it needs.
func (c *Conn) SwapReadBuffer(buf *[]byte) bool {
	if buf == nil || c.rbuf == nil || c.unzipped || c.roff == 0 || c.roff != len(*c.rbuf) {
		return false
	}
	*buf, *c.rbuf = (*c.rbuf)[:0], (*buf)[:0]
	c.roff = 0
	return true
}
