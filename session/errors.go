package session

// ErrorKind names a misuse of a session that this package detects on the
// client side, before anything is sent.
type ErrorKind uint8

// The client-side session errors. Their messages contain the strings the
// specifications require, so that spec tests matching on them pass.
const (
	ErrSessionEnded                ErrorKind = iota + 1 // the session was ended
	ErrTransactionInProgress                            // startTransaction twice
	ErrNoTransactionStarted                             // commit/abort with no transaction
	ErrCommitAfterAbort                                 // commitTransaction after abortTransaction
	ErrAbortAfterCommit                                 // abortTransaction after commitTransaction
	ErrAbortTwice                                       // abortTransaction twice
	ErrSnapshotAndCausal                                // snapshot and causalConsistency both true
	ErrSnapshotTransaction                              // startTransaction on a snapshot session
	ErrSnapshotWireVersion                              // snapshot reads on a server older than 5.0
	ErrUnacknowledgedTransaction                        // w:0 write concern for a transaction
	ErrTransactionReadPreference                        // a read in a transaction with a non-primary read preference
	ErrNoServerSession                                  // Prepare before Acquire
	ErrSnapshotTimeWithoutSnapshot                      // Options.SnapshotTime on a session that is not a snapshot session
)

var errorMessages = [...]string{
	ErrSessionEnded:                "Attempted to use an ended session",
	ErrTransactionInProgress:       "Transaction already in progress",
	ErrNoTransactionStarted:        "No transaction started",
	ErrCommitAfterAbort:            "Cannot call commitTransaction after calling abortTransaction",
	ErrAbortAfterCommit:            "Cannot call abortTransaction after calling commitTransaction",
	ErrAbortTwice:                  "Cannot call abortTransaction twice",
	ErrSnapshotAndCausal:           "causalConsistency and snapshot cannot both be true",
	ErrSnapshotTransaction:         "Transactions are not supported in snapshot sessions",
	ErrSnapshotWireVersion:         "Snapshot reads require MongoDB 5.0 or later",
	ErrUnacknowledgedTransaction:   "transactions do not support unacknowledged write concerns",
	ErrTransactionReadPreference:   "read preference in a transaction must be primary",
	ErrNoServerSession:             "no server session: call Acquire after checking out a connection",
	ErrSnapshotTimeWithoutSnapshot: "snapshotTime can only be set on a snapshot session (snapshot: true)",
}

// String returns the message of the kind.
func (k ErrorKind) String() string {
	if int(k) < len(errorMessages) && errorMessages[k] != "" {
		return errorMessages[k]
	}
	return "unknown session error"
}

// Error is a client-side session error. Find it with errors.As and look at
// Kind; the session state is unchanged when one is returned.
type Error struct {
	Kind ErrorKind
}

func (e *Error) Error() string { return "session: " + e.Kind.String() }

// Is lets errors.Is(err, &session.Error{Kind: k}) match on the kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind
}

func newError(k ErrorKind) error { return &Error{Kind: k} }

// The error labels of the retryable-writes and transactions specifications.
const (
	LabelRetryableWrite                 = "RetryableWriteError"
	LabelTransientTransaction           = "TransientTransactionError"
	LabelUnknownTransactionCommitResult = "UnknownTransactionCommitResult"
)

// Server error codes the rules here look at.
const (
	CodeHostUnreachable                 = 6
	CodeHostNotFound                    = 7
	CodeMaxTimeMSExpired                = 50
	CodeWriteConcernFailed              = 64
	CodeUnknownReplWriteConcern         = 79
	CodeNetworkTimeout                  = 89
	CodeShutdownInProgress              = 91
	CodeUnsatisfiableWriteConcern       = 100
	CodeReadConcernMajorityNotAvailable = 134
	CodePrimarySteppedDown              = 189
	CodeExceededTimeLimit               = 262
	CodeSocketException                 = 9001
	CodeNotWritablePrimary              = 10107
	CodeInterruptedAtShutdown           = 11600
	CodeInterruptedDueToReplStateChange = 11602
	CodeNotPrimaryNoSecondaryOk         = 13435
	CodeNotPrimaryOrSecondary           = 13436
)

// ClassifiedError is the view of an error that the retry and label rules
// need. internal/driver's error type implements it; the functions of this
// package find it in a chain with errors.As, and treat an error that does
// not implement it as a plain client-side error (not retryable, no
// labels).
type ClassifiedError interface {
	error
	// Code is the top-level code of a server error reply (ok:0), 0 when
	// the error did not come from a reply.
	Code() int32
	// WriteConcernCode is writeConcernError.code of the reply, 0 when
	// there is none.
	WriteConcernCode() int32
	// HasErrorLabel reports whether the server sent the label or the
	// driver added it.
	HasErrorLabel(label string) bool
	// NetworkError reports an error talking to the server with no reply
	// read: a socket error or timeout, or a pool cleared at checkout.
	NetworkError() bool
	// ServerSelectionError reports that no suitable server was found.
	ServerSelectionError() bool
}
