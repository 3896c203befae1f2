package wire

import "strconv"

// OpCode identifies the kind of a wire message (the header's fourth int32).
type OpCode int32

// The opcodes this package speaks. Everything else that MongoDB ever defined
// (OP_INSERT, OP_GET_MORE, ...) was removed from the server in 5.1 and is
// rejected as unknown.
const (
	OpReply      OpCode = 1    // legacy reply, only to the first legacy hello
	OpQuery      OpCode = 2004 // legacy query, only for the first hello
	OpCompressed OpCode = 2012 // another message, compressed
	OpMsg        OpCode = 2013 // every command and reply on a modern server
)

// String returns the protocol name, e.g. "OP_MSG", or "opcode(N)" when
// unknown.
func (op OpCode) String() string {
	switch op {
	case OpReply:
		return "OP_REPLY"
	case OpQuery:
		return "OP_QUERY"
	case OpCompressed:
		return "OP_COMPRESSED"
	case OpMsg:
		return "OP_MSG"
	}
	return "opcode(" + strconv.Itoa(int(op)) + ")"
}

// Known reports whether op is one of the four opcodes this package handles.
func (op OpCode) Known() bool {
	switch op {
	case OpReply, OpQuery, OpCompressed, OpMsg:
		return true
	}
	return false
}
