package engine

import (
	"strings"
	"unicode/utf8"

	"github.com/torque-go/torque/bson"
)

// This file holds the string expressions.

func init() {
	for op, f := range map[string]fnOp{
		"$concat":       {0, -1, evalConcat},
		"$toUpper":      {1, 1, evalCase},
		"$toLower":      {1, 1, evalCase},
		"$substr":       {3, 3, evalSubstrBytes},
		"$substrBytes":  {3, 3, evalSubstrBytes},
		"$substrCP":     {3, 3, evalSubstrCP},
		"$strLenBytes":  {1, 1, evalStrLen},
		"$strLenCP":     {1, 1, evalStrLen},
		"$strcasecmp":   {2, 2, evalStrcasecmp},
		"$split":        {2, 2, evalSplit},
		"$indexOfBytes": {2, 4, evalIndexOf},
		"$indexOfCP":    {2, 4, evalIndexOf},
	} {
		fnOps[op] = f
	}
}

func evalConcat(op string, args []any) (any, error) {
	var b strings.Builder
	for _, a := range args {
		if nullish(a) {
			return nil, nil
		}
		s, ok := a.(string)
		if !ok {
			return nil, errorf(16702, "$concat only supports strings, not %s", typeName(typeOf(a)))
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

// coerceString is how $toUpper, $substr and friends read their input:
// null is "", numbers and dates are converted.
func coerceString(op string, v any) (string, error) {
	if nullish(v) {
		return "", nil
	}
	switch x := v.(type) {
	case string:
		return x, nil
	case bson.Symbol:
		return string(x), nil
	case int32, int64, float64, bson.Decimal128, bson.DateTime, bson.Timestamp:
		s, err := convertTo("string", x)
		str, _ := s.(string)
		return str, err
	}
	return "", errorf(16007, "can't convert from BSON type %s to String", typeName(typeOf(v)))
}

func evalCase(op string, args []any) (any, error) {
	s, err := coerceString(op, args[0])
	if err != nil {
		return nil, err
	}
	if op == "$toUpper" {
		return strings.ToUpper(s), nil
	}
	return strings.ToLower(s), nil
}

func evalSubstrBytes(op string, args []any) (any, error) {
	s, err := coerceString(op, args[0])
	if err != nil {
		return nil, err
	}
	start, ok1 := toInt64Exact(args[1])
	n, ok2 := toInt64Exact(args[2])
	if !ok1 || !ok2 {
		return nil, errorf(16034, "%s: starting index and length must be numeric", op)
	}
	if start < 0 || start >= int64(len(s)) {
		return "", nil
	}
	end := int64(len(s))
	if n >= 0 && start+n < end {
		end = start + n
	}
	return s[start:end], nil
}

func evalSubstrCP(op string, args []any) (any, error) {
	s, err := coerceString(op, args[0])
	if err != nil {
		return nil, err
	}
	start, ok1 := toInt64Exact(args[1])
	n, ok2 := toInt64Exact(args[2])
	if !ok1 || !ok2 || start < 0 || n < 0 {
		return nil, errorf(34452, "$substrCP: starting index and length must be non-negative integers")
	}
	r := []rune(s)
	if start >= int64(len(r)) {
		return "", nil
	}
	return string(r[start:min(int64(len(r)), start+n)]), nil
}

func evalStrLen(op string, args []any) (any, error) {
	s, ok := args[0].(string)
	if !ok {
		return nil, errorf(34471, "%s requires a string argument, found: %s", op, typeName(typeOf(cmpValue(args[0]))))
	}
	if op == "$strLenCP" {
		return int32(utf8.RuneCountInString(s)), nil
	}
	return int32(len(s)), nil
}

func evalStrcasecmp(op string, args []any) (any, error) {
	a, err := coerceString(op, args[0])
	if err != nil {
		return nil, err
	}
	b, err := coerceString(op, args[1])
	if err != nil {
		return nil, err
	}
	return int32(cmp3(strings.ToLower(a), strings.ToLower(b))), nil
}

func evalSplit(op string, args []any) (any, error) {
	if nullish(args[0]) {
		return nil, nil
	}
	s, ok1 := args[0].(string)
	sep, ok2 := args[1].(string)
	if !ok1 {
		return nil, errorf(40085, "$split requires an expression that evaluates to a string as a first argument, found: %s", typeName(typeOf(args[0])))
	}
	if !ok2 || sep == "" {
		return nil, errorf(40086, "$split requires a non-empty string as a second argument")
	}
	out := bson.A{}
	for _, p := range strings.Split(s, sep) {
		out = append(out, p)
	}
	return out, nil
}

func evalIndexOf(op string, args []any) (any, error) {
	if nullish(args[0]) {
		return nil, nil
	}
	s, ok1 := args[0].(string)
	sub, ok2 := args[1].(string)
	if !ok1 || !ok2 {
		return nil, errorf(40091, "%s requires a string as the first and second argument", op)
	}
	start, end := int64(0), int64(len(s))
	if op == "$indexOfCP" {
		end = int64(utf8.RuneCountInString(s))
	}
	if len(args) > 2 {
		start, _ = toInt64Exact(args[2])
	}
	if len(args) > 3 {
		end, _ = toInt64Exact(args[3])
	}
	if op == "$indexOfCP" {
		r := []rune(s)
		for i := start; i < end && i < int64(len(r)); i++ {
			if strings.HasPrefix(string(r[i:]), sub) && i+int64(utf8.RuneCountInString(sub)) <= end {
				return int32(i), nil
			}
		}
		return int32(-1), nil
	}
	for i := start; i <= end-int64(len(sub)) && i <= int64(len(s)); i++ {
		if strings.HasPrefix(s[i:], sub) {
			return int32(i), nil
		}
	}
	return int32(-1), nil
}
