package driver

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/torque-go/torque/session"
	"github.com/torque-go/torque/topology"
)

// Error labels the driver reads or adds.
const (
	LabelRetryableWrite    = "RetryableWriteError"
	LabelNoWritesPerformed = "NoWritesPerformed"
	LabelTransientTxn      = "TransientTransactionError"
	LabelUnknownCommit     = "UnknownTransactionCommitResult"
)

// The error types (Error, WriteError, WriteConcernError, WriteException,
// NetworkError) are mongoerr's: see public_types.go.

// ErrClientDisconnected is the error of an operation that the client's
// Disconnect ended, or that started after it. The Deployment and Conn
// seams wrap it; the executor neither retries it nor tells SDAM.
var ErrClientDisconnected = errors.New("client: the client is disconnected")

// ReplyError is a reply that arrived whole but whose content cannot be
// read: malformed BSON (Err is then a *bson.DecodeError) or a reply
// without an "ok" field. It is the operation's error: the connection and
// the server are fine, and it is never retried.
type ReplyError struct {
	Command string // the command whose reply it was
	Err     error
}

func (e *ReplyError) Error() string {
	return "reply to " + e.Command + " cannot be read: " + e.Err.Error()
}

func (e *ReplyError) Unwrap() error { return e.Err }

// isContextError reports whether err wraps a context's error.
func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// contextEnded reports whether ctx is done or past its deadline (a
// socket deadline set from it may fire a moment before ctx reports it).
func contextEnded(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	dl, ok := ctx.Deadline()
	return ok && !time.Now().Before(dl)
}

// labelled is the behaviour the label helpers need.
type labelled interface{ HasLabel(string) bool }

// HasLabel reports whether err, or an error it wraps, carries label.
func HasLabel(err error, label string) bool {
	var l labelled
	for e := err; e != nil; {
		if errors.As(e, &l) {
			if l.HasLabel(label) {
				return true
			}
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		e = u.Unwrap()
	}
	return false
}

// addLabel adds label to the first of the driver's labelled errors
// (*Error, *WriteException, *NetworkError, *ServerSelectionError) in err's
// chain, unless it has it already.
func addLabel(err error, label string) {
	var labels *[]string
	for e := err; e != nil && labels == nil; e = errors.Unwrap(e) {
		switch e := e.(type) {
		case *Error:
			labels = &e.Labels
		case *WriteException:
			labels = &e.Labels
		case *NetworkError:
			labels = &e.Labels
		case *ServerSelectionError:
			labels = &e.Labels
		}
	}
	if labels != nil && !slices.Contains(*labels, label) {
		*labels = append(*labels, label)
	}
}

// IsNetworkError reports whether err is a network error.
func IsNetworkError(err error) bool {
	var ne *NetworkError
	return errors.As(err, &ne)
}

// IsTimeout reports whether err is a timeout: the context's deadline, a
// network timeout, or the server's MaxTimeMSExpired (50).
func IsTimeout(err error) bool {
	if err == nil {
		return false
	}
	if isDeadline(err) {
		return true
	}
	var se *Error
	if errors.As(err, &se) && (se.Code == 50 || se.Code == 262) {
		return true
	}
	var we *WriteException
	if errors.As(err, &we) && we.WriteConcernError != nil && we.WriteConcernError.Code == 50 {
		return true
	}
	return false
}

func isDeadline(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	// Anything that says it is a timeout: net.Error, but also
	// session.TimeoutError (withTransaction ran out of time).
	var te interface{ Timeout() bool }
	return errors.As(err, &te) && te.Timeout()
}

// duplicateKeyCodes are the codes of a unique-index violation.
var duplicateKeyCodes = []int32{11000, 11001, 12582}

func isDupCode(code int32, msg string) bool {
	return slices.Contains(duplicateKeyCodes, code) || code == 16460 && strings.Contains(msg, " E11000 ")
}

// IsDuplicateKey reports whether err is a unique-index violation, as a
// command error, a write error or a write-concern error.
func IsDuplicateKey(err error) bool {
	var se *Error
	if errors.As(err, &se) && isDupCode(se.Code, se.Message) {
		return true
	}
	var we *WriteException
	if errors.As(err, &we) {
		for _, w := range we.WriteErrors {
			if isDupCode(w.Code, w.Message) {
				return true
			}
		}
		if c := we.WriteConcernError; c != nil && isDupCode(c.Code, c.Message) {
			return true
		}
	}
	return false
}

// ServerSelectionError is the failure to find a suitable server: the one
// type, topology.SelectionError, whether the context, serverSelectionTimeoutMS
// or the topology ended it. In a transaction it carries the driver's labels
// (TransientTransactionError, or UnknownTransactionCommitResult for a
// commit).
type ServerSelectionError = topology.SelectionError

// classified is the view of the driver's errors that package session's
// retry and label rules read (session.ClassifiedError).
type classified struct{ error }

func classify(err error) session.ClassifiedError {
	if err == nil {
		return nil
	}
	return classified{err}
}

func (c classified) Code() int32 {
	var se *Error
	if errors.As(c.error, &se) {
		return se.Code
	}
	return 0
}

func (c classified) WriteConcernCode() int32 {
	var we *WriteException
	if errors.As(c.error, &we) && we.WriteConcernError != nil {
		return we.WriteConcernError.Code
	}
	return 0
}

func (c classified) HasErrorLabel(label string) bool { return HasLabel(c.error, label) }
func (c classified) NetworkError() bool              { return IsNetworkError(c.error) }

// ServerSelectionError is true for a selection the deployment failed,
// not one the caller's own context ended (never the server's fault).
func (c classified) ServerSelectionError() bool {
	var se *ServerSelectionError
	return errors.As(c.error, &se) && !errors.Is(se.Err, context.Canceled) && !errors.Is(se.Err, context.DeadlineExceeded)
}

// ReplyAppError describes err, met on a connection to addr, for SDAM's
// application-error rules: the kind of error and, for a server's reply
// (or its writeConcernError), its code, message, topologyVersion and
// SystemOverloadedError label. The Server seam's implementation merges it
// with what the connection knows (topology.ToAppError) and passes it on;
// topology.ApplyAppError applies the rules.
func ReplyAppError(addr topology.Address, err error) topology.AppError {
	e := topology.AppError{Addr: addr, Err: err}
	var ne *NetworkError
	var se *Error
	var we *WriteException
	switch {
	case errors.As(err, &ne):
		e.Kind = topology.NetworkError
		if ne.Timeout() {
			e.Kind = topology.NetworkTimeout
		}
	case errors.As(err, &se):
		e.Kind, e.Code, e.Message, e.TopologyVersion = topology.CommandError, se.Code, se.Message, se.TopologyVersion
		e.Overloaded = se.HasLabel("SystemOverloadedError")
	case errors.As(err, &we) && we.WriteConcernError != nil:
		wce := we.WriteConcernError
		e.Kind, e.Code, e.Message, e.TopologyVersion = topology.CommandError, wce.Code, wce.Message, wce.TopologyVersion
	}
	return e
}
