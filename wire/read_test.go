package wire

import (
	"bytes"
	"errors"
	"io"
	"math"
	"strings"
	"testing"
	"testing/iotest"
)

// TestReadMessageStream reads every fixture back to back from one stream
// through one reused buffer.
func TestReadMessageStream(t *testing.T) {
	var stream []byte
	var want [][]byte
	for _, g := range goldens(t) {
		m := unhex(t, g.hex)
		stream = append(stream, m...)
		want = append(want, m)
	}
	for _, r := range []io.Reader{bytes.NewReader(stream), iotest.OneByteReader(bytes.NewReader(stream)), iotest.HalfReader(bytes.NewReader(stream))} {
		buf := make([]byte, 0, 4096)
		for i, w := range want {
			h, msg, err := ReadMessage(r, buf, 0)
			if err != nil {
				t.Fatalf("message %d: %v", i, err)
			}
			if !bytes.Equal(msg, w) || int(h.Length) != len(w) {
				t.Fatalf("message %d: read %x, want %x", i, msg, w)
			}
			if &msg[0] != &buf[:1][0] {
				t.Fatalf("message %d: buffer with room was not reused", i)
			}
			buf = msg[:0]
		}
		if _, _, err := ReadMessage(r, buf, 0); err != io.EOF {
			t.Fatalf("at the end of the stream: %v, want io.EOF", err)
		}
	}
}

func TestReadMessageGrowsBuffer(t *testing.T) {
	big := bigMsg(t, 300<<10)
	for _, buf := range [][]byte{nil, make([]byte, 0, 20), make([]byte, 0, 100<<10)} {
		_, msg, err := ReadMessage(iotest.HalfReader(bytes.NewReader(big)), buf, 0)
		if err != nil || !bytes.Equal(msg, big) {
			t.Fatalf("cap %d: %v", cap(buf), err)
		}
	}
}

// countingReader counts the bytes taken from it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestReadMessageBadHeader(t *testing.T) {
	hdr := func(length int32, op OpCode) []byte {
		b := AppendHeader(nil, Header{Length: length, RequestID: 1, OpCode: op})
		return append(b, make([]byte, 64)...) // a body that must not be read
	}
	tests := []struct {
		name    string
		stream  []byte
		maxSize int
		offset  int
		want    string
	}{
		{"length below 16", hdr(15, OpMsg), 0, 0, "shorter than the 16-byte header"},
		{"negative length", hdr(-1, OpMsg), 0, 0, "shorter than"},
		{"over the default max", hdr(48_000_001, OpMsg), 0, 0, "exceeds the maximum message size 48000000"},
		{"over a custom max", hdr(65, OpReply), 64, 0, "exceeds the maximum message size 64"},
		{"unknown opcode", hdr(20, 2002), 0, 12, "unknown opcode 2002"},
		{"zero opcode", hdr(20, 0), 0, 12, "unknown opcode 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cr := &countingReader{r: bytes.NewReader(tt.stream)}
			buf := make([]byte, 0, 32)
			_, msg, err := ReadMessage(cr, buf, tt.maxSize)
			var e *Error
			if !errors.As(err, &e) || e.Offset != tt.offset || !strings.Contains(e.Error(), tt.want) {
				t.Fatalf("ReadMessage = %v, want %q at %d", err, tt.want, tt.offset)
			}
			if cr.n != HeaderLen {
				t.Fatalf("read %d bytes, want only the %d-byte header", cr.n, HeaderLen)
			}
			if cap(msg) != 32 {
				t.Fatalf("the returned buffer has cap %d, want the caller's 32", cap(msg))
			}
		})
	}
}

func TestReadMessageShortReads(t *testing.T) {
	full := unhex(t, helloMsgHex)
	for _, tt := range []struct {
		name   string
		stream []byte
		want   string
	}{
		{"half a header", full[:7], "header: got 7 of 16 bytes"},
		{"half a body", full[:30], "OP_MSG body: got 30 of 52 bytes"},
		{"header only", full[:16], "got 16 of 52"},
	} {
		_, _, err := ReadMessage(bytes.NewReader(tt.stream), nil, 0)
		if !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want an EOF error saying %q", tt.name, err, tt.want)
		}
		if err == io.EOF {
			t.Errorf("%s: a message cut short must not look like a clean end of stream", tt.name)
		}
	}
	// A reader error passes through unchanged underneath.
	boom := errors.New("boom")
	_, _, err := ReadMessage(iotest.ErrReader(boom), nil, 0)
	if !errors.Is(err, boom) {
		t.Fatalf("ReadMessage = %v, want it to wrap boom", err)
	}
	// A huge announced length with no data behind it does not allocate it.
	hdr := AppendHeader(nil, Header{Length: 40_000_000, OpCode: OpMsg})
	_, msg, err := ReadMessage(bytes.NewReader(hdr), nil, 0)
	if !errors.Is(err, io.ErrUnexpectedEOF) || cap(msg) > 1<<20 {
		t.Fatalf("ReadMessage = cap %d, %v", cap(msg), err)
	}
}

func TestCheckResponseTo(t *testing.T) {
	h := Header{ResponseTo: 7, OpCode: OpMsg}
	if err := CheckResponseTo(h, 7); err != nil {
		t.Fatal(err)
	}
	err := CheckResponseTo(h, 8)
	var e *Error
	if !errors.As(err, &e) || e.Field != "responseTo" || e.Offset != 8 ||
		e.Error() != "wire: OP_MSG at byte 8 (responseTo): reply answers request 7, want 8" {
		t.Fatalf("CheckResponseTo = %v", err)
	}
}

func TestNextRequestID(t *testing.T) {
	a, b := NextRequestID(), NextRequestID()
	if a <= 0 || b <= 0 || a == b {
		t.Fatalf("NextRequestID gave %d then %d", a, b)
	}
	// At the wrap the counter passes 2^31, whose low 31 bits are 0: the
	// id that replies use for "no request" must be skipped.
	saved := lastRequestID.Load()
	defer lastRequestID.Store(saved)
	lastRequestID.Store(math.MaxInt32 - 1)
	for i := 0; i < 4; i++ {
		if id := NextRequestID(); id <= 0 {
			t.Fatalf("NextRequestID at the wrap gave %d", id)
		}
	}
}

func TestBufferPool(t *testing.T) {
	b := GetBuffer()
	if len(*b) != 0 || cap(*b) == 0 {
		t.Fatalf("GetBuffer = len %d cap %d", len(*b), cap(*b))
	}
	*b = append(*b, "dirty"...)
	PutBuffer(b)
	if c := GetBuffer(); len(*c) != 0 {
		t.Fatal("GetBuffer returned a non-empty buffer")
	}
	PutBuffer(nil) // must not panic
	huge := make([]byte, 0, maxPooledBuffer+1)
	PutBuffer(&huge)
}

func TestOpCodeAndHeader(t *testing.T) {
	for op, want := range map[OpCode]string{OpMsg: "OP_MSG", OpQuery: "OP_QUERY", OpReply: "OP_REPLY",
		OpCompressed: "OP_COMPRESSED", 2002: "opcode(2002)"} {
		if op.String() != want {
			t.Errorf("%d.String() = %q", int32(op), op.String())
		}
	}
	h := Header{Length: 99, RequestID: -3, ResponseTo: 1 << 30, OpCode: OpCompressed}
	got, err := ParseHeader(AppendHeader(nil, h))
	if err != nil || got != h {
		t.Fatalf("header round trip: %+v, %v", got, err)
	}
}
