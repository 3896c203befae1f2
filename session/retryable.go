package session

import (
	"errors"

	"github.com/torque-go/torque/topology"
)

// classified finds the driver's error in err's chain.
func classified(err error) (ClassifiedError, bool) {
	var ce ClassifiedError
	if err == nil || !errors.As(err, &ce) {
		return nil, false
	}
	return ce, true
}

// IsNetworkError reports whether err is a network error (no reply read).
func IsNetworkError(err error) bool {
	ce, ok := classified(err)
	return ok && ce.NetworkError()
}

// HasErrorLabel reports whether err carries label.
func HasErrorLabel(err error, label string) bool {
	ce, ok := classified(err)
	return ok && ce.HasErrorLabel(label)
}

// retryableWriteCode reports whether code is one of the codes of a
// pre-4.4 server error that the driver labels RetryableWriteError
// (retryable-writes specification).
func retryableWriteCode(code int32) bool {
	switch code {
	case CodeInterruptedAtShutdown, CodeInterruptedDueToReplStateChange,
		CodeNotWritablePrimary, CodeNotPrimaryNoSecondaryOk, CodeNotPrimaryOrSecondary,
		CodePrimarySteppedDown, CodeShutdownInProgress, CodeHostNotFound,
		CodeHostUnreachable, CodeNetworkTimeout, CodeSocketException,
		CodeExceededTimeLimit:
		return true
	}
	return false
}

// retryableReadCode reports whether a read is retried on code
// (retryable-reads specification): the write codes plus
// ReadConcernMajorityNotAvailableYet.
func retryableReadCode(code int32) bool {
	return retryableWriteCode(code) || code == CodeReadConcernMajorityNotAvailable
}

// wireVersion44 is MongoDB 4.4's maxWireVersion: from it on the server
// labels retryable write errors itself.
const wireVersion44 = 9

// NeedsRetryableWriteLabel reports whether the driver must add the
// RetryableWriteError label to err, an error of a write on a client with
// retryWrites enabled and outside a transaction (commit and abort count
// as outside): every network error, and, from servers older than 4.4, a
// reply whose top-level code (or, from a mongod, writeConcernError.code)
// is in the retryable list. Errors from 4.4+ replies are labelled by the
// server, never by the driver.
func NeedsRetryableWriteLabel(err error, wireVersion int32, mongos bool) bool {
	ce, ok := classified(err)
	switch {
	case !ok:
		return false
	case ce.NetworkError():
		return true
	case wireVersion >= wireVersion44:
		return false
	}
	return retryableWriteCode(ce.Code()) || (!mongos && retryableWriteCode(ce.WriteConcernCode()))
}

// IsRetryableWriteError reports whether a write that failed with err may be
// retried: it carries the RetryableWriteError label (from the server, or
// added by the driver after NeedsRetryableWriteLabel).
func IsRetryableWriteError(err error) bool { return HasErrorLabel(err, LabelRetryableWrite) }

// IsRetryableReadError reports whether a read that failed with err may be
// retried: a network error or a retryable server error code.
func IsRetryableReadError(err error) bool {
	ce, ok := classified(err)
	return ok && (ce.NetworkError() || retryableReadCode(ce.Code()))
}

// isMaxTimeMSExpired reports code 50, top-level or in writeConcernError.
func isMaxTimeMSExpired(err error) bool {
	ce, ok := classified(err)
	return ok && (ce.Code() == CodeMaxTimeMSExpired || ce.WriteConcernCode() == CodeMaxTimeMSExpired)
}

// TransactionLabels returns the labels the driver adds to err, the error of
// a command of kind run in a session (inTransaction: the session was
// starting a transaction or in one before the command):
//   - TransientTransactionError: a network or server-selection error of
//     any command of a transaction but commitTransaction;
//   - UnknownTransactionCommitResult: a commitTransaction that failed with
//     a network or server-selection error, a retryable write error,
//     MaxTimeMSExpired, or a write concern error other than
//     UnsatisfiableWriteConcern and UnknownReplWriteConcern.
//
// Labels err already carries are not returned again. Add the
// RetryableWriteError label (NeedsRetryableWriteLabel) first: a commit's
// UnknownTransactionCommitResult depends on it. commitTransaction and
// abortTransaction are retried once on a retryable write error even when
// retryWrites is off.
func TransactionLabels(err error, kind OpKind, inTransaction bool) []string {
	ce, ok := classified(err)
	if !ok {
		return nil
	}
	noReply := ce.NetworkError() || ce.ServerSelectionError()
	var label string
	switch {
	case kind == OpCommit:
		wcc := ce.WriteConcernCode()
		if noReply || ce.HasErrorLabel(LabelRetryableWrite) || isMaxTimeMSExpired(err) ||
			ce.Code() == CodeWriteConcernFailed ||
			(wcc != 0 && wcc != CodeUnsatisfiableWriteConcern && wcc != CodeUnknownReplWriteConcern) {
			label = LabelUnknownTransactionCommitResult
		}
	case inTransaction || kind == OpAbort:
		if noReply {
			label = LabelTransientTransaction
		}
	}
	if label == "" || ce.HasErrorLabel(label) {
		return nil
	}
	return []string{label}
}

// SupportsRetryableWrites reports whether a server can retry writes: it
// supports sessions and is not a standalone.
func SupportsRetryableWrites(sd topology.ServerDescription) bool {
	if sd.Type == topology.LoadBalancer {
		return true
	}
	return sd.LogicalSessionTimeoutMinutes != nil && sd.Type != topology.Standalone
}
