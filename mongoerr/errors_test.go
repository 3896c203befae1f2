package mongoerr

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestErrorTexts(t *testing.T) {
	we := &WriteException{
		WriteErrors: []WriteError{
			{Index: 0, Code: 11000, CodeName: "DuplicateKey", Message: "E11000 duplicate key error collection: app.errs"},
			{Index: 2, Code: 121, Message: "Document failed validation"},
		},
		WriteConcernError: &WriteConcernError{Code: 64, CodeName: "WriteConcernFailed", Message: "waiting for replication timed out"},
	}
	want := "write exception: write error at index 0 (DuplicateKey 11000): E11000 duplicate key error collection: app.errs; " +
		"write error at index 2 (121): Document failed validation; " +
		"write concern error (WriteConcernFailed 64): waiting for replication timed out"
	if got := we.Error(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	many := &WriteException{WriteErrors: make([]WriteError, 5)}
	if got := many.Error(); got != "write exception: write error at index 0 (0): ; write error at index 0 (0): ; "+
		"write error at index 0 (0): ; ... (5 write errors)" {
		t.Errorf("five errors: %q", got)
	}
	ce := &CommandError{Code: 26, CodeName: "NamespaceNotFound", Message: "ns not found"}
	if got := ce.Error(); got != "server error (NamespaceNotFound 26): ns not found" {
		t.Errorf("command error %q", got)
	}
	// The optional KeyPattern, KeyValue and Details of a write error that
	// has none print as nothing, never "<invalid BSON: ...>" (issue 15
	// item 8).
	w := we.WriteErrors[1]
	if got := fmt.Sprintf("%v|%v|%s", w.KeyPattern, w.KeyValue, w.Details); got != "||" {
		t.Errorf("absent KeyPattern, KeyValue, Details print %q", got)
	}
	ne := &NetworkError{Addr: "a:27017", Err: context.DeadlineExceeded}
	if !ne.Timeout() || !errors.Is(ne, context.DeadlineExceeded) {
		t.Error("a network error from a deadline is a timeout")
	}
}
