package mongotest

import (
	"errors"
	"fmt"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/internal/wirehost"
	"github.com/torque-go/torque/mongotest/internal/engine"
	"github.com/torque-go/torque/mongotest/internal/store"
)

// cmdError is a command failure with MongoDB's code and codeName; extra
// fields go into the reply beside them (keyPattern, keyValue, errInfo).
type cmdError struct {
	Code     int32
	CodeName string
	Msg      string
	Extra    bson.D
}

func (e *cmdError) Error() string { return e.Msg }

func cmdErrorf(code int32, codeName, format string, args ...any) *cmdError {
	return &cmdError{Code: code, CodeName: codeName, Msg: fmt.Sprintf(format, args...)}
}

// unsupported refuses what MongoDB has and mongotest has not.
func unsupported(what string) *cmdError {
	return cmdErrorf(59, "CommandNotFound", "mongotest does not support %s", what)
}

func typeMismatch(field, want string, got any) *cmdError {
	return cmdErrorf(14, "TypeMismatch", "BSON field '%s' is the wrong type '%s', expected type '%s'", field, typeName(got), want)
}

func badValue(format string, args ...any) *cmdError {
	return cmdErrorf(2, "BadValue", format, args...)
}

// asCmdError turns any error of the engine, the store or the server into
// a cmdError.
func asCmdError(err error) *cmdError {
	var ce *cmdError
	var ee *engine.Error
	var se *store.Error
	var dk *store.DuplicateKeyError
	switch {
	case errors.As(err, &ce):
		return ce
	case errors.As(err, &dk):
		return &cmdError{Code: 11000, CodeName: "DuplicateKey", Msg: dk.Error(),
			Extra: bson.D{bson.KV("keyPattern", dk.KeyPattern), bson.KV("keyValue", dk.KeyValue)}}
	case errors.As(err, &ee):
		return &cmdError{Code: ee.Code, CodeName: ee.CodeName, Msg: ee.Msg}
	case errors.As(err, &se):
		return &cmdError{Code: se.Code, CodeName: se.CodeName, Msg: se.Msg}
	}
	return &cmdError{Code: 1, CodeName: "InternalError", Msg: err.Error()}
}

// errorReply is {ok: 0, errmsg, code, codeName, ...extra}.
func errorReply(err error) wirehost.Reply {
	ce := asCmdError(err)
	d := []bson.E{bson.KV("ok", 0.0), bson.KV("errmsg", ce.Msg), bson.KV("code", ce.Code), bson.KV("codeName", ce.CodeName)}
	d = append(d, ce.Extra...)
	return wirehost.Reply{Doc: wirehost.Doc(d...)}
}

// writeError is one entry of writeErrors: {index, code, errmsg, ...}.
func writeError(i int, err error) bson.D {
	ce := asCmdError(err)
	d := bson.D{bson.KV("index", int32(i)), bson.KV("code", ce.Code)}
	d = append(d, ce.Extra...)
	return append(d, bson.KV("errmsg", ce.Msg))
}

// typeName is MongoDB's name of v's BSON type, for messages.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case float64:
		return "double"
	case string:
		return "string"
	case bson.D:
		return "object"
	case bson.A:
		return "array"
	case bson.Binary:
		return "binData"
	case bson.ObjectID:
		return "objectId"
	case bool:
		return "bool"
	case bson.DateTime:
		return "date"
	case bson.Regex:
		return "regex"
	case int32:
		return "int"
	case bson.Timestamp:
		return "timestamp"
	case int64:
		return "long"
	case bson.Decimal128:
		return "decimal"
	}
	return fmt.Sprintf("%T", v)
}
