package connstring

import "fmt"

// Error is a connection string that cannot be used. Part names where the
// problem is ("scheme", "user information", "host", "database" or
// "option <name>"); Offset is the byte offset of that part in the string, or
// -1 when the problem is not at one place (two options that conflict).
//
// Error never contains the password or any other secret value.
type Error struct {
	Part   string
	Offset int
	Msg    string
}

func (e *Error) Error() string {
	if e.Offset >= 0 {
		return fmt.Sprintf("connstring: %s at byte %d: %s", e.Part, e.Offset, e.Msg)
	}
	return fmt.Sprintf("connstring: %s: %s", e.Part, e.Msg)
}

func errorf(part string, offset int, format string, args ...any) *Error {
	return &Error{Part: part, Offset: offset, Msg: fmt.Sprintf(format, args...)}
}
