package client

import (
	"errors"

	"github.com/torque-go/torque/internal/driver"
	"github.com/torque-go/torque/mongoerr"
	"github.com/torque-go/torque/topology"
)

// The driver's error types, defined in the public package mongoerr (go
// doc mongoerr.CommandError shows their fields; %T prints
// *mongoerr.CommandError) and inspectable with errors.As:
//
//	var ce *client.CommandError      // {ok: 0}: Code, CodeName, Message, Labels, Raw
//	var we *client.WriteException    // WriteErrors (per index), WriteConcernError, Labels
//	var ne *client.NetworkError      // Addr, Err, Sent (whether the request went out)
type (
	CommandError      = mongoerr.CommandError
	WriteException    = mongoerr.WriteException
	WriteError        = mongoerr.WriteError
	WriteConcernError = mongoerr.WriteConcernError
	NetworkError      = mongoerr.NetworkError
)

// ServerSelectionError is the one error of a failed server selection,
// whatever ended it (the context, serverSelectionTimeoutMS, timeoutMS):
// Op and Criteria say what was wanted, Topology what was there, Err why
// it failed. IsTimeout and errors.Is(err, context.DeadlineExceeded) are
// true when a time limit ended it.
type ServerSelectionError = topology.SelectionError

var (
	// ErrNoDocuments is FindOne's (and the FindOneAnd* helpers') error when
	// nothing matched.
	ErrNoDocuments = errors.New("client: no documents in result")
	// ErrClientDisconnected is the error of an operation after Disconnect,
	// and of one in flight that Disconnect ended.
	ErrClientDisconnected = driver.ErrClientDisconnected
	// ErrCursorClosed is the error of a Cursor used after Close.
	ErrCursorClosed = errors.New("client: cursor is closed")
)

// IsDuplicateKey reports whether err is a unique-index violation (E11000),
// as a command error, a write error or a write-concern error. The
// WriteError's KeyPattern and KeyValue name the key when the server sends
// them.
func IsDuplicateKey(err error) bool { return driver.IsDuplicateKey(err) }

// IsTimeout reports whether err is a timeout: the context's deadline, the
// client's Timeout, serverSelectionTimeoutMS, a network timeout, or the
// server's MaxTimeMSExpired.
func IsTimeout(err error) bool { return driver.IsTimeout(err) }

// IsNetworkError reports whether err is a network error.
func IsNetworkError(err error) bool { return driver.IsNetworkError(err) }

// HasErrorLabel reports whether err carries the label
// ("RetryableWriteError", "TransientTransactionError", ...).
func HasErrorLabel(err error, label string) bool { return driver.HasLabel(err, label) }

// ServerError is the method set (HasErrorCode, HasErrorLabel,
// HasErrorMessage, HasErrorCodeWithMessage, ErrorCodes) of the errors a
// server sent, CommandError and WriteException, by the official driver's
// names (mongo.ServerError); errors.As finds it.
type ServerError = mongoerr.ServerError

// ErrorCodes returns the server's error codes in err (as the official
// driver's mongo.ErrorCodes): a CommandError's code, a WriteException's or
// a ClientBulkWriteException's codes; nil for a nil err, empty for an
// error the server did not send.
func ErrorCodes(err error) []int {
	if err == nil {
		return nil
	}
	var ec interface{ ErrorCodes() []int }
	if errors.As(err, &ec) {
		return ec.ErrorCodes()
	}
	return []int{}
}
