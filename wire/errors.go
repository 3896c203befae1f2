package wire

import "fmt"

// Error reports a message that is malformed or that this package refuses to
// handle. Offset counts bytes from the first byte of the message (the first
// byte of its header), so a hex dump of the message points straight at the
// problem.
type Error struct {
	Op     OpCode // the message's opcode, or 0 when the header itself is bad
	Offset int    // byte offset of the offending field within the message
	Field  string // name of the offending field, e.g. "messageLength", "section 1 size"
	Msg    string // what is wrong with it
}

func (e *Error) Error() string {
	op := "message"
	if e.Op != 0 {
		op = e.Op.String()
	}
	return fmt.Sprintf("wire: %s at byte %d (%s): %s", op, e.Offset, e.Field, e.Msg)
}

// errorf builds an *Error; it is the only way this package reports malformed
// input.
func errorf(op OpCode, offset int, field, format string, args ...any) error {
	return &Error{Op: op, Offset: offset, Field: field, Msg: fmt.Sprintf(format, args...)}
}
