package engine

import (
	"testing"

	"github.com/torque-go/torque/bson"
)

// Cases follow the manual's page for each aggregation expression.
func TestEval(t *testing.T) {
	d := `{"a": 5, "b": 2, "s": "Hello", "arr": [1, 2, 3], "n": null, "o": {"x": 1, "y": [{"z": 1}, {"z": 2}]},
		"dt": {"$date": "2020-01-02T03:04:05Z"}, "big": 2147483647, "l": {"$numberLong": "9223372036854775807"}}`
	tests := []struct{ expr, want string }{
		{`{"$add": ["$a", "$b", 1]}`, `8`},
		{`{"$add": ["$a", 0.5]}`, `5.5`},
		{`{"$add": ["$big", 1]}`, `{"$numberLong": "2147483648"}`},
		{`{"$add": ["$l", 1]}`, `9.223372036854776e+18`},
		{`{"$add": ["$a", "$missing"]}`, `null`},
		{`{"$add": ["$dt", 1000]}`, `{"$date": "2020-01-02T03:04:06Z"}`},
		{`{"$subtract": ["$a", "$b"]}`, `3`},
		{`{"$subtract": ["$dt", {"$date": "2020-01-02T03:04:04Z"}]}`, `{"$numberLong": "1000"}`},
		{`{"$multiply": ["$a", "$b"]}`, `10`},
		{`{"$divide": ["$a", "$b"]}`, `2.5`},
		{`{"$mod": ["$a", "$b"]}`, `1`},
		{`{"$abs": -3}`, `3`},
		{`{"$ceil": 1.2}`, `2.0`},
		{`{"$floor": -1.2}`, `-2.0`},
		{`{"$round": [2.5]}`, `2.0`},
		{`{"$round": [1.2345, 2]}`, `1.23`},
		{`{"$trunc": [7.9]}`, `7.0`},
		{`{"$pow": [2, 10]}`, `1024`},
		{`{"$sqrt": 16}`, `4.0`},
		{`{"$add": [{"$numberDecimal": "1.1"}, {"$numberDecimal": "2.2"}]}`, `{"$numberDecimal": "3.3"}`},
		{`{"$eq": ["$a", 5.0]}`, `true`},
		{`{"$ne": ["$a", 5]}`, `false`},
		{`{"$gt": ["$s", 1]}`, `true`},
		{`{"$lt": ["$missing", null]}`, `true`},
		{`{"$cmp": ["$a", "$b"]}`, `1`},
		{`{"$and": [1, "$a", true]}`, `true`},
		{`{"$and": [1, "$missing"]}`, `false`},
		{`{"$or": [0, null, "$b"]}`, `true`},
		{`{"$not": [0]}`, `true`},
		{`{"$cond": {"if": {"$gt": ["$a", 3]}, "then": "big", "else": "small"}}`, `"big"`},
		{`{"$ifNull": ["$n", "$missing", "dflt"]}`, `"dflt"`},
		{`{"$switch": {"branches": [{"case": {"$eq": ["$a", 1]}, "then": "one"}, {"case": {"$eq": ["$a", 5]}, "then": "five"}], "default": "x"}}`, `"five"`},
		{`{"$concat": ["$s", " ", "world"]}`, `"Hello world"`},
		{`{"$concat": ["$s", "$n"]}`, `null`},
		{`{"$toUpper": "$s"}`, `"HELLO"`},
		{`{"$toLower": "$s"}`, `"hello"`},
		{`{"$toLower": "$n"}`, `""`},
		{`{"$substr": ["$s", 1, 3]}`, `"ell"`},
		{`{"$substrCP": ["$s", 1, 100]}`, `"ello"`},
		{`{"$strLenCP": "$s"}`, `5`},
		{`{"$split": ["a,b", ","]}`, `["a", "b"]`},
		{`{"$indexOfBytes": ["$s", "l"]}`, `2`},
		{`{"$strcasecmp": ["abc", "ABC"]}`, `0`},
		{`{"$size": "$arr"}`, `3`},
		{`{"$arrayElemAt": ["$arr", -1]}`, `3`},
		{`{"$first": "$arr"}`, `1`},
		{`{"$last": "$arr"}`, `3`},
		{`{"$in": [2, "$arr"]}`, `true`},
		{`{"$concatArrays": ["$arr", [4]]}`, `[1, 2, 3, 4]`},
		{`{"$slice": ["$arr", -2]}`, `[2, 3]`},
		{`{"$slice": ["$arr", 1, 1]}`, `[2]`},
		{`{"$reverseArray": "$arr"}`, `[3, 2, 1]`},
		{`{"$isArray": "$arr"}`, `true`},
		{`{"$range": [0, 6, 2]}`, `[0, 2, 4]`},
		{`{"$indexOfArray": ["$arr", 3]}`, `2`},
		{`{"$filter": {"input": "$arr", "as": "x", "cond": {"$gt": ["$$x", 1]}}}`, `[2, 3]`},
		{`{"$filter": {"input": "$arr", "cond": {"$gt": ["$$this", 1]}, "limit": 1}}`, `[2]`},
		{`{"$map": {"input": "$arr", "as": "x", "in": {"$multiply": ["$$x", 10]}}}`, `[10, 20, 30]`},
		{`{"$reduce": {"input": "$arr", "initialValue": 0, "in": {"$add": ["$$value", "$$this"]}}}`, `6`},
		{`{"$let": {"vars": {"t": {"$add": ["$a", 1]}}, "in": {"$multiply": ["$$t", 2]}}}`, `12`},
		{`"$o.y.z"`, `[1, 2]`},
		{`"$$ROOT.o.x"`, `1`},
		{`"$$CURRENT.a"`, `5`},
		{`{"$literal": "$a"}`, `"$a"`},
		{`{"k": "$a", "m": "$missing"}`, `{"k": 5}`},
		{`["$a", "$missing"]`, `[5, null]`},
		{`{"$type": "$a"}`, `"int"`},
		{`{"$type": "$missing"}`, `"missing"`},
		{`{"$type": "$l"}`, `"long"`},
		{`{"$isNumber": "$s"}`, `false`},
		{`{"$toString": "$a"}`, `"5"`},
		{`{"$toInt": "42"}`, `42`},
		{`{"$toLong": 3.9}`, `{"$numberLong": "3"}`},
		{`{"$toDouble": "1.5"}`, `1.5`},
		{`{"$toBool": 0}`, `false`},
		{`{"$toDecimal": 1}`, `{"$numberDecimal": "1"}`},
		{`{"$toDate": {"$numberLong": "0"}}`, `{"$date": "1970-01-01T00:00:00Z"}`},
		{`{"$toObjectId": "5f0000000000000000000000"}`, `{"$oid": "5f0000000000000000000000"}`},
		{`{"$convert": {"input": "x", "to": "int", "onError": -1}}`, `-1`},
		{`{"$convert": {"input": null, "to": "int", "onNull": 0}}`, `0`},
		{`{"$mergeObjects": [{"a": 1}, {"b": 2, "a": 3}]}`, `{"a": 3, "b": 2}`},
		{`{"$objectToArray": {"a": 1}}`, `[{"k": "a", "v": 1}]`},
		{`{"$arrayToObject": [[["a", 1], ["b", 2]]]}`, `{"a": 1, "b": 2}`},
		{`{"$getField": "a"}`, `5`},
		{`{"$getField": {"field": "x", "input": "$o"}}`, `1`},
		{`{"$setField": {"field": "a.b", "input": {}, "value": 1}}`, `{"a.b": 1}`},
		{`{"$unsetField": {"field": "x", "input": "$o"}}`, `{"y": [{"z": 1}, {"z": 2}]}`},
	}
	root := doc(t, d)
	for _, tc := range tests {
		got, err := Eval(val(t, tc.expr), root, nil)
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		want := val(t, tc.want)
		if g, w := js(t, got), js(t, want); g != w || typeOf(got) != typeOf(want) {
			t.Errorf("%s = %s (%v), want %s", tc.expr, g, typeOf(got), w)
		}
	}
}

func TestEvalErrors(t *testing.T) {
	tests := []struct {
		expr string
		code int32
	}{
		{`{"$nope": 1}`, CodeInvalidPipelineOperator},
		{`{"$add": [1, "x"]}`, CodeTypeMismatch},
		{`{"$divide": [1, 0]}`, CodeBadValue},
		{`{"$mod": [1, 0]}`, 16610},
		{`{"$size": 1}`, 17124},
		{`{"$concat": [1]}`, 16702},
		{`{"$in": [1, 2]}`, 40081},
		{`"$$undefinedVar"`, CodeLocation17276},
		{`{"$switch": {"branches": [{"case": false, "then": 1}]}}`, 40066},
		{`{"$toInt": "x"}`, 241},
		{`{"$subtract": [1]}`, 16020},
		{`{"$add": 1, "$sub": 1}`, CodeLocation15983},
	}
	for _, tc := range tests {
		_, err := Eval(val(t, tc.expr), bson.D{}, nil)
		if errCode(err) != tc.code {
			t.Errorf("%s: %v; want code %d", tc.expr, err, tc.code)
		}
	}
}

func TestEvalVars(t *testing.T) {
	vars, err := EvalLet(doc(t, `{"x": {"$add": [1, 2]}, "y": {"$literal": "$z"}}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Eval(val(t, `["$$x", "$$y", {"$type": "$$NOW"}]`), bson.D{}, vars)
	if err != nil || js(t, got) != js(t, val(t, `[3, "$z", "date"]`)) {
		t.Errorf("got %v, %v", got, err)
	}
	if _, err := EvalLet(doc(t, `{"Bad": 1}`), nil); err == nil {
		t.Error("a variable name must start with a lowercase letter")
	}
}

func TestEvalMore(t *testing.T) {
	root := doc(t, `{"arr": [3, 1, 2], "s": "  hi  ", "d": {"$date": "2021-03-04T05:06:07.089Z"}}`)
	tests := []struct{ expr, want string }{
		{`{"$sum": "$arr"}`, `6`},
		{`{"$sum": [1, 2, "x"]}`, `3`},
		{`{"$avg": "$arr"}`, `2.0`},
		{`{"$max": "$arr"}`, `3`},
		{`{"$min": [5, null, 4]}`, `4`},
		{`{"$setUnion": [[1, 2], [2, 3]]}`, `[1, 2, 3]`},
		{`{"$setIntersection": [[1, 2], [2, 3]]}`, `[2]`},
		{`{"$setDifference": [[1, 2], [2, 3]]}`, `[1]`},
		{`{"$setEquals": [[1, 2], [2, 1, 1]]}`, `true`},
		{`{"$setIsSubset": [[1], [2, 1]]}`, `true`},
		{`{"$anyElementTrue": [[0, 1]]}`, `true`},
		{`{"$allElementTrue": [[0, 1]]}`, `false`},
		{`{"$sortArray": {"input": "$arr", "sortBy": -1}}`, `[3, 2, 1]`},
		{`{"$trim": {"input": "$s"}}`, `"hi"`},
		{`{"$ltrim": {"input": "xxhix", "chars": "x"}}`, `"hix"`},
		{`{"$replaceAll": {"input": "a-b-c", "find": "-", "replacement": "+"}}`, `"a+b+c"`},
		{`{"$regexMatch": {"input": "Hello", "regex": "^h", "options": "i"}}`, `true`},
		{`{"$regexFind": {"input": "ab12", "regex": "([0-9])"}}`, `{"match": "1", "idx": 2, "captures": ["1"]}`},
		{`{"$year": "$d"}`, `2021`},
		{`{"$month": "$d"}`, `3`},
		{`{"$dayOfWeek": "$d"}`, `5`},
		{`{"$millisecond": {"date": "$d"}}`, `89`},
		{`{"$dateToString": {"date": "$d", "format": "%Y/%m/%d %H:%M:%S.%L"}}`, `"2021/03/04 05:06:07.089"`},
		{`{"$dateToString": {"date": "$d"}}`, `"2021-03-04T05:06:07.089Z"`},
	}
	for _, tc := range tests {
		got, err := Eval(val(t, tc.expr), root, nil)
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		if g, w := js(t, got), js(t, val(t, tc.want)); g != w {
			t.Errorf("%s = %s, want %s", tc.expr, g, w)
		}
	}
}
