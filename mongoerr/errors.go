package mongoerr

import (
	"context"
	"errors"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/topology"
)

// CommandError is a server's error reply ({ok: 0}). Raw is a copy of the
// whole reply.
type CommandError struct {
	Code     int32
	CodeName string
	Message  string
	// Labels are the server's errorLabels and those the driver added
	// ("RetryableWriteError", "TransientTransactionError", ...).
	Labels []string
	// TopologyVersion is the server's, when the reply carries one (SDAM
	// uses it to ignore stale state-change errors).
	TopologyVersion *topology.TopologyVersion
	Raw             bson.Raw
}

// Error returns, for example, "server error (NamespaceNotFound 26): ns not
// found".
func (e *CommandError) Error() string {
	var b strings.Builder
	b.WriteString("server error")
	if e.CodeName != "" || e.Code != 0 {
		b.WriteString(" (")
		b.WriteString(e.CodeName)
		if e.Code != 0 {
			if e.CodeName != "" {
				b.WriteByte(' ')
			}
			b.WriteString(strconv.Itoa(int(e.Code)))
		}
		b.WriteByte(')')
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// HasLabel reports whether the server (or the driver) gave e the label.
func (e *CommandError) HasLabel(label string) bool { return slices.Contains(e.Labels, label) }

// WriteError is one document's failure in a write command ("writeErrors").
// Index counts from the first document of the whole operation.
type WriteError struct {
	Index    int
	Code     int32
	CodeName string
	Message  string
	// Details is errInfo (document validation failures), KeyPattern and
	// KeyValue the duplicate key of an E11000 error when the server gives
	// them; each is nil when absent. All three are copies.
	Details    bson.Raw
	KeyPattern bson.Raw
	KeyValue   bson.Raw
}

// Error returns, for example, "write error at index 3 (DuplicateKey 11000):
// E11000 duplicate key error collection: app.users index: email_1".
func (e WriteError) Error() string {
	return "write error at index " + strconv.Itoa(e.Index) + " (" + codeText(e.CodeName, e.Code) + "): " + e.Message
}

// WriteConcernError is a write that was applied but whose write concern
// could not be satisfied ("writeConcernError").
type WriteConcernError struct {
	Code     int32
	CodeName string
	Message  string
	Details  bson.Raw
	// TopologyVersion is the reply's, when the server sent one (with a
	// state-change code): SDAM ignores a stale error.
	TopologyVersion *topology.TopologyVersion
}

func (e *WriteConcernError) Error() string {
	return "write concern error (" + codeText(e.CodeName, e.Code) + "): " + e.Message
}

// codeText is "CodeName 123", or the one of them there is.
func codeText(name string, code int32) string {
	switch {
	case name == "":
		return strconv.Itoa(int(code))
	case code == 0:
		return name
	}
	return name + " " + strconv.Itoa(int(code))
}

// WriteException gathers the write errors and the write-concern error of an
// acknowledged write (ok: 1 with writeErrors or writeConcernError).
type WriteException struct {
	WriteErrors       []WriteError
	WriteConcernError *WriteConcernError
	Labels            []string
}

// Error lists the first three write errors, separated by "; ", and the
// write-concern error.
func (e *WriteException) Error() string {
	var parts []string
	for i, we := range e.WriteErrors {
		if i == 3 {
			parts = append(parts, "... ("+strconv.Itoa(len(e.WriteErrors))+" write errors)")
			break
		}
		parts = append(parts, we.Error())
	}
	if e.WriteConcernError != nil {
		parts = append(parts, e.WriteConcernError.Error())
	}
	return "write exception: " + strings.Join(parts, "; ")
}

// HasLabel reports whether the reply carried the label.
func (e *WriteException) HasLabel(label string) bool { return slices.Contains(e.Labels, label) }

// NetworkError is an I/O failure on a connection. Sent reports whether any
// byte of the request went out, so that a caller knows the server may have
// run it.
type NetworkError struct {
	Addr   string
	Err    error
	Sent   bool
	Labels []string
}

func (e *NetworkError) Error() string {
	return "network error with " + e.Addr + ": " + e.Err.Error()
}

func (e *NetworkError) Unwrap() error { return e.Err }

// Timeout reports whether the failure was a deadline.
func (e *NetworkError) Timeout() bool {
	if errors.Is(e.Err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(e.Err, &ne) && ne.Timeout()
}

// HasLabel reports whether the driver labelled e.
func (e *NetworkError) HasLabel(label string) bool { return slices.Contains(e.Labels, label) }
