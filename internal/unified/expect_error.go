package unified

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
)

// checkError asserts an operation's error against an expectedError
// document.
func (r *run) checkError(exp bson.Raw, out outcome) error {
	err := out.err
	if err == nil {
		return fmt.Errorf("expected an error (%s), got none; result %s", exp, describe(out.result))
	}
	if errors.Is(err, errUnsupportedOp) || errors.Is(err, errUnsupported) {
		return err // the runner's own failure, never the expected one
	}
	var ce *client.CommandError
	var we *client.WriteException
	isServer := errors.As(err, &ce) || errors.As(err, &we)
	var wces []client.WriteConcernError
	if we != nil && we.WriteConcernError != nil {
		wces = append(wces, *we.WriteConcernError)
	}
	if bulkWE, bulkWCEs, ok := clientBulkErrorView(err); ok { // Client.BulkWrite's error
		isServer = isServer || len(bulkWE.WriteErrors) > 0 || len(bulkWCEs) > 0
		we, wces = bulkWE, bulkWCEs
	}
	m := &matcher{entities: r.entities}
	for key, v := range exp.All() {
		var bad error
		switch key {
		case "isError":
		case "isTimeoutError":
			bad = checkTimeoutError(v, err)
		case "isClientError":
			want, _ := v.Boolean()
			if want == isServer {
				bad = fmt.Errorf("isClientError %v, got %T: %v", want, err, err)
			}
		case "errorContains":
			s, _ := v.StringValue()
			if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(s)) {
				bad = fmt.Errorf("error %q does not contain %q", err, s)
			}
		case "errorCode":
			want, _ := v.AsInt64()
			if !slicesContain(codes(ce, we), strconv.FormatInt(want, 10)) {
				bad = fmt.Errorf("errorCode %d, got %v", want, err)
			}
		case "errorCodeName":
			want, _ := v.StringValue()
			if !slicesContain(codeNames(ce, we), want) {
				bad = fmt.Errorf("errorCodeName %s, got %v", want, err)
			}
		case "errorLabelsContain", "errorLabelsOmit":
			arr, _ := v.Array()
			for _, l := range arr.All() {
				s, _ := l.StringValue()
				if client.HasErrorLabel(err, s) != (key == "errorLabelsContain") {
					bad = fmt.Errorf("%s %q: error %v", key, s, err)
				}
			}
		case "errorResponse":
			if ce == nil {
				bad = fmt.Errorf("errorResponse: %T is not a server error reply: %v", err, err)
			} else {
				bad = m.match("errorResponse", v, docValue(ce.Raw), true)
			}
		case "writeErrors":
			bad = matchWriteErrors(m, v, we)
		case "writeConcernErrors":
			bad = matchWriteConcernErrors(m, v, wces)
		case "expectResult":
			bad = m.match("expectError.expectResult", v, out.result, true)
		default:
			bad = fmt.Errorf("%w: expectError.%s", errUnsupported, key)
		}
		if bad != nil {
			return fmt.Errorf("expectError: %w", bad)
		}
	}
	return nil
}

func slicesContain(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// codes are the server codes an error carries: the reply's, each write
// error's, the write-concern error's.
func codes(ce *client.CommandError, we *client.WriteException) []string {
	var out []string
	if ce != nil {
		out = append(out, strconv.Itoa(int(ce.Code)))
	}
	if we != nil {
		for _, e := range we.WriteErrors {
			out = append(out, strconv.Itoa(int(e.Code)))
		}
		if we.WriteConcernError != nil {
			out = append(out, strconv.Itoa(int(we.WriteConcernError.Code)))
		}
	}
	return out
}

func codeNames(ce *client.CommandError, we *client.WriteException) []string {
	var out []string
	if ce != nil {
		out = append(out, ce.CodeName)
	}
	if we != nil {
		for _, e := range we.WriteErrors {
			out = append(out, e.CodeName)
		}
		if we.WriteConcernError != nil {
			out = append(out, we.WriteConcernError.CodeName)
		}
	}
	return out
}

// matchWriteErrors compares {"<index>": {code, ...}} with the write
// errors by index; each is a root-level document.
func matchWriteErrors(m *matcher, exp bson.RawValue, we *client.WriteException) error {
	if we == nil {
		return errors.New("writeErrors: the error has no write errors")
	}
	got := bson.D{}
	for _, e := range we.WriteErrors {
		d := bson.D{bson.KV("code", e.Code), bson.KV("errmsg", e.Message)}
		if e.CodeName != "" {
			d = append(d, bson.KV("codeName", e.CodeName))
		}
		if e.Details != nil {
			d = append(d, bson.KV("errInfo", e.Details))
		}
		got = append(got, bson.KV(strconv.Itoa(e.Index), d))
	}
	act := result(got)
	if act.err != nil {
		return act.err
	}
	doc, _ := exp.Document()
	actDoc, _ := act.result.Document()
	for key, v := range doc.All() {
		if err := m.match("writeErrors."+key, v, actDoc.Lookup(key), true); err != nil {
			return err
		}
	}
	for key := range actDoc.All() {
		if doc.Lookup(key).IsZero() {
			return fmt.Errorf("writeErrors: unexpected write error at index %s: %s", key, actDoc.Lookup(key))
		}
	}
	return nil
}

func matchWriteConcernErrors(m *matcher, exp bson.RawValue, wces []client.WriteConcernError) error {
	got := bson.A{}
	for _, e := range wces {
		// The unified format names them message and details.
		d := bson.D{bson.KV("code", e.Code), bson.KV("codeName", e.CodeName), bson.KV("message", e.Message)}
		if e.Details != nil {
			d = append(d, bson.KV("details", e.Details))
		}
		got = append(got, d)
	}
	act := result(got)
	if act.err != nil {
		return act.err
	}
	arr, _ := exp.Array()
	actArr, _ := act.result.Array()
	return m.matchArray("writeConcernErrors", arr, actArr, true)
}
