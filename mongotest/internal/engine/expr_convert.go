package engine

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/torque-go/torque/bson"
)

// This file holds $type, $isNumber and the conversions ($toString,
// $toInt, ..., $convert).

func init() {
	fnOps["$type"] = fnOp{1, 1, func(_ string, a []any) (any, error) {
		if a[0] == missing {
			return "missing", nil
		}
		return typeName(typeOf(a[0])), nil
	}}
	fnOps["$isNumber"] = fnOp{1, 1, func(_ string, a []any) (any, error) { return isNumber(a[0]), nil }}
	for op, to := range map[string]string{
		"$toString": "string", "$toInt": "int", "$toLong": "long", "$toDouble": "double",
		"$toDecimal": "decimal", "$toBool": "bool", "$toDate": "date", "$toObjectId": "objectId",
	} {
		fnOps[op] = fnOp{1, 1, func(_ string, a []any) (any, error) {
			if nullish(a[0]) {
				return nil, nil
			}
			return convertTo(to, a[0])
		}}
	}
	specialOps["$convert"] = compileConvert
}

// convertTo converts v (not null) to the type named to, as $convert does.
func convertTo(to string, v any) (any, error) {
	var out any
	ok := true
	switch to {
	case "string":
		out, ok = convString(v)
	case "int", "long":
		out, ok = convInt(v, to == "int")
	case "double":
		out, ok = convDouble(v)
	case "decimal":
		if f, isNum := toFloat(v); isNum {
			if d, isDec := v.(bson.Decimal128); isDec {
				return d, nil
			}
			out = floatToDec(f)
		} else if s, isStr := v.(string); isStr {
			d, err := bson.ParseDecimal128(s)
			out, ok = d, err == nil
		} else {
			ok = false
		}
	case "bool":
		out = truthy(v)
	case "date":
		out, ok = convDate(v)
	case "objectId":
		out, ok = convObjectID(v)
	default:
		return nil, unsupported("$convert to " + to)
	}
	if !ok {
		return nil, errorf(241, "Unsupported conversion from %s to %s in $convert with no onError value", typeName(typeOf(v)), to)
	}
	return out, nil
}

func convString(v any) (any, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case int32:
		return strconv.Itoa(int(x)), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case float64:
		return formatDouble(x), true
	case bson.Decimal128:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	case bson.ObjectID:
		return x.Hex(), true
	case bson.DateTime:
		return x.Time().UTC().Format("2006-01-02T15:04:05.000Z"), true
	case bson.Symbol:
		return string(x), true
	}
	return nil, false
}

// formatDouble prints a double as the shell does.
func formatDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

func convInt(v any, int32Only bool) (any, bool) {
	var i int64
	switch x := v.(type) {
	case bool:
		i = int64(boolInt(x))
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		if err != nil || x != strings.TrimSpace(x) {
			return nil, false
		}
		i = n
	case bson.DateTime:
		i = int64(x)
	default:
		n, ok := truncInt(v)
		if !ok {
			return nil, false
		}
		i = n
	}
	if int32Only {
		if i < math.MinInt32 || i > math.MaxInt32 {
			return nil, false
		}
		return int32(i), true
	}
	return i, true
}

func convDouble(v any) (any, bool) {
	switch x := v.(type) {
	case bool:
		return float64(boolInt(x)), true
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	case bson.DateTime:
		return float64(x), true
	}
	f, ok := toFloat(v)
	return f, ok
}

func convDate(v any) (any, bool) {
	switch x := v.(type) {
	case bson.DateTime:
		return x, true
	case string:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z0700", "2006-01-02", "2006-01-02T15:04:05"} {
			if t, err := time.Parse(layout, x); err == nil {
				return bson.NewDateTimeFromTime(t), true
			}
		}
		return nil, false
	case bson.ObjectID:
		return bson.NewDateTimeFromTime(x.Timestamp()), true
	case bson.Timestamp:
		return bson.DateTime(int64(x.T) * 1000), true
	}
	if i, ok := truncInt(v); ok && isNumber(v) {
		return bson.DateTime(i), true
	}
	return nil, false
}

func convObjectID(v any) (any, bool) {
	switch x := v.(type) {
	case bson.ObjectID:
		return x, true
	case string:
		id, err := bson.ObjectIDFromHex(x)
		return id, err == nil
	}
	return nil, false
}

// convertExpr is $convert {input, to, onError, onNull}.
type convertExpr struct {
	input, to, onError, onNull expr
}

func (c convertExpr) eval(s *scope) (any, error) {
	in, err := c.input.eval(s)
	if err != nil {
		return nil, err
	}
	if nullish(in) {
		if c.onNull != nil {
			return c.onNull.eval(s)
		}
		return nil, nil
	}
	to, err := c.to.eval(s)
	if err != nil {
		return nil, err
	}
	name, ok := to.(string)
	if !ok {
		if n, isNum := toInt64Exact(to); isNum {
			name = typeName(bson.Type(n))
		}
	}
	out, err := convertTo(name, in)
	if err != nil && c.onError != nil {
		return c.onError.eval(s)
	}
	return out, err
}

func compileConvert(arg any, vars Vars) (expr, error) {
	d, ok := arg.(bson.D)
	if !ok {
		return nil, errorf(CodeFailedToParse, "$convert expects an object of named arguments but found: %s", typeName(typeOf(arg)))
	}
	var c convertExpr
	for _, e := range d {
		x, err := compileExpr(e.Value, vars)
		if err != nil {
			return nil, err
		}
		switch e.Key {
		case "input":
			c.input = x
		case "to":
			c.to = x
		case "onError":
			c.onError = x
		case "onNull":
			c.onNull = x
		default:
			return nil, errorf(CodeFailedToParse, "$convert found an unknown argument: %s", e.Key)
		}
	}
	if c.input == nil || c.to == nil {
		return nil, errorf(CodeFailedToParse, "Missing 'input' or 'to' parameter to $convert")
	}
	return c, nil
}
