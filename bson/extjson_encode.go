package bson

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// This file writes BSON as Extended JSON v2, canonical or relaxed. Output is
// compact (no spaces) and keeps the order of the BSON elements.

// ejWriter appends one document (or value) as Extended JSON.
type ejWriter struct {
	canonical  bool
	escapeHTML bool // write <, >, &, U+2028 and U+2029 as \u escapes
	depth      int
}

// maxISODateMillis is 10000-01-01T00:00:00Z: relaxed output writes dates
// from the epoch up to here as ISO-8601 strings, others as milliseconds.
const maxISODateMillis = 253402300800000

// document appends doc as a JSON object. doc must have passed Validate;
// the checks here only keep a bad Validate from turning into a panic.
func (w *ejWriter) document(dst []byte, doc Raw) ([]byte, error) {
	if w.depth++; w.depth > MaxNestingDepth {
		return nil, w.tooDeep()
	}
	defer func() { w.depth-- }()
	dst = append(dst, '{')
	n := 0
	for el := range doc.AllElements() {
		if n > 0 {
			dst = append(dst, ',')
		}
		n++
		dst = appendJSONString(dst, el.KeyBytes(), w.escapeHTML)
		dst = append(dst, ':')
		var err error
		if dst, err = w.value(dst, el.Value()); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

func (w *ejWriter) tooDeep() error {
	return &DecodeError{Msg: "documents and arrays nest deeper than " + strconv.Itoa(MaxNestingDepth) + " levels"}
}

// array appends arr as a JSON array; the BSON keys are not looked at.
func (w *ejWriter) array(dst []byte, arr RawArray) ([]byte, error) {
	if w.depth++; w.depth > MaxNestingDepth {
		return nil, w.tooDeep()
	}
	defer func() { w.depth-- }()
	dst = append(dst, '[')
	n := 0
	for el := range Raw(arr).AllElements() {
		if n > 0 {
			dst = append(dst, ',')
		}
		n++
		var err error
		if dst, err = w.value(dst, el.Value()); err != nil {
			return nil, err
		}
	}
	return append(dst, ']'), nil
}

// value appends one BSON value.
func (w *ejWriter) value(dst []byte, v RawValue) ([]byte, error) {
	ok := true
	switch v.Type {
	case TypeDouble:
		var f float64
		f, ok = v.Double()
		dst = w.double(dst, f)
	case TypeString:
		var s []byte
		s, ok = v.StringBytes()
		dst = appendJSONString(dst, s, w.escapeHTML)
	case TypeEmbeddedDocument:
		if doc, isDoc := v.Document(); isDoc {
			return w.document(dst, doc)
		}
		ok = false
	case TypeArray:
		if arr, isArr := v.Array(); isArr {
			return w.array(dst, arr)
		}
		ok = false
	case TypeBoolean:
		var b bool
		b, ok = v.Boolean()
		dst = strconv.AppendBool(dst, b)
	case TypeNull:
		dst = append(dst, "null"...)
	case TypeInt32:
		var n int32
		n, ok = v.Int32()
		dst = w.integer(dst, `{"$numberInt":"`, int64(n))
	case TypeInt64:
		var n int64
		n, ok = v.Int64()
		dst = w.integer(dst, `{"$numberLong":"`, n)
	case TypeDateTime:
		var ms int64
		ms, ok = v.DateTime()
		dst = w.dateTime(dst, ms)
	default:
		return w.wrapped(dst, v)
	}
	if !ok {
		return nil, &DecodeError{Msg: "malformed " + v.Type.String() + " value"}
	}
	return dst, nil
}

// wrapped appends the values that are type wrappers in both formats.
func (w *ejWriter) wrapped(dst []byte, v RawValue) ([]byte, error) {
	ok := true
	switch v.Type {
	case TypeBinary:
		var b Binary
		b, ok = v.Binary()
		dst = append(dst, `{"$binary":{"base64":"`...)
		dst = base64.StdEncoding.AppendEncode(dst, b.Data)
		dst = append(dst, `","subType":"`...)
		dst = append(dst, jsonHexDigits[b.Subtype>>4], jsonHexDigits[b.Subtype&0xf])
		dst = append(dst, `"}}`...)
	case TypeObjectID:
		var oid ObjectID
		oid, ok = v.ObjectID()
		dst = appendOID(dst, oid)
	case TypeRegex:
		var pattern, options string
		pattern, options, ok = v.Regex()
		dst = append(dst, `{"$regularExpression":{"pattern":`...)
		dst = appendJSONString(dst, pattern, w.escapeHTML)
		dst = append(dst, `,"options":`...)
		dst = appendJSONString(dst, sortOptions(options), w.escapeHTML)
		dst = append(dst, "}}"...)
	case TypeDBPointer:
		var ns string
		var oid ObjectID
		ns, oid, ok = v.DBPointer()
		dst = append(dst, `{"$dbPointer":{"$ref":`...)
		dst = appendJSONString(dst, ns, w.escapeHTML)
		dst = append(dst, `,"$id":`...)
		dst = append(appendOID(dst, oid), "}}"...)
	case TypeJavaScript, TypeSymbol:
		var s string
		if v.Type == TypeJavaScript {
			s, ok = v.JavaScript()
			dst = append(dst, `{"$code":`...)
		} else {
			s, ok = v.Symbol()
			dst = append(dst, `{"$symbol":`...)
		}
		dst = append(appendJSONString(dst, s, w.escapeHTML), '}')
	case TypeCodeWithScope:
		return w.codeWithScope(dst, v)
	case TypeTimestamp:
		var t, i uint32
		t, i, ok = v.Timestamp()
		dst = append(dst, `{"$timestamp":{"t":`...)
		dst = strconv.AppendUint(dst, uint64(t), 10)
		dst = append(dst, `,"i":`...)
		dst = strconv.AppendUint(dst, uint64(i), 10)
		dst = append(dst, "}}"...)
	case TypeDecimal128:
		var d Decimal128
		d, ok = v.Decimal128()
		dst = append(dst, `{"$numberDecimal":"`...)
		dst = append(dst, d.String()...)
		dst = append(dst, `"}`...)
	case TypeUndefined:
		dst = append(dst, `{"$undefined":true}`...)
	case TypeMinKey:
		dst = append(dst, `{"$minKey":1}`...)
	case TypeMaxKey:
		dst = append(dst, `{"$maxKey":1}`...)
	default:
		return nil, &DecodeError{Msg: "unknown BSON type 0x" + strconv.FormatUint(uint64(v.Type), 16)}
	}
	if !ok {
		return nil, &DecodeError{Msg: "malformed " + v.Type.String() + " value"}
	}
	return dst, nil
}

func (w *ejWriter) codeWithScope(dst []byte, v RawValue) ([]byte, error) {
	code, scope, ok := v.CodeWithScope()
	if !ok {
		return nil, &DecodeError{Msg: "malformed code with scope value"}
	}
	dst = append(dst, `{"$code":`...)
	dst = appendJSONString(dst, code, w.escapeHTML)
	dst = append(dst, `,"$scope":`...)
	dst, err := w.document(dst, scope)
	if err != nil {
		return nil, err
	}
	return append(dst, '}'), nil
}

func appendOID(dst []byte, oid ObjectID) []byte {
	dst = append(dst, `{"$oid":"`...)
	dst = hex.AppendEncode(dst, oid[:])
	return append(dst, `"}`...)
}

// integer appends n as a plain JSON number (relaxed) or inside the wrapper
// that open starts (canonical).
func (w *ejWriter) integer(dst []byte, open string, n int64) []byte {
	if !w.canonical {
		return strconv.AppendInt(dst, n, 10)
	}
	dst = append(dst, open...)
	dst = strconv.AppendInt(dst, n, 10)
	return append(dst, `"}`...)
}

// double appends f: {"$numberDouble": "<text>"} in canonical form, the bare
// text in relaxed form for finite values.
func (w *ejWriter) double(dst []byte, f float64) []byte {
	if !w.canonical && !math.IsInf(f, 0) && !math.IsNaN(f) {
		return appendDoubleText(dst, f)
	}
	dst = append(dst, `{"$numberDouble":"`...)
	dst = appendDoubleText(dst, f)
	return append(dst, `"}`...)
}

// appendDoubleText writes f as the shortest decimal that reads back as f,
// always with a fraction or exponent so that it reads back as a double:
// "1.0", "-0.0", "0.001", "1.2345678921232E+18". Plain notation is used for
// magnitudes from 1e-5 up to 1e16 (where every integer is still exact),
// exponent notation outside. Non-finite values are "Infinity", "-Infinity"
// and "NaN".
func appendDoubleText(dst []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	}
	if abs := math.Abs(f); abs != 0 && (abs < 1e-5 || abs >= 1e16) {
		return strconv.AppendFloat(dst, f, 'E', -1, 64)
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, 'f', -1, 64)
	if bytes.IndexByte(dst[start:], '.') < 0 {
		dst = append(dst, ".0"...)
	}
	return dst
}

// dateTime appends a datetime: milliseconds in canonical form, and in
// relaxed form an ISO-8601 string for years 1970 to 9999.
func (w *ejWriter) dateTime(dst []byte, ms int64) []byte {
	if w.canonical || ms < 0 || ms >= maxISODateMillis {
		dst = append(dst, `{"$date":{"$numberLong":"`...)
		dst = strconv.AppendInt(dst, ms, 10)
		return append(dst, `"}}`...)
	}
	dst = append(dst, `{"$date":"`...)
	dst = time.UnixMilli(ms).UTC().AppendFormat(dst, "2006-01-02T15:04:05.999Z07:00")
	return append(dst, `"}`...)
}

// appendJSONString appends s as a quoted JSON string. It escapes what JSON
// requires (quote, backslash, control characters), and with escapeHTML
// also <, >, &, U+2028 and U+2029 (as encoding/json does). Invalid UTF-8
// is written as U+FFFD.
func appendJSONString[S ~string | ~[]byte](dst []byte, s S, escapeHTML bool) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && (!escapeHTML || (c != '<' && c != '>' && c != '&')) {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			dst = appendASCIIEscape(dst, c)
			i++
			start = i
			continue
		}
		var buf [utf8.UTFMax]byte
		r, size := utf8.DecodeRune(buf[:copy(buf[:], s[i:min(i+utf8.UTFMax, len(s))])])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if escapeHTML && (r == '\u2028' || r == '\u2029') {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\u202`...)
			dst = append(dst, jsonHexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendASCIIEscape appends the JSON escape for the ASCII byte c.
func appendASCIIEscape(dst []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(dst, '\\', c)
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	case '\b':
		return append(dst, '\\', 'b')
	case '\f':
		return append(dst, '\\', 'f')
	}
	return append(dst, '\\', 'u', '0', '0', jsonHexDigits[c>>4], jsonHexDigits[c&0xf])
}
