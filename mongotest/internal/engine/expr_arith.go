package engine

import (
	"math"
	"math/big"

	"github.com/torque-go/torque/bson"
)

// This file holds the arithmetic expressions. Results take the widest
// type of their operands (int32 < int64 < double < decimal); integer
// overflow widens to int64, then to double, as mongod does.

func init() {
	for op, f := range map[string]fnOp{
		"$add":      {0, -1, evalAdd},
		"$multiply": {0, -1, evalMultiply},
		"$subtract": {2, 2, evalSubtract},
		"$divide":   {2, 2, evalDivide},
		"$mod":      {2, 2, evalMod},
		"$abs":      {1, 1, evalAbs},
		"$ceil":     {1, 1, floatFn(math.Ceil)},
		"$floor":    {1, 1, floatFn(math.Floor)},
		"$trunc":    {1, 2, floatFn(math.Trunc)},
		"$round":    {1, 2, floatFn(math.RoundToEven)},
		"$sqrt":     {1, 1, floatFn(math.Sqrt)},
		"$exp":      {1, 1, floatFn(math.Exp)},
		"$ln":       {1, 1, floatFn(math.Log)},
		"$log10":    {1, 1, floatFn(math.Log10)},
		"$pow":      {2, 2, evalPow},
	} {
		fnOps[op] = f
	}
}

// numKind orders the numeric types by width.
func numKind(v any) int {
	switch v.(type) {
	case int32:
		return 1
	case int64:
		return 2
	case float64:
		return 3
	case bson.Decimal128:
		return 4
	}
	return 0
}

// arith combines two numbers with the integer, float and big operations
// given, widening as needed.
func arith(a, b any, fi func(x, y int64) (int64, bool), ff func(x, y float64) float64, fb func(x, y *big.Float) *big.Float) any {
	k := max(numKind(a), numKind(b))
	switch k {
	case 1, 2:
		x, _ := asInt64(a)
		y, _ := asInt64(b)
		if r, ok := fi(x, y); ok {
			if k == 1 && r >= math.MinInt32 && r <= math.MaxInt32 {
				return int32(r)
			}
			return r
		}
		return ff(float64(x), float64(y))
	case 3:
		x, _ := toFloat(a)
		y, _ := toFloat(b)
		return ff(x, y)
	}
	if isNaN(a) || isNaN(b) {
		return floatToDec(math.NaN())
	}
	return bigToDec(fb(toBig(a), toBig(b)), 34)
}

func addInt(x, y int64) (int64, bool) {
	r := x + y
	overflow := (x > 0 && y > 0 && r < 0) || (x < 0 && y < 0 && r >= 0)
	return r, !overflow
}

func mulInt(x, y int64) (int64, bool) {
	if x == 0 || y == 0 {
		return 0, true
	}
	r := x * y
	return r, r/y == x && !(x == -1 && y == math.MinInt64) && !(y == -1 && x == math.MinInt64)
}

func addBig(x, y *big.Float) *big.Float { return new(big.Float).Add(x, y) }

func mulBig(x, y *big.Float) *big.Float { return new(big.Float).Mul(x, y) }

func evalAdd(op string, args []any) (any, error) {
	var sum any = int32(0)
	var date *bson.DateTime
	for _, a := range args {
		switch x := a.(type) {
		case bson.DateTime:
			if date != nil {
				return nil, errorf(16612, "only one date allowed in an $add expression")
			}
			date = &x
			continue
		}
		if nullish(a) {
			return nil, nil
		}
		if !isNumber(a) {
			return nil, errorf(CodeTypeMismatch, "$add only supports numeric or date types, not %s", typeName(typeOf(a)))
		}
		sum = arith(sum, a, addInt, func(x, y float64) float64 { return x + y }, addBig)
	}
	if date != nil {
		f, _ := toFloat(sum)
		return bson.DateTime(int64(*date) + int64(math.Round(f))), nil
	}
	return sum, nil
}

func evalMultiply(op string, args []any) (any, error) {
	var prod any = int32(1)
	for _, a := range args {
		if nullish(a) {
			return nil, nil
		}
		if !isNumber(a) {
			return nil, errorf(CodeTypeMismatch, "$multiply only supports numeric types, not %s", typeName(typeOf(a)))
		}
		prod = arith(prod, a, mulInt, func(x, y float64) float64 { return x * y }, mulBig)
	}
	return prod, nil
}

func evalSubtract(op string, args []any) (any, error) {
	a, b := args[0], args[1]
	if nullish(a) || nullish(b) {
		return nil, nil
	}
	da, aDate := a.(bson.DateTime)
	db, bDate := b.(bson.DateTime)
	switch {
	case aDate && bDate:
		return int64(da) - int64(db), nil
	case aDate && isNumber(b):
		f, _ := toFloat(b)
		return bson.DateTime(int64(da) - int64(math.Round(f))), nil
	case !isNumber(a) || !isNumber(b):
		return nil, errorf(CodeTypeMismatch, "can't $subtract %s from %s", typeName(typeOf(b)), typeName(typeOf(a)))
	}
	return arith(a, b, func(x, y int64) (int64, bool) { return addInt(x, -y) },
		func(x, y float64) float64 { return x - y },
		func(x, y *big.Float) *big.Float { return new(big.Float).Sub(x, y) }), nil
}

func evalDivide(op string, args []any) (any, error) {
	a, b := args[0], args[1]
	if nullish(a) || nullish(b) {
		return nil, nil
	}
	if !isNumber(a) || !isNumber(b) {
		return nil, errorf(CodeTypeMismatch, "$divide only supports numeric types, not %s and %s", typeName(typeOf(a)), typeName(typeOf(b)))
	}
	if compareNumbers(b, int32(0)) == 0 {
		return nil, errorf(CodeBadValue, "can't $divide by zero")
	}
	if numKind(a) == 4 || numKind(b) == 4 {
		return bigToDec(new(big.Float).Quo(toBig(a), toBig(b)), 34), nil
	}
	x, _ := toFloat(a)
	y, _ := toFloat(b)
	return x / y, nil
}

func evalMod(op string, args []any) (any, error) {
	a, b := args[0], args[1]
	if nullish(a) || nullish(b) {
		return nil, nil
	}
	if !isNumber(a) || !isNumber(b) {
		return nil, errorf(16611, "$mod only supports numeric types, not %s and %s", typeName(typeOf(a)), typeName(typeOf(b)))
	}
	if compareNumbers(b, int32(0)) == 0 {
		return nil, errorf(16610, "can't $mod by zero")
	}
	k := max(numKind(a), numKind(b))
	if k <= 2 {
		x, _ := asInt64(a)
		y, _ := asInt64(b)
		if y == -1 {
			return arithResult(0, k), nil
		}
		return arithResult(x%y, k), nil
	}
	x, _ := toFloat(a)
	y, _ := toFloat(b)
	if k == 4 {
		return floatToDec(math.Mod(x, y)), nil
	}
	return math.Mod(x, y), nil
}

func arithResult(r int64, k int) any {
	if k == 1 && r >= math.MinInt32 && r <= math.MaxInt32 {
		return int32(r)
	}
	return r
}

func evalAbs(op string, args []any) (any, error) {
	a := args[0]
	if nullish(a) {
		return nil, nil
	}
	switch x := a.(type) {
	case int32:
		if x == math.MinInt32 {
			return -int64(x), nil
		}
		return max(x, -x), nil
	case int64:
		if x == math.MinInt64 {
			return nil, errorf(28680, "can't take $abs of long long min")
		}
		return max(x, -x), nil
	case float64:
		return math.Abs(x), nil
	case bson.Decimal128:
		f, _ := decToFloat(x)
		return floatToDec(math.Abs(f)), nil
	}
	return nil, errorf(28765, "$abs only supports numeric types, not %s", typeName(typeOf(a)))
}

// floatFn is a one-argument function computed in double precision;
// integers stay integers for the rounding functions.
func floatFn(fn func(float64) float64) func(string, []any) (any, error) {
	return func(op string, args []any) (any, error) {
		a := args[0]
		if nullish(a) {
			return nil, nil
		}
		if !isNumber(a) {
			return nil, errorf(28765, "%s only supports numeric types, not %s", op, typeName(typeOf(a)))
		}
		if len(args) > 1 {
			return roundPlaces(op, a, args[1])
		}
		switch op {
		case "$ceil", "$floor", "$trunc", "$round":
			if numKind(a) <= 2 {
				return a, nil
			}
		}
		f, _ := toFloat(a)
		if _, ok := a.(bson.Decimal128); ok {
			return floatToDec(fn(f)), nil
		}
		return fn(f), nil
	}
}

// roundPlaces is $round or $trunc with a number of decimal places.
func roundPlaces(op string, a, placesV any) (any, error) {
	places, ok := toInt64Exact(placesV)
	if !ok || places < -20 || places > 100 {
		return nil, errorf(51083, "%s requires \"place\" argument to be an integer between -20 and 100", op)
	}
	f, _ := toFloat(a)
	p := math.Pow(10, float64(places))
	var r float64
	if op == "$round" {
		r = math.RoundToEven(f*p) / p
	} else {
		r = math.Trunc(f*p) / p
	}
	switch a.(type) {
	case int32:
		return int32(r), nil
	case int64:
		return int64(r), nil
	case bson.Decimal128:
		return floatToDec(r), nil
	}
	return r, nil
}

func evalPow(op string, args []any) (any, error) {
	a, b := args[0], args[1]
	if nullish(a) || nullish(b) {
		return nil, nil
	}
	if !isNumber(a) || !isNumber(b) {
		return nil, errorf(28762, "$pow's base must be numeric, not %s", typeName(typeOf(a)))
	}
	x, _ := toFloat(a)
	y, _ := toFloat(b)
	r := math.Pow(x, y)
	if k := max(numKind(a), numKind(b)); k <= 2 && y >= 0 && math.Abs(r) < 1<<53 {
		return arithResult(int64(r), k), nil
	}
	return r, nil
}
