package engine

import (
	"math"
	"math/big"
	"strings"

	"github.com/torque-go/torque/bson"
)

// This file holds the numeric helpers: exact comparison across int32,
// int64, double and decimal, and conversions.

// decToFloat converts d to the nearest float64 (ok false for NaN).
func decToFloat(d bson.Decimal128) (float64, bool) {
	switch {
	case d.IsNaN():
		return math.NaN(), false
	case d.IsInf(1):
		return math.Inf(1), true
	case d.IsInf(-1):
		return math.Inf(-1), true
	}
	f, _, err := big.ParseFloat(d.String(), 10, 256, big.ToNearestEven)
	if err != nil {
		return 0, false
	}
	v, _ := f.Float64()
	return v, true
}

// decBig returns the finite d as a big.Float.
func decBig(d bson.Decimal128) *big.Float {
	f, _, err := big.ParseFloat(d.String(), 10, 256, big.ToNearestEven)
	if err != nil {
		return new(big.Float)
	}
	return f
}

// floatToDec converts f to a Decimal128 with at most 15 significant
// digits, as MongoDB converts a double.
func floatToDec(f float64) bson.Decimal128 {
	switch {
	case math.IsNaN(f):
		d, _ := bson.ParseDecimal128("NaN")
		return d
	case math.IsInf(f, 1):
		d, _ := bson.ParseDecimal128("Infinity")
		return d
	case math.IsInf(f, -1):
		d, _ := bson.ParseDecimal128("-Infinity")
		return d
	}
	return bigToDec(new(big.Float).SetFloat64(f), 15)
}

// bigToDec rounds f to digits significant digits as a Decimal128.
func bigToDec(f *big.Float, digits int) bson.Decimal128 {
	s := f.Text('e', digits-1)
	mant, exp, _ := strings.Cut(s, "e")
	if strings.Contains(mant, ".") {
		mant = strings.TrimRight(strings.TrimRight(mant, "0"), ".")
	}
	d, err := bson.ParseDecimal128(mant + "E" + exp)
	if err != nil {
		d, _ = bson.ParseDecimal128("NaN")
	}
	return d
}

// isNaN reports whether the number v is a double or decimal NaN.
func isNaN(v any) bool {
	switch x := v.(type) {
	case float64:
		return math.IsNaN(x)
	case bson.Decimal128:
		return x.IsNaN()
	}
	return false
}

// compareNumbers compares two numbers of any numeric type by value.
// NaN equals NaN and is less than every other number.
func compareNumbers(a, b any) int {
	an, bn := isNaN(a), isNaN(b)
	switch {
	case an && bn:
		return 0
	case an:
		return -1
	case bn:
		return 1
	}
	ai, aInt := asInt64(a)
	bi, bInt := asInt64(b)
	switch {
	case aInt && bInt:
		return cmp3(ai, bi)
	case aInt:
		if bf, ok := b.(float64); ok {
			return compareIntFloat(ai, bf)
		}
	case bInt:
		if af, ok := a.(float64); ok {
			return -compareIntFloat(bi, af)
		}
	default:
		af, aok := a.(float64)
		bf, bok := b.(float64)
		if aok && bok {
			return cmp3(af, bf)
		}
	}
	return toBig(a).Cmp(toBig(b))
}

// toBig converts a non-NaN number to a big.Float (infinities included).
func toBig(v any) *big.Float {
	switch x := v.(type) {
	case int32:
		return new(big.Float).SetInt64(int64(x))
	case int64:
		return new(big.Float).SetInt64(x)
	case float64:
		return new(big.Float).SetFloat64(x)
	case bson.Decimal128:
		if x.IsInf(1) {
			return new(big.Float).SetInf(false)
		}
		if x.IsInf(-1) {
			return new(big.Float).SetInf(true)
		}
		return decBig(x)
	}
	return new(big.Float)
}

// compareIntFloat compares an integer with a non-NaN double exactly.
func compareIntFloat(i int64, f float64) int {
	if f >= 9223372036854775808.0 {
		return -1
	}
	if f < -9223372036854775808.0 {
		return 1
	}
	t := math.Trunc(f)
	if c := cmp3(i, int64(t)); c != 0 {
		return c
	}
	switch {
	case f > t:
		return -1
	case f < t:
		return 1
	}
	return 0
}

// asInt64 returns v as an int64 when it is an int32 or int64.
func asInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case int32:
		return int64(x), true
	case int64:
		return x, true
	}
	return 0, false
}

// toFloat converts a number to float64.
func toFloat(v any) (float64, bool) {
	switch x := canon(v).(type) {
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case bson.Decimal128:
		f, _ := decToFloat(x)
		return f, true
	}
	return 0, false
}

// toInt64Exact converts a number with no fractional part to int64.
func toInt64Exact(v any) (int64, bool) {
	switch x := canon(v).(type) {
	case int32:
		return int64(x), true
	case int64:
		return x, true
	}
	f, ok := toFloat(v)
	if !ok || f != math.Trunc(f) || f < -9.2233720368547758e18 || f >= 9.2233720368547758e18 {
		return 0, false
	}
	return int64(f), true
}

type ordered interface {
	~int | ~int32 | ~int64 | ~uint32 | ~float64 | ~string
}

func cmp3[T ordered](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
