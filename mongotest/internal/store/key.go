package store

import (
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/torque-go/torque/bson"
)

// Key is the canonical encoding of a value for equality: two values have
// the same Key exactly when MongoDB's comparison calls them equal (without
// collation): numbers of any type by value (1, int64(1) and 1.0 are one
// key), documents field by field in order, arrays element by element. It
// keys the _id index and the secondary indexes.
func Key(v any) string {
	var b strings.Builder
	appendKey(&b, v)
	return b.String()
}

func appendKey(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil, bson.Null:
		b.WriteByte('N')
	case bson.Undefined:
		b.WriteByte('U')
	case bson.MinKey:
		b.WriteByte('<')
	case bson.MaxKey:
		b.WriteByte('>')
	case int32:
		appendInt(b, int64(x))
	case int64:
		appendInt(b, x)
	case float64:
		appendFloat(b, x)
	case bson.Decimal128:
		appendDecimal(b, x)
	case string:
		b.WriteByte('s')
		appendString(b, x)
	case bson.Symbol:
		b.WriteByte('s')
		appendString(b, string(x))
	case bool:
		if x {
			b.WriteString("b1")
		} else {
			b.WriteString("b0")
		}
	case bson.D:
		b.WriteByte('{')
		for _, e := range x {
			appendString(b, e.Key)
			appendKey(b, e.Value)
		}
		b.WriteByte('}')
	case bson.A:
		b.WriteByte('[')
		for _, e := range x {
			appendKey(b, e)
		}
		b.WriteByte(']')
	case bson.ObjectID:
		b.WriteByte('o')
		b.Write(x[:])
	case bson.DateTime:
		b.WriteByte('d')
		b.WriteString(strconv.FormatInt(int64(x), 10))
		b.WriteByte(';')
	case bson.Timestamp:
		b.WriteByte('t')
		b.WriteString(strconv.FormatUint(uint64(x.T)<<32|uint64(x.I), 10))
		b.WriteByte(';')
	default:
		appendOther(b, v)
	}
}

// appendInt writes an integral number: the same key as a float64 of the
// same value.
func appendInt(b *strings.Builder, n int64) {
	b.WriteByte('n')
	b.WriteString(strconv.FormatInt(n, 10))
	b.WriteByte(';')
}

func appendFloat(b *strings.Builder, f float64) {
	if f == math.Trunc(f) && f >= -(1<<63) && f < 1<<63 {
		appendInt(b, int64(f))
		return
	}
	b.WriteByte('n')
	if math.IsNaN(f) {
		b.WriteString("NaN")
	} else {
		b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
	}
	b.WriteByte(';')
}

// appendDecimal keys a Decimal128 by the float64 nearest to it, so that
// every decimal equal to a number of another type has that number's key
// (Decimal128("1E+2") and int 100 are one key). Two values that differ by
// less than a float64 can tell may share a key: an index lookup then
// returns a candidate that the filter rejects, never misses one.
func appendDecimal(b *strings.Builder, d bson.Decimal128) {
	s := d.String()
	if bf, ok := new(big.Float).SetPrec(200).SetString(s); ok && bf.IsInt() {
		if n, acc := bf.Int64(); acc == big.Exact {
			appendInt(b, n) // exact, as large int64 values need
			return
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	var numErr *strconv.NumError
	if err == nil || errors.As(err, &numErr) && numErr.Err == strconv.ErrRange {
		appendFloat(b, f)
		return
	}
	b.WriteString("n#")
	b.WriteString(s)
	b.WriteByte(';')
}

func appendString(b *strings.Builder, s string) {
	b.WriteString(strconv.Itoa(len(s)))
	b.WriteByte(':')
	b.WriteString(s)
}

// appendOther keys the remaining types (binary, regex, code, pointers) by
// their type byte and BSON bytes.
func appendOther(b *strings.Builder, v any) {
	t, data, err := bson.MarshalValue(v)
	if err != nil {
		b.WriteString("?;")
		return
	}
	b.WriteByte('x')
	b.WriteByte(byte(t))
	appendString(b, string(data))
}
