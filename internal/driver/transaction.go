package driver

import "github.com/torque-go/torque/session"

// addTransactionLabels adds to err, the final error of an operation run in
// a session, the labels the transactions specification gives it
// (session.TransactionLabels): TransientTransactionError for a network
// error inside a transaction or of abortTransaction,
// UnknownTransactionCommitResult for a commit whose outcome is unknown.
// (Added by helper "changestream" with the Commit and Abort kinds.)
func addTransactionLabels(ex *execution, err error) {
	kind := ex.op.Kind.sessionKind()
	for _, l := range session.TransactionLabels(classify(err), kind, ex.sess.InTransaction()) {
		addLabel(labelHolder(err), l)
	}
}

// Classified wraps err, an error of the driver, so that package
// session's rules read it (session.HasErrorLabel, session.WithTransaction
// look for a session.ClassifiedError); errors.Is and errors.As see
// through the wrapper, and Unclassified removes it. nil stays nil.
func Classified(err error) error {
	if err == nil {
		return nil
	}
	return classifiedError{classified{err}}
}

// Unclassified returns the error Classified wrapped, or err itself.
func Unclassified(err error) error {
	if c, ok := err.(classifiedError); ok {
		return c.error
	}
	return err
}

// classifiedError is classified with Unwrap.
type classifiedError struct{ classified }

func (c classifiedError) Unwrap() error { return c.error }
