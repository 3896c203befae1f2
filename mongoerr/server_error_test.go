package mongoerr

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

func TestWriteExceptionServerError(t *testing.T) {
	e := &WriteException{
		WriteErrors:       []WriteError{{Index: 0, Code: 11000, Message: "E11000 duplicate key"}, {Index: 2, Code: 121, Message: "Document failed validation"}},
		WriteConcernError: &WriteConcernError{Code: 64, Message: "waiting for replication timed out"},
		Labels:            []string{"RetryableWriteError"},
	}
	var se ServerError
	if !errors.As(fmt.Errorf("wrapped: %w", e), &se) {
		t.Fatal("errors.As finds no ServerError")
	}
	for _, c := range []struct {
		name string
		got  bool
		want bool
	}{
		{"HasErrorCode(11000)", se.HasErrorCode(11000), true},
		{"HasErrorCode(64)", se.HasErrorCode(64), true},
		{"HasErrorCode(26)", se.HasErrorCode(26), false},
		{"HasErrorLabel", se.HasErrorLabel("RetryableWriteError"), true},
		{"HasErrorMessage(replication)", se.HasErrorMessage("replication"), true},
		{"HasErrorMessage(other)", se.HasErrorMessage("other"), false},
		{"HasErrorCodeWithMessage(121, validation)", se.HasErrorCodeWithMessage(121, "validation"), true},
		{"HasErrorCodeWithMessage(11000, validation)", se.HasErrorCodeWithMessage(11000, "validation"), false},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if codes := se.ErrorCodes(); !slices.Equal(codes, []int{11000, 121, 64}) {
		t.Errorf("ErrorCodes = %v", codes)
	}
	ce := &CommandError{Code: 50, Message: "operation exceeded time limit"}
	if !ce.IsMaxTimeMSExpiredError() || !slices.Equal(ce.ErrorCodes(), []int{50}) || (&CommandError{Code: 26}).IsMaxTimeMSExpiredError() {
		t.Errorf("CommandError 50: IsMaxTimeMSExpiredError %v, codes %v", ce.IsMaxTimeMSExpiredError(), ce.ErrorCodes())
	}
}
