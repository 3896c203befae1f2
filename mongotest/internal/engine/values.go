package engine

import (
	"math"
	"slices"

	"github.com/torque-go/torque/bson"
)

// This file classifies values: their BSON type, their rank in the
// comparison order, and the numeric helpers the operators share.

// canon normalizes the Go values a caller may hand in besides what
// bson.Unmarshal produces: Go int, float32, bson.Null, and bson.M (whose
// keys it sorts, a map having no order).
func canon(v any) any {
	switch x := v.(type) {
	case bson.M:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		d := make(bson.D, len(keys))
		for i, k := range keys {
			d[i] = bson.E{Key: k, Value: x[k]}
		}
		return d
	case int:
		if x >= math.MinInt32 && x <= math.MaxInt32 {
			return int32(x)
		}
		return int64(x)
	case bson.Null:
		return nil
	case float32:
		return float64(x)
	}
	return v
}

// typeOf returns the BSON type of v.
func typeOf(v any) bson.Type {
	switch canon(v).(type) {
	case nil:
		return bson.TypeNull
	case float64:
		return bson.TypeDouble
	case string:
		return bson.TypeString
	case bson.D:
		return bson.TypeEmbeddedDocument
	case bson.A:
		return bson.TypeArray
	case bson.Binary:
		return bson.TypeBinary
	case bson.Undefined:
		return bson.TypeUndefined
	case bson.ObjectID:
		return bson.TypeObjectID
	case bool:
		return bson.TypeBoolean
	case bson.DateTime:
		return bson.TypeDateTime
	case bson.Regex:
		return bson.TypeRegex
	case bson.DBPointer:
		return bson.TypeDBPointer
	case bson.JavaScript:
		return bson.TypeJavaScript
	case bson.Symbol:
		return bson.TypeSymbol
	case bson.CodeWithScope:
		return bson.TypeCodeWithScope
	case int32:
		return bson.TypeInt32
	case bson.Timestamp:
		return bson.TypeTimestamp
	case int64:
		return bson.TypeInt64
	case bson.Decimal128:
		return bson.TypeDecimal128
	case bson.MinKey:
		return bson.TypeMinKey
	case bson.MaxKey:
		return bson.TypeMaxKey
	}
	return 0
}

// rank is the canonical type of MongoDB's comparison order: values of
// different ranks compare by rank, values of one rank by value.
func rank(t bson.Type) int {
	switch t {
	case bson.TypeMinKey:
		return -1
	case bson.TypeUndefined:
		return 0
	case bson.TypeNull:
		return 5
	case bson.TypeDouble, bson.TypeInt32, bson.TypeInt64, bson.TypeDecimal128:
		return 10
	case bson.TypeString, bson.TypeSymbol:
		return 15
	case bson.TypeEmbeddedDocument:
		return 20
	case bson.TypeArray:
		return 25
	case bson.TypeBinary:
		return 30
	case bson.TypeObjectID:
		return 35
	case bson.TypeBoolean:
		return 40
	case bson.TypeDateTime:
		return 45
	case bson.TypeTimestamp:
		return 47
	case bson.TypeRegex:
		return 50
	case bson.TypeDBPointer:
		return 55
	case bson.TypeJavaScript:
		return 60
	case bson.TypeCodeWithScope:
		return 65
	case bson.TypeMaxKey:
		return 127
	}
	return 200
}

// typeName is the $type alias of t, as $type and the aggregation $type
// expression spell it.
func typeName(t bson.Type) string {
	for name, code := range typeAliases {
		if code == int32(t) && name != "number" {
			return name
		}
	}
	return "unknown"
}

// typeAliases maps the $type aliases to their type numbers; "number" is
// the pseudo-type of all four numeric types.
var typeAliases = map[string]int32{
	"double": 1, "string": 2, "object": 3, "array": 4, "binData": 5,
	"undefined": 6, "objectId": 7, "bool": 8, "date": 9, "null": 10,
	"regex": 11, "dbPointer": 12, "javascript": 13, "symbol": 14,
	"javascriptWithScope": 15, "int": 16, "timestamp": 17, "long": 18,
	"decimal": 19, "minKey": -1, "maxKey": 127,
}

// isNumber reports whether v is int32, int64, float64 or Decimal128.
func isNumber(v any) bool {
	switch canon(v).(type) {
	case int32, int64, float64, bson.Decimal128:
		return true
	}
	return false
}

// isArray reports whether v is an array.
func isArray(v any) bool { _, ok := v.(bson.A); return ok }

// lookup returns the value of field key in d.
func lookup(d bson.D, key string) (any, bool) {
	for _, e := range d {
		if e.Key == key {
			return e.Value, true
		}
	}
	return nil, false
}

// truthy is the aggregation notion of true: everything but false, null,
// undefined, missing and numeric zero.
func truthy(v any) bool {
	switch x := canon(v).(type) {
	case nil, bson.Undefined, missingValue:
		return false
	case bool:
		return x
	case int32:
		return x != 0
	case int64:
		return x != 0
	case float64:
		return x != 0
	case bson.Decimal128:
		f, _ := decToFloat(x)
		return f != 0
	}
	return true
}

// missingValue stands for a field that does not exist, where an
// expression's result must tell missing from null.
type missingValue struct{}

var missing any = missingValue{}
