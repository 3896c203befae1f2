package engine

import (
	"strconv"
	"strings"
	"time"

	"github.com/torque-go/torque/bson"
)

// This file holds the date expressions, in UTC only ($year, $month, ...,
// $dateToString).

// dateParts are the date-part expressions.
var dateParts = map[string]func(t time.Time) int{
	"$year":        func(t time.Time) int { return t.Year() },
	"$month":       func(t time.Time) int { return int(t.Month()) },
	"$dayOfMonth":  func(t time.Time) int { return t.Day() },
	"$hour":        func(t time.Time) int { return t.Hour() },
	"$minute":      func(t time.Time) int { return t.Minute() },
	"$second":      func(t time.Time) int { return t.Second() },
	"$millisecond": func(t time.Time) int { return t.Nanosecond() / 1e6 },
	"$dayOfWeek":   func(t time.Time) int { return int(t.Weekday()) + 1 },
	"$dayOfYear":   func(t time.Time) int { return t.YearDay() },
	"$isoWeek":     func(t time.Time) int { _, w := t.ISOWeek(); return w },
	"$isoWeekYear": func(t time.Time) int { y, _ := t.ISOWeek(); return y },
	"$isoDayOfWeek": func(t time.Time) int {
		return (int(t.Weekday())+6)%7 + 1
	},
}

func init() {
	for op := range dateParts {
		specialOps[op] = compileDatePart(op)
	}
	specialOps["$dateToString"] = compileDateToString
}

// toTime converts a date, timestamp or ObjectId to a time in UTC.
func toTime(op string, v any) (time.Time, error) {
	switch x := v.(type) {
	case bson.DateTime:
		return x.Time().UTC(), nil
	case bson.Timestamp:
		return time.Unix(int64(x.T), 0).UTC(), nil
	case bson.ObjectID:
		return x.Timestamp().UTC(), nil
	}
	return time.Time{}, errorf(16006, "can't convert from BSON type %s to Date", typeName(typeOf(cmpValue(v))))
}

// dateArgs reads {date, timezone} or a bare date expression.
func dateArgs(op string, arg any, vars Vars) (expr, error) {
	d, ok := arg.(bson.D)
	if ok && len(d) > 0 && !strings.HasPrefix(d[0].Key, "$") {
		for _, e := range d {
			switch e.Key {
			case "date":
			case "timezone":
				if s, _ := e.Value.(string); s != "UTC" && s != "Z" && s != "+00:00" {
					return nil, unsupported(op + " with a timezone other than UTC")
				}
			default:
				return nil, errorf(40535, "unrecognized option to %s: \"%s\"", op, e.Key)
			}
		}
		date, _ := lookup(d, "date")
		return compileExpr(date, vars)
	}
	if a, ok := arg.(bson.A); ok && len(a) == 1 {
		arg = a[0]
	}
	return compileExpr(arg, vars)
}

type datePartExpr struct {
	op   string
	date expr
}

func (d datePartExpr) eval(s *scope) (any, error) {
	v, err := d.date.eval(s)
	if err != nil || nullish(v) {
		return nil, err
	}
	t, err := toTime(d.op, v)
	if err != nil {
		return nil, err
	}
	return int32(dateParts[d.op](t)), nil
}

func compileDatePart(op string) func(any, Vars) (expr, error) {
	return func(arg any, vars Vars) (expr, error) {
		x, err := dateArgs(op, arg, vars)
		return datePartExpr{op: op, date: x}, err
	}
}

// dateToStringExpr is $dateToString {date, format, timezone, onNull}.
type dateToStringExpr struct {
	date, onNull expr
	format       string
}

func (d dateToStringExpr) eval(s *scope) (any, error) {
	v, err := d.date.eval(s)
	if err != nil {
		return nil, err
	}
	if nullish(v) {
		if d.onNull != nil {
			return d.onNull.eval(s)
		}
		return nil, nil
	}
	t, err := toTime("$dateToString", v)
	if err != nil {
		return nil, err
	}
	return formatDate(d.format, t)
}

func compileDateToString(arg any, vars Vars) (expr, error) {
	d, ok := arg.(bson.D)
	if !ok {
		return nil, errorf(18629, "$dateToString only supports an object as its argument")
	}
	out := dateToStringExpr{format: "%Y-%m-%dT%H:%M:%S.%LZ"}
	for _, e := range d {
		var err error
		switch e.Key {
		case "date":
			out.date, err = compileExpr(e.Value, vars)
		case "onNull":
			out.onNull, err = compileExpr(e.Value, vars)
		case "format":
			f, ok := e.Value.(string)
			if !ok {
				return nil, unsupported("a computed $dateToString format")
			}
			out.format = f
		case "timezone":
			if s, _ := e.Value.(string); s != "UTC" {
				return nil, unsupported("$dateToString with a timezone other than UTC")
			}
		default:
			return nil, errorf(18534, "Unrecognized argument to $dateToString: %s", e.Key)
		}
		if err != nil {
			return nil, err
		}
	}
	if out.date == nil {
		return nil, errorf(18628, "Missing 'date' parameter to $dateToString")
	}
	return out, nil
}

// formatDate applies a $dateToString format.
func formatDate(format string, t time.Time) (string, error) {
	var b strings.Builder
	pad := func(n, w int) { s := strconv.Itoa(n); b.WriteString(strings.Repeat("0", max(0, w-len(s))) + s) }
	for i := 0; i < len(format); i++ {
		if format[i] != '%' || i+1 == len(format) {
			b.WriteByte(format[i])
			continue
		}
		i++
		switch format[i] {
		case 'Y':
			pad(t.Year(), 4)
		case 'm':
			pad(int(t.Month()), 2)
		case 'd':
			pad(t.Day(), 2)
		case 'H':
			pad(t.Hour(), 2)
		case 'M':
			pad(t.Minute(), 2)
		case 'S':
			pad(t.Second(), 2)
		case 'L':
			pad(t.Nanosecond()/1e6, 3)
		case 'j':
			pad(t.YearDay(), 3)
		case 'u':
			pad((int(t.Weekday())+6)%7+1, 1)
		case 'w':
			pad(int(t.Weekday())+1, 1)
		case 'z':
			b.WriteString("+0000")
		case 'Z':
			b.WriteString("+000")
		case '%':
			b.WriteByte('%')
		default:
			return "", errorf(18536, "Invalid format character '%%%c' in format string", format[i])
		}
	}
	return b.String(), nil
}
