package bson

import (
	"errors"
	"strconv"
)

// The errors of this package form one small family. Each is a pointer type
// found with errors.As, and each names what is wrong (Msg) and where: a
// byte offset into the input that was being read and, once known, the
// dotted key path of the value (Key, "" at the top level).
//
//   - *DecodeError: malformed BSON, or a BSON value that does not fit the
//     Go value it is decoded into (Validate, the lookups, Unmarshal); Err
//     holds a failing Unmarshaler's error.
//   - *ExtJSONError: Extended JSON that cannot be read (ExtJSONToRaw,
//     UnmarshalExtJSON); Offset counts bytes of the JSON text.
//   - *MarshalError: a Go value that cannot be marshaled (no byte offset:
//     there is no input); Err holds a failing Marshaler's error.
//   - *UnmarshalTargetError: Unmarshal was not given a non-nil pointer.
//   - ErrElementNotFound: a lookup found no such key (errors.Is; the error
//     returned may wrap it with the path).

// ErrElementNotFound is returned by the lookups when no element has the key
// (or path) asked for.
var ErrElementNotFound = errors.New("bson: element not found")

// DecodeError reports malformed BSON, or a value that does not fit its Go
// target: what is wrong (Msg), where in the bytes (Offset, counted from the
// start of the outermost document being read) and under which key path
// (Key, dotted, "" at the top level). When an Unmarshaler or
// ValueUnmarshaler failed, Err is its error (for errors.Is and errors.As;
// Msg already quotes it).
type DecodeError struct {
	Offset int
	Key    string
	Msg    string
	Err    error
}

// Error returns, for example, `bson: at byte 17 in "a.b": string is not valid UTF-8`.
func (e *DecodeError) Error() string {
	s := "bson: at byte " + strconv.Itoa(e.Offset)
	if e.Key != "" {
		s += " in " + strconv.Quote(e.Key)
	}
	return s + ": " + e.Msg
}

func (e *DecodeError) Unwrap() error { return e.Err }

// decodeErr returns a *DecodeError; it keeps call sites short.
func decodeErr(off int, msg string) *DecodeError {
	return &DecodeError{Offset: off, Msg: msg}
}

// ExtJSONError reports Extended JSON that cannot be read: what is wrong
// (Msg), where (Offset, the byte offset in the JSON input) and, once the
// JSON parsed, under which key (Key, dotted, "" at the top level).
type ExtJSONError struct {
	Offset int
	Key    string
	Msg    string
}

// Error returns, for example,
// `bson: extended JSON at byte 12 in "a.b": $oid: "xyz" is not 24 hexadecimal digits`.
func (e *ExtJSONError) Error() string {
	s := "bson: extended JSON at byte " + strconv.Itoa(e.Offset)
	if e.Key != "" {
		s += " in " + strconv.Quote(e.Key)
	}
	return s + ": " + e.Msg
}

// MarshalError reports a Go value that cannot be marshaled: its type has no
// BSON form, a number does not fit, a Marshaler failed. Key is the dotted
// path of the field, "" at the top level.
type MarshalError struct {
	Key string
	Msg string
	Err error // the Marshaler's error, if one failed
}

// Error returns, for example, `bson: marshaling "a.b": Go type chan int has no BSON form`.
func (e *MarshalError) Error() string {
	s := e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	if e.Key != "" {
		return "bson: marshaling " + strconv.Quote(e.Key) + ": " + s
	}
	return "bson: " + s
}

func (e *MarshalError) Unwrap() error { return e.Err }

// UnmarshalTargetError reports that Unmarshal was not given a non-nil
// pointer to decode into.
type UnmarshalTargetError struct {
	What string // the Go type given, "nil" or "nil *T"
}

func (e *UnmarshalTargetError) Error() string {
	return "bson: Unmarshal needs a non-nil pointer to decode into, not " + e.What
}
