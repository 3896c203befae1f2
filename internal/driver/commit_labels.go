package driver

import (
	"slices"
	"strings"
)

// commitEndedByCaller reports whether err, a commit's final error, is the
// end of the caller's context (cancelled, past its deadline, or past the
// operation's timeoutMS), met before a reply: while selecting a server,
// checking out a connection, or waiting for the reply. A *NetworkError
// (labelled by the network rules) and a server's reply are not.
func commitEndedByCaller(err error) bool {
	if !isContextError(err) || IsNetworkError(err) {
		return false
	}
	c := classified{err}
	return c.Code() == 0 && c.WriteConcernCode() == 0
}

// withLabel adds label to the first labelled error of err's chain (see
// addLabel); an error without one (a context's error, a connection's
// error the caller's context cut short) is wrapped in a labelledError
// that carries it.
func withLabel(err error, label string) error {
	if addLabel(err, label); HasLabel(err, label) {
		return err
	}
	return &labelledError{err: err, labels: []string{label}}
}

// labelledError is an error of the caller's own (its context ended) that
// the transactions specification wants labelled: a commit whose outcome
// is unknown. HasLabel (client.HasErrorLabel) sees its labels; errors.Is
// and errors.As see through it to the context's error and the cause.
type labelledError struct {
	err    error
	labels []string
}

func (e *labelledError) Error() string {
	return e.err.Error() + " (labels: " + strings.Join(e.labels, ", ") + ")"
}

func (e *labelledError) Unwrap() error { return e.err }

// HasLabel reports whether the error carries label.
func (e *labelledError) HasLabel(label string) bool { return slices.Contains(e.labels, label) }
