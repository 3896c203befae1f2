package engine

import (
	"math"

	"github.com/torque-go/torque/bson"
)

// compileOps compiles an operator document {$op: operand, ...}.
func compileOps(d bson.D, vars Vars) ([]pathTest, error) {
	var tests []pathTest
	for i, e := range d {
		if e.Key == "$options" {
			if _, ok := lookup(d, "$regex"); !ok {
				return nil, errorf(CodeBadValue, "$options needs a $regex")
			}
			continue
		}
		if e.Key == "$regex" {
			t, err := compileRegexOp(d, i)
			if err != nil {
				return nil, err
			}
			tests = append(tests, t)
			continue
		}
		t, err := compileOp(e, vars)
		if err != nil {
			return nil, err
		}
		if t != nil {
			tests = append(tests, t)
		}
	}
	return tests, nil
}

// compileOp compiles one field operator other than $regex.
func compileOp(e bson.E, vars Vars) (pathTest, error) {
	v, coll := canon(e.Value), vars.Collation()
	switch e.Key {
	case "$eq":
		return anyOf(eqPred(v, coll)), nil
	case "$ne":
		return notAll([]pathTest{anyOf(eqPred(v, coll))}), nil
	case "$gt", "$gte", "$lt", "$lte":
		return anyOf(cmpPred(e.Key, v, coll)), nil
	case "$in", "$nin":
		arr, ok := v.(bson.A)
		if !ok {
			return nil, errorf(CodeBadValue, "$in needs an array")
		}
		p, err := inPred(arr, coll)
		if err != nil {
			return nil, err
		}
		if e.Key == "$nin" {
			return notAll([]pathTest{anyOf(p)}), nil
		}
		return anyOf(p), nil
	case "$exists":
		return existsTest(truthy(v)), nil
	case "$type":
		return compileTypeOp(v)
	case "$size":
		return compileSizeOp(v)
	case "$all":
		return compileAllOp(v, vars)
	case "$elemMatch":
		return compileElemMatch(v, vars)
	case "$mod":
		return compileModOp(v)
	case "$not":
		return compileNotOp(v, vars)
	case "$comment":
		return nil, nil
	}
	return nil, unknownOp(e.Key)
}

// unknownOp refuses an operator: one mongod knows but mongotest does not
// support, or one nobody knows.
func unknownOp(op string) error {
	switch op {
	case "$near", "$nearSphere", "$geoWithin", "$geoIntersects", "$within",
		"$bitsAllSet", "$bitsAnySet", "$bitsAllClear", "$bitsAnyClear",
		"$jsonSchema", "$text", "$where", "$maxDistance", "$minDistance":
		return unsupported(op)
	}
	return errorf(CodeBadValue, "unknown operator: %s", op)
}

// cmpPred is $gt, $gte, $lt or $lte against v: only values of v's type
// rank compare (MinKey and MaxKey compare with everything); a missing
// field counts as null; NaN equals only NaN; strings compare by coll.
func cmpPred(op string, v any, coll *Collation) candPred {
	vr := rank(typeOf(v))
	cross := vr == rank(bson.TypeMinKey) || vr == rank(bson.TypeMaxKey)
	return func(c candidate) (bool, error) {
		val := c.val
		if c.missing {
			val = nil
		}
		if !cross && rank(typeOf(val)) != vr {
			return false, nil
		}
		if isNaN(val) || isNaN(v) {
			both := isNaN(val) && isNaN(v)
			return both && (op == "$gte" || op == "$lte"), nil
		}
		return cmpHolds(op, CompareWith(coll, val, v)), nil
	}
}

func cmpHolds(op string, c int) bool {
	switch op {
	case "$gt":
		return c > 0
	case "$gte":
		return c >= 0
	case "$lt":
		return c < 0
	}
	return c <= 0
}

// existsTest is $exists.
func existsTest(want bool) pathTest {
	has := anyOf(func(c candidate) (bool, error) { return !c.missing, nil })
	if want {
		return has
	}
	return notAll([]pathTest{has})
}

// compileSizeOp is $size: an array (not an element) of n elements.
func compileSizeOp(v any) (pathTest, error) {
	if !isNumber(v) {
		return nil, errorf(CodeBadValue, "$size needs a number")
	}
	n, ok := toInt64Exact(v)
	if !ok {
		if f, _ := toFloat(v); !math.IsNaN(f) {
			return nil, errorf(CodeBadValue, "$size must be a whole number")
		}
		n = -1
	}
	return anyOf(func(c candidate) (bool, error) {
		a, ok := c.val.(bson.A)
		return ok && !c.element && int64(len(a)) == n, nil
	}), nil
}

// compileModOp is $mod: [divisor, remainder], both truncated to integers.
func compileModOp(v any) (pathTest, error) {
	arr, ok := v.(bson.A)
	switch {
	case !ok:
		return nil, errorf(CodeBadValue, "malformed mod, needs to be an array")
	case len(arr) < 2:
		return nil, errorf(CodeBadValue, "malformed mod, not enough elements")
	case len(arr) > 2:
		return nil, errorf(CodeBadValue, "malformed mod, too many elements")
	case !isNumber(arr[0]):
		return nil, errorf(CodeBadValue, "malformed mod, divisor not a number")
	case !isNumber(arr[1]):
		return nil, errorf(CodeBadValue, "malformed mod, remainder not a number")
	}
	d, ok1 := truncInt(arr[0])
	r, ok2 := truncInt(arr[1])
	if !ok1 || !ok2 {
		return nil, errorf(CodeBadValue, "malformed mod, divisor value is invalid")
	}
	if d == 0 {
		return nil, errorf(CodeBadValue, "divisor cannot be 0")
	}
	return anyOf(func(c candidate) (bool, error) {
		if c.missing || !isNumber(c.val) {
			return false, nil
		}
		x, ok := truncInt(c.val)
		return ok && (d == -1 || x%d == r) && (d != -1 || r == 0), nil
	}), nil
}

// truncInt truncates a number toward zero; NaN and infinities fail.
func truncInt(v any) (int64, bool) {
	if i, ok := asInt64(canon(v)); ok {
		return i, true
	}
	f, _ := toFloat(v)
	if math.IsNaN(f) || math.IsInf(f, 0) || f >= 9.2233720368547758e18 || f < -9.2233720368547758e18 {
		return 0, false
	}
	return int64(f), true
}

// compileNotOp is $not: an operator document or a regular expression,
// negated.
func compileNotOp(v any, vars Vars) (pathTest, error) {
	switch x := v.(type) {
	case bson.Regex:
		p, err := regexPred(x.Pattern, x.Options)
		if err != nil {
			return nil, err
		}
		return notAll([]pathTest{anyOf(p)}), nil
	case bson.D:
		if len(x) == 0 {
			return nil, errorf(CodeBadValue, "$not cannot be empty")
		}
		if x[0].Key == "" || x[0].Key[0] != '$' {
			return nil, errorf(CodeBadValue, "$not needs a regex or a document")
		}
		tests, err := compileOps(x, vars)
		if err != nil {
			return nil, err
		}
		return notAll(tests), nil
	}
	return nil, errorf(CodeBadValue, "$not needs a regex or a document")
}
