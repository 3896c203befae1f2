package driver

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/torque-go/torque/pool"
	"github.com/torque-go/torque/topology"
)

// A commit the caller's context cut short carries
// UnknownTransactionCommitResult, stays the caller's error (errors.Is
// finds the context's error, no NetworkError), and never gets
// TransientTransactionError; a network error or a server's reply keeps
// the labels its own rules give.
func TestCommitEndedByCallerLabels(t *testing.T) {
	cut := &pool.ConnError{Addr: "a:1", Stage: pool.StageRead, Sent: true, ContextDone: true,
		Err: fmt.Errorf("%w: read: i/o timeout", context.DeadlineExceeded)}
	sel := &ServerSelectionError{Err: context.Canceled}
	for name, err := range map[string]error{
		"reply cut":           cut,
		"selection cut":       sel,
		"cancelled at once":   fmt.Errorf("driver: commitTransaction: %w", context.Canceled),
		"timeout before send": timeoutBeforeSend("commitTransaction"),
	} {
		if !commitEndedByCaller(err) {
			t.Errorf("%s: not seen as ended by the caller", name)
			continue
		}
		got := withLabel(err, LabelUnknownCommit)
		if !HasLabel(got, LabelUnknownCommit) || HasLabel(got, LabelTransientTxn) {
			t.Errorf("%s: %v, want UnknownTransactionCommitResult alone", name, got)
		}
		if !isContextError(got) || IsNetworkError(got) {
			t.Errorf("%s: %v lost the context's error or became a network error", name, got)
		}
		if !errors.Is(got, err) {
			t.Errorf("%s: %v does not wrap the original error", name, got)
		}
	}
	var se *topology.SelectionError
	if got := withLabel(sel, LabelUnknownCommit); !errors.As(got, &se) || got != error(sel) {
		t.Errorf("a selection error takes the label itself: %T", got)
	}
	for name, err := range map[string]error{
		"network error":  &NetworkError{Addr: "a:1", Err: fmt.Errorf("%w: reset", context.DeadlineExceeded)},
		"server's reply": &Error{Code: 50, Message: "operation exceeded time limit"},
		"other":          errors.New("boom"),
	} {
		if commitEndedByCaller(err) {
			t.Errorf("%s: seen as ended by the caller", name)
		}
	}
}
