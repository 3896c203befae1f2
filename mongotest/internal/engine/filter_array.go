package engine

import (
	"strings"

	"github.com/torque-go/torque/bson"
)

// compileAllOp is $all: the field matches every value (or every
// $elemMatch) of the list; an empty list matches nothing.
func compileAllOp(v any, vars Vars) (pathTest, error) {
	arr, ok := v.(bson.A)
	if !ok {
		return nil, errorf(CodeBadValue, "$all needs an array")
	}
	if len(arr) == 0 {
		return func([]candidate, *MatchInfo) (bool, error) { return false, nil }, nil
	}
	tests := make([]pathTest, 0, len(arr))
	for _, x := range arr {
		x = canon(x)
		if d, ok := x.(bson.D); ok && len(d) > 0 && d[0].Key == "$elemMatch" {
			t, err := compileElemMatch(d[0].Value, vars)
			if err != nil {
				return nil, err
			}
			tests = append(tests, t)
			continue
		} else if ok && len(d) > 0 && strings.HasPrefix(d[0].Key, "$") {
			return nil, errorf(CodeBadValue, "no $ expressions in $all")
		}
		ts, err := compileFieldCond(x, vars)
		if err != nil {
			return nil, err
		}
		tests = append(tests, ts...)
	}
	return func(cands []candidate, info *MatchInfo) (bool, error) {
		return allTests(tests, cands, info)
	}, nil
}

// compileElemMatch is $elemMatch: an array (not an element) with an
// element that matches. An operator document tests each element's value
// ({$gt: 1, $lt: 5}); any other document is a filter on document
// elements.
func compileElemMatch(v any, vars Vars) (pathTest, error) {
	d, ok := v.(bson.D)
	if !ok {
		return nil, errorf(CodeBadValue, "$elemMatch needs an Object")
	}
	var elemOK func(e any) (bool, error)
	if isValueForm(d) {
		tests, err := compileOps(d, vars)
		if err != nil {
			return nil, err
		}
		elemOK = func(e any) (bool, error) {
			var scratch MatchInfo
			return allTests(tests, collect(e, nil), &scratch)
		}
	} else {
		m, err := compileFilterDoc(d, vars)
		if err != nil {
			return nil, err
		}
		elemOK = func(e any) (bool, error) {
			sub, ok := e.(bson.D)
			if !ok {
				return false, nil
			}
			var scratch MatchInfo
			return m.match(sub, &scratch)
		}
	}
	return elemMatchTest(elemOK), nil
}

// elemMatchTest passes for an array candidate with an element elemOK
// accepts, and records its index.
func elemMatchTest(elemOK func(any) (bool, error)) pathTest {
	return func(cands []candidate, info *MatchInfo) (bool, error) {
		for _, c := range cands {
			a, ok := c.val.(bson.A)
			if !ok || c.element {
				continue
			}
			for i, e := range a {
				ok, err := elemOK(e)
				if err != nil {
					return false, err
				}
				if ok {
					recordIndex(info, firstIdx(c.arrayIdx, i))
					return true, nil
				}
			}
		}
		return false, nil
	}
}

// isValueForm reports whether an $elemMatch operand holds only field
// operators (not $and/$or/$nor/$expr, which make it a filter).
func isValueForm(d bson.D) bool {
	if len(d) == 0 {
		return false
	}
	for _, e := range d {
		switch {
		case !strings.HasPrefix(e.Key, "$"):
			return false
		case e.Key == "$and" || e.Key == "$or" || e.Key == "$nor" || e.Key == "$expr" || e.Key == "$where":
			return false
		}
	}
	return true
}

// compileTypeOp is $type: a type number, an alias, "number", or an array
// of them.
func compileTypeOp(v any) (pathTest, error) {
	list, ok := v.(bson.A)
	if !ok {
		list = bson.A{v}
	}
	var codes []int32
	for _, x := range list {
		c, err := parseTypeSpec(x, "$type")
		if err != nil {
			return nil, err
		}
		codes = append(codes, c)
	}
	return anyOf(func(c candidate) (bool, error) {
		return !c.missing && typeMatches(codes, c.val), nil
	}), nil
}

// numberType is the code standing for "number" in a parsed $type.
const numberType = -1000

// parseTypeSpec parses one $type operand.
func parseTypeSpec(x any, op string) (int32, error) {
	if s, ok := x.(string); ok {
		if s == "number" {
			return numberType, nil
		}
		c, ok := typeAliases[s]
		if !ok {
			return 0, errorf(CodeBadValue, "Unknown type name alias: %s", s)
		}
		return c, nil
	}
	n, ok := toInt64Exact(x)
	if !ok {
		return 0, errorf(CodeBadValue, "type must be represented as a number or a string")
	}
	if !bson.Type(n).Valid() || n > 127 || n < -1 {
		return 0, errorf(CodeBadValue, "Invalid numerical type code: %d", n)
	}
	return int32(n), nil
}

func typeMatches(codes []int32, v any) bool {
	t := typeOf(v)
	for _, c := range codes {
		switch {
		case c == numberType && isNumber(v):
			return true
		case c == -1 && t == bson.TypeMinKey, c == int32(t):
			return true
		}
	}
	return false
}
