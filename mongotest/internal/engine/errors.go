package engine

import "fmt"

// Error is a failure with the code and code name mongod sends for it; the
// server copies it into {ok: 0, code, codeName, errmsg}.
type Error struct {
	Code     int32  // MongoDB's numeric error code, e.g. 2
	CodeName string // MongoDB's name for Code, e.g. "BadValue"
	Msg      string // the errmsg
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s (%d): %s", e.CodeName, e.Code, e.Msg)
}

// The error codes this package returns, as mongod numbers them.
const (
	CodeBadValue                   = 2
	CodeFailedToParse              = 9
	CodeTypeMismatch               = 14
	CodeOverflow                   = 15
	CodeInvalidLength              = 16
	CodeDollarPrefixedFieldName    = 52
	CodeEmptyFieldName             = 56
	CodeDottedFieldName            = 57
	CodeCommandNotFound            = 59
	CodeConflictingUpdateOperators = 40
	CodeImmutableField             = 66
	CodeInvalidOptions             = 72
	CodePathNotViable              = 28
	CodeNoSuchKey                  = 4
	CodeInvalidPipelineOperator    = 168
	CodeLocation16554              = 16554
	CodeLocation16555              = 16555
	CodeLocation16608              = 16608
	CodeNotImplemented             = 238
	CodeLocation40324              = 40324
	CodeLocation31254              = 31254
	CodeLocation40352              = 40352
	CodeLocation31253              = 31253
	CodeLocation40415              = 40415
	CodeLocation15983              = 15983
	CodeLocation17276              = 17276
	CodeLocation28769              = 28769
	CodeLocation34471              = 34471
	CodeLocation51270              = 51270
	CodeLocation40228              = 40228
	CodeLocation15998              = 15998
)

var codeNames = map[int32]string{
	CodeBadValue:                   "BadValue",
	CodeFailedToParse:              "FailedToParse",
	CodeTypeMismatch:               "TypeMismatch",
	CodeOverflow:                   "Overflow",
	CodeInvalidLength:              "InvalidLength",
	CodeDollarPrefixedFieldName:    "DollarPrefixedFieldName",
	CodeEmptyFieldName:             "EmptyFieldName",
	CodeDottedFieldName:            "DottedFieldName",
	CodeCommandNotFound:            "CommandNotFound",
	CodeConflictingUpdateOperators: "ConflictingUpdateOperators",
	CodeImmutableField:             "ImmutableField",
	CodeInvalidOptions:             "InvalidOptions",
	CodePathNotViable:              "PathNotViable",
	CodeNoSuchKey:                  "NoSuchKey",
	CodeInvalidPipelineOperator:    "InvalidPipelineOperator",
	CodeNotImplemented:             "NotImplemented",
}

// errorf returns an *Error with code and the code name mongod gives it
// ("Location<code>" for the numbered assertions that have no name).
func errorf(code int32, format string, args ...any) *Error {
	name, ok := codeNames[code]
	if !ok {
		name = fmt.Sprintf("Location%d", code)
	}
	return &Error{Code: code, CodeName: name, Msg: fmt.Sprintf(format, args...)}
}

// unsupported is the refusal for what MongoDB has and mongotest has not.
func unsupported(what string) *Error {
	return errorf(CodeBadValue, "mongotest does not support %s", what)
}
