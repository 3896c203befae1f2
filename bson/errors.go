package bson

import (
	"errors"
	"strconv"
)

// ErrElementNotFound is returned by the lookups when no element has the key
// (or path) asked for.
var ErrElementNotFound = errors.New("bson: element not found")

// DecodeError reports malformed BSON: what is wrong (Msg), where in the
// bytes (Offset, counted from the start of the outermost document being
// read) and under which key path (Key, dotted, "" at the top level).
type DecodeError struct {
	Offset int
	Key    string
	Msg    string
}

// Error returns, for example, `bson: at byte 17 in "a.b": string is not valid UTF-8`.
func (e *DecodeError) Error() string {
	s := "bson: at byte " + strconv.Itoa(e.Offset)
	if e.Key != "" {
		s += " in " + strconv.Quote(e.Key)
	}
	return s + ": " + e.Msg
}

// decodeErr returns a *DecodeError; it keeps call sites short.
func decodeErr(off int, msg string) *DecodeError {
	return &DecodeError{Offset: off, Msg: msg}
}
