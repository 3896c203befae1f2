package engine

import (
	"strings"

	"github.com/torque-go/torque/bson"
)

// This file changes a value at a concrete path (no positional
// components), creating missing documents on the way. Containers on the
// path are copied, so the input document is never changed.

// maxPad bounds how far setting an array index may pad it with nulls.
const maxPad = 1 << 20

// setIn returns v with val stored at parts.
func setIn(v any, parts []string, val any, full []string) (any, error) {
	if len(parts) == 0 {
		return val, nil
	}
	switch x := v.(type) {
	case bson.D:
		old, ok := lookup(x, parts[0])
		if !ok {
			old = bson.D{}
		}
		nv, err := setIn(old, parts[1:], val, full)
		if err != nil {
			return nil, err
		}
		return setField(append(bson.D{}, x...), parts[0], nv), nil
	case bson.A:
		i, ok := arrayIndex(parts[0])
		if !ok {
			return nil, pathNotViable(parts, full, v)
		}
		if i >= len(x)+maxPad {
			return nil, unsupported("padding an array with more than 1048576 nulls")
		}
		out := append(bson.A{}, x...)
		for len(out) <= i {
			out = append(out, nil)
		}
		cur := out[i]
		if i >= len(x) {
			cur = bson.D{}
		}
		nv, err := setIn(cur, parts[1:], val, full)
		if err != nil {
			return nil, err
		}
		out[i] = nv
		return out, nil
	}
	return nil, pathNotViable(parts, full, v)
}

func pathNotViable(parts, full []string, in any) error {
	parent := ""
	if i := len(full) - len(parts) - 1; i >= 0 {
		parent = full[i]
	}
	return errorf(CodePathNotViable, "Cannot create field '%s' in element {%s: %s}", parts[0], parent, shortJSON(in))
}

// unsetIn returns v without the field at parts; an array element is set
// to null instead, as $unset does. ok is false when nothing was there.
func unsetIn(v any, parts []string) (any, bool) {
	switch x := v.(type) {
	case bson.D:
		old, ok := lookup(x, parts[0])
		if !ok {
			return v, false
		}
		if len(parts) == 1 {
			return removeField(x, parts[0]), true
		}
		nv, ok := unsetIn(old, parts[1:])
		if !ok {
			return v, false
		}
		return setField(append(bson.D{}, x...), parts[0], nv), true
	case bson.A:
		i, ok := arrayIndex(parts[0])
		if !ok || i >= len(x) {
			return v, false
		}
		out := append(bson.A{}, x...)
		if len(parts) == 1 {
			out[i] = nil
			return out, true
		}
		nv, ok := unsetIn(x[i], parts[1:])
		if !ok {
			return v, false
		}
		out[i] = nv
		return out, true
	}
	return v, false
}

// joinPath is strings.Join(parts, ".").
func joinPath(parts []string) string { return strings.Join(parts, ".") }
