package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/torque-go/torque/bson"
)

// parseDoc reads an Extended JSON object given on the command line; what
// names the argument in the error ("filter", "update" ...).
func parseDoc(what, arg string) (bson.Raw, error) {
	raw, err := bson.ExtJSONToRaw([]byte(arg))
	if err != nil {
		return nil, argError(what, arg, err, 0)
	}
	return raw, nil
}

// parseDocOr is parseDoc, or an empty document when arg is "".
func parseDocOr(what, arg string) (bson.Raw, error) {
	if arg == "" {
		return emptyDoc, nil
	}
	return parseDoc(what, arg)
}

var emptyDoc = bson.Raw{5, 0, 0, 0, 0}

// parseArray reads an Extended JSON array (a pipeline) given on the
// command line, as a BSON array.
func parseArray(what, arg string) (bson.RawArray, error) {
	const prefix = `{"a":`
	raw, err := bson.ExtJSONToRaw([]byte(prefix + arg + "}"))
	if err != nil {
		return nil, argError(what, arg, err, len(prefix))
	}
	arr, ok := raw.Lookup("a").Array()
	if !ok {
		return nil, fmt.Errorf("%s: want a JSON array [...], got %s", what, abbrev(arg))
	}
	return arr, nil
}

// argError says what is wrong with an argument and where, with the
// offending text.
func argError(what, arg string, err error, shift int) error {
	var je *bson.ExtJSONError
	if !errors.As(err, &je) {
		return fmt.Errorf("%s: %w", what, err)
	}
	off := max(je.Offset-shift, 0)
	where := fmt.Sprintf("at byte %d", off)
	if je.Key != "" {
		where += fmt.Sprintf(" (key %q)", strings.TrimPrefix(je.Key, "a."))
	}
	if off >= len(arg) {
		return fmt.Errorf("%s is not valid Extended JSON: %s at its end", what, je.Msg)
	}
	return fmt.Errorf("%s is not valid Extended JSON %s: %s; near %s", what, where, je.Msg, abbrev(arg[off:]))
}

// abbrev quotes the start of s for an error message.
func abbrev(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return fmt.Sprintf("%q", s)
}

// argOrFile returns arg, or the contents of the file it names when it
// starts with "@" (as curl does), for long arguments.
func argOrFile(arg string) (string, error) {
	if !strings.HasPrefix(arg, "@") {
		return arg, nil
	}
	b, err := os.ReadFile(arg[1:])
	return string(b), err
}
