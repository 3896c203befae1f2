package mongoerr

import (
	"slices"
	"strings"
)

// ServerError is what the errors a server sent have in common, with the
// official Go driver's method names, so that code written against its
// mongo.ServerError keeps working:
//
//	var se mongoerr.ServerError
//	if errors.As(err, &se) && se.HasErrorCode(11000) { ... }
//
// CommandError and WriteException implement it.
type ServerError interface {
	error
	// HasErrorCode reports whether the error has the code (a write
	// exception: any of its write errors or its write-concern error).
	HasErrorCode(code int) bool
	// HasErrorLabel reports whether the error has the label.
	HasErrorLabel(label string) bool
	// HasErrorMessage reports whether a message of the error contains
	// message.
	HasErrorMessage(message string) bool
	// HasErrorCodeWithMessage reports whether one error has the code and
	// a message that contains message.
	HasErrorCodeWithMessage(code int, message string) bool
	// ErrorCodes returns every code of the error.
	ErrorCodes() []int
}

var (
	_ ServerError = (*CommandError)(nil)
	_ ServerError = (*WriteException)(nil)
)

// HasErrorCode reports whether e's code is code.
func (e *CommandError) HasErrorCode(code int) bool { return int(e.Code) == code }

// HasErrorLabel is HasLabel, by the official driver's name.
func (e *CommandError) HasErrorLabel(label string) bool { return e.HasLabel(label) }

// HasErrorMessage reports whether e's message contains message.
func (e *CommandError) HasErrorMessage(message string) bool {
	return strings.Contains(e.Message, message)
}

// HasErrorCodeWithMessage reports whether e has the code and its message
// contains message.
func (e *CommandError) HasErrorCodeWithMessage(code int, message string) bool {
	return e.HasErrorCode(code) && e.HasErrorMessage(message)
}

// ErrorCodes returns e's code.
func (e *CommandError) ErrorCodes() []int { return []int{int(e.Code)} }

// IsMaxTimeMSExpiredError reports whether the server stopped the command
// at its maxTimeMS (MaxTimeMSExpired, 50).
func (e *CommandError) IsMaxTimeMSExpiredError() bool {
	return e.Code == 50 || e.CodeName == "MaxTimeMSExpired"
}

// HasErrorCode reports whether a write error or the write-concern error
// of e has the code.
func (e *WriteException) HasErrorCode(code int) bool {
	return slices.Contains(e.ErrorCodes(), code)
}

// HasErrorLabel is HasLabel, by the official driver's name.
func (e *WriteException) HasErrorLabel(label string) bool { return e.HasLabel(label) }

// HasErrorMessage reports whether the message of a write error or of the
// write-concern error contains message.
func (e *WriteException) HasErrorMessage(message string) bool {
	return e.any(func(_ int32, msg string) bool { return strings.Contains(msg, message) })
}

// HasErrorCodeWithMessage reports whether one write error, or the
// write-concern error, has the code and a message that contains message.
func (e *WriteException) HasErrorCodeWithMessage(code int, message string) bool {
	return e.any(func(c int32, msg string) bool { return int(c) == code && strings.Contains(msg, message) })
}

// ErrorCodes returns the codes of the write errors, in order, then the
// write-concern error's.
func (e *WriteException) ErrorCodes() []int {
	var codes []int
	e.any(func(c int32, _ string) bool {
		codes = append(codes, int(c))
		return false
	})
	return codes
}

// any reports whether f is true of a write error or the write-concern
// error (their code and message), in that order.
func (e *WriteException) any(f func(code int32, message string) bool) bool {
	for _, we := range e.WriteErrors {
		if f(we.Code, we.Message) {
			return true
		}
	}
	return e.WriteConcernError != nil && f(e.WriteConcernError.Code, e.WriteConcernError.Message)
}
