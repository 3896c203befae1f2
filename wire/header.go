package wire

import (
	"encoding/binary"
	"math"
	"sync/atomic"
)

// HeaderLen is the size of the standard message header.
const HeaderLen = 16

// DefaultMaxMessageSize is the largest message a MongoDB server sends or
// accepts (its hello reply's maxMessageSizeBytes). Functions that take a
// maxSize use it when given 0 or less.
const DefaultMaxMessageSize = 48_000_000

// Header is the standard 16-byte message header (MsgHeader).
type Header struct {
	Length     int32  // messageLength: the whole message, header included
	RequestID  int32  // chosen by the sender
	ResponseTo int32  // the RequestID this message answers, 0 for requests
	OpCode     OpCode // what follows the header
}

// ParseHeader reads the header at the start of b. It checks only that there
// are 16 bytes; Validate checks the values.
func ParseHeader(b []byte) (Header, error) {
	if len(b) < HeaderLen {
		return Header{}, errorf(0, len(b), "header", "need %d bytes, have %d", HeaderLen, len(b))
	}
	return Header{
		Length:     readInt32(b[0:]),
		RequestID:  readInt32(b[4:]),
		ResponseTo: readInt32(b[8:]),
		OpCode:     OpCode(readInt32(b[12:])),
	}, nil
}

// Validate checks that the header announces a message of a known opcode whose
// length is at least HeaderLen and at most maxSize (DefaultMaxMessageSize when
// maxSize <= 0). ReadMessage calls it before it allocates anything.
func (h Header) Validate(maxSize int) error {
	if maxSize <= 0 {
		maxSize = DefaultMaxMessageSize
	}
	op := h.OpCode
	if !op.Known() {
		op = 0
	}
	if h.Length < HeaderLen {
		return errorf(op, 0, "messageLength", "%d is shorter than the %d-byte header", h.Length, HeaderLen)
	}
	if int64(h.Length) > int64(maxSize) {
		return errorf(op, 0, "messageLength", "%d exceeds the maximum message size %d", h.Length, maxSize)
	}
	if !h.OpCode.Known() {
		return errorf(0, 12, "opCode", "unknown opcode %d", int32(h.OpCode))
	}
	return nil
}

// AppendHeader appends h to dst.
func AppendHeader(dst []byte, h Header) []byte {
	dst = appendInt32(dst, h.Length)
	dst = appendInt32(dst, h.RequestID)
	dst = appendInt32(dst, h.ResponseTo)
	return appendInt32(dst, int32(h.OpCode))
}

// StartMessage appends a header whose length is left for FinishMessage to fill
// in. It returns the offset of the message within dst.
func StartMessage(dst []byte, requestID, responseTo int32, op OpCode) (start int, out []byte) {
	start = len(dst)
	return start, AppendHeader(dst, Header{RequestID: requestID, ResponseTo: responseTo, OpCode: op})
}

// FinishMessage fills in the length of the message that StartMessage began at
// start and that runs to the end of dst. It fails only when the message is
// longer than an int32 can say.
func FinishMessage(dst []byte, start int) ([]byte, error) {
	n := len(dst) - start
	if start < 0 || n < HeaderLen {
		return dst, errorf(0, 0, "messageLength", "no message starts at offset %d", start)
	}
	if n > math.MaxInt32 {
		return dst, errorf(OpCode(readInt32(dst[start+12:])), 0, "messageLength", "message of %d bytes is too long", n)
	}
	binary.LittleEndian.PutUint32(dst[start:], uint32(n))
	return dst, nil
}

var lastRequestID atomic.Int32

// NextRequestID returns a process-wide unique, positive request id (it wraps
// after 2^31-1 messages, skipping 0, which a reply's responseTo uses for
// "no request"). Safe for concurrent use.
func NextRequestID() int32 {
	for {
		if id := lastRequestID.Add(1) & math.MaxInt32; id != 0 {
			return id
		}
	}
}

// CheckResponseTo returns an error unless h answers the request requestID.
// A reply to another request means the connection is out of step and must be
// closed.
func CheckResponseTo(h Header, requestID int32) error {
	if h.ResponseTo != requestID {
		return errorf(h.OpCode, 8, "responseTo", "reply answers request %d, want %d", h.ResponseTo, requestID)
	}
	return nil
}

func appendInt32(dst []byte, v int32) []byte {
	return binary.LittleEndian.AppendUint32(dst, uint32(v))
}

func appendInt64(dst []byte, v int64) []byte {
	return binary.LittleEndian.AppendUint64(dst, uint64(v))
}

// readInt32 reads a little-endian int32; callers check the length first.
func readInt32(b []byte) int32 {
	return int32(binary.LittleEndian.Uint32(b))
}

func readInt64(b []byte) int64 {
	return int64(binary.LittleEndian.Uint64(b))
}
