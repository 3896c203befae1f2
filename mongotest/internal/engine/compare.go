package engine

import (
	"bytes"
	"strconv"

	"github.com/torque-go/torque/bson"
)

// Compare orders two values as MongoDB does: first by the rank of their
// type (MinKey < undefined < null < numbers < strings < documents < arrays
// < binary < ObjectId < bool < date < timestamp < regex < ... < MaxKey),
// then by value. Numbers of the four numeric types compare by value;
// documents compare element by element (type rank, then name, then value),
// arrays element by element, a shorter prefix first.
func Compare(a, b any) int { return CompareWith(nil, a, b) }

// CompareWith is Compare with strings (and symbols) ordered by the
// collation c (binary when c is nil), inside documents and arrays too;
// field names compare binary.
func CompareWith(c *Collation, a, b any) int {
	a, b = canon(a), canon(b)
	ra, rb := rank(typeOf(a)), rank(typeOf(b))
	if ra != rb {
		return cmp3(ra, rb)
	}
	switch ra {
	case 10:
		return compareNumbers(a, b)
	case 15:
		return c.CompareStrings(stringOf(a), stringOf(b))
	case 20:
		return compareDocs(c, a.(bson.D), b.(bson.D))
	case 25:
		return compareArrays(c, a.(bson.A), b.(bson.A))
	}
	return compareScalars(a, b)
}

// Equal reports whether Compare(a, b) == 0: 1, int64(1) and 1.0 are equal.
func Equal(a, b any) bool { return Compare(a, b) == 0 }

// EqualWith reports whether CompareWith(c, a, b) == 0.
func EqualWith(c *Collation, a, b any) bool { return CompareWith(c, a, b) == 0 }

// stringOf returns the text of a string or symbol.
func stringOf(v any) string {
	if s, ok := v.(bson.Symbol); ok {
		return string(s)
	}
	s, _ := v.(string)
	return s
}

func compareDocs(coll *Collation, a, b bson.D) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		ra, rb := rank(typeOf(a[i].Value)), rank(typeOf(b[i].Value))
		if ra != rb {
			return cmp3(ra, rb)
		}
		if c := cmp3(a[i].Key, b[i].Key); c != 0 {
			return c
		}
		if c := CompareWith(coll, a[i].Value, b[i].Value); c != 0 {
			return c
		}
	}
	return cmp3(len(a), len(b))
}

func compareArrays(coll *Collation, a, b bson.A) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		ra, rb := rank(typeOf(a[i])), rank(typeOf(b[i]))
		if ra != rb {
			return cmp3(ra, rb)
		}
		if c := CompareWith(coll, a[i], b[i]); c != 0 {
			return c
		}
	}
	return cmp3(len(a), len(b))
}

// compareScalars compares two values of one rank other than numbers,
// strings and containers.
func compareScalars(a, b any) int {
	switch x := a.(type) {
	case bson.Binary:
		y := b.(bson.Binary)
		if c := cmp3(len(x.Data), len(y.Data)); c != 0 {
			return c
		}
		if c := cmp3(int(x.Subtype), int(y.Subtype)); c != 0 {
			return c
		}
		return bytes.Compare(x.Data, y.Data)
	case bson.ObjectID:
		y := b.(bson.ObjectID)
		return bytes.Compare(x[:], y[:])
	case bool:
		return cmp3(boolInt(x), boolInt(b.(bool)))
	case bson.DateTime:
		return cmp3(int64(x), int64(b.(bson.DateTime)))
	case bson.Timestamp:
		y := b.(bson.Timestamp)
		if c := cmp3(x.T, y.T); c != 0 {
			return c
		}
		return cmp3(x.I, y.I)
	case bson.Regex:
		y := b.(bson.Regex)
		if c := cmp3(x.Pattern, y.Pattern); c != 0 {
			return c
		}
		return cmp3(x.Options, y.Options)
	}
	return compareRare(a, b)
}

// compareRare compares the deprecated types.
func compareRare(a, b any) int {
	switch x := a.(type) {
	case bson.DBPointer:
		y := b.(bson.DBPointer)
		if c := cmp3(len(x.DB), len(y.DB)); c != 0 {
			return c
		}
		if c := cmp3(x.DB, y.DB); c != 0 {
			return c
		}
		return bytes.Compare(x.Pointer[:], y.Pointer[:])
	case bson.JavaScript:
		return cmp3(string(x), string(b.(bson.JavaScript)))
	case bson.CodeWithScope:
		y := b.(bson.CodeWithScope)
		if c := cmp3(string(x.Code), string(y.Code)); c != 0 {
			return c
		}
		return Compare(x.Scope, y.Scope)
	}
	return 0 // MinKey, MaxKey, null, undefined: one value each
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// identical reports whether a and b are the same BSON: same types (int32 1
// is not double 1), same field order, same values. Updates use it to tell
// whether a document changed.
func identical(a, b any) bool {
	a, b = canon(a), canon(b)
	if typeOf(a) != typeOf(b) {
		return false
	}
	switch x := a.(type) {
	case bson.D:
		y := b.(bson.D)
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if x[i].Key != y[i].Key || !identical(x[i].Value, y[i].Value) {
				return false
			}
		}
		return true
	case bson.A:
		y := b.(bson.A)
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if !identical(x[i], y[i]) {
				return false
			}
		}
		return true
	case float64:
		y := b.(float64)
		return x == y || (x != x && y != y)
	case bson.Decimal128:
		return x == b.(bson.Decimal128)
	}
	return Compare(a, b) == 0
}

// itoa is strconv.Itoa, short.
func itoa(i int) string { return strconv.Itoa(i) }
