package bson

import (
	"encoding/binary"
	"errors"
	"math"
	"strconv"
)

// This file is the bottom of the encoder: functions that append the bytes of
// one BSON value, or one element (type byte, key, value), to dst and return
// the extended slice, like strconv.AppendInt. They never reflect and never
// allocate beyond growing dst. Keys, regex patterns and regex options are
// C strings: the caller must make sure they hold no NUL byte (Marshal
// checks; the bytes these functions write for such a key are not valid BSON
// and Raw.Validate rejects them).
//
// A document is built between AppendDocumentStart, which reserves its int32
// length, and AppendDocumentEnd, which writes the terminator and fills the
// length in:
//
//	start, buf := bson.AppendDocumentStart(buf)
//	buf = bson.AppendStringElement(buf, "hello", "world")
//	buf, err := bson.AppendDocumentEnd(buf, start)

// AppendHeader appends the header of an element: its type byte and key.
func AppendHeader(dst []byte, t Type, key string) []byte {
	dst = append(dst, byte(t))
	dst = append(dst, key...)
	return append(dst, 0)
}

// AppendDocumentStart reserves the int32 length of a document at the end of
// dst and returns its position, to pass to AppendDocumentEnd.
func AppendDocumentStart(dst []byte) (start int, out []byte) {
	return len(dst), append(dst, 0, 0, 0, 0)
}

// AppendDocumentEnd appends the terminating NUL of the document that starts
// at start and writes its length there. It fails when start does not leave
// room for a length or the document is longer than an int32 can say.
func AppendDocumentEnd(dst []byte, start int) ([]byte, error) {
	if start < 0 || start > len(dst)-4 {
		return dst, errors.New("bson: AppendDocumentEnd: start " + strconv.Itoa(start) +
			" is not the position of a reserved length in a buffer of " + strconv.Itoa(len(dst)) + " bytes")
	}
	dst = append(dst, 0)
	n := len(dst) - start
	if n > math.MaxInt32 {
		return dst, errors.New("bson: document of " + strconv.Itoa(n) + " bytes is longer than the BSON maximum of 2^31-1")
	}
	binary.LittleEndian.PutUint32(dst[start:], uint32(n))
	return dst, nil
}

// AppendDocumentElementStart appends the header of an embedded-document
// element and reserves its length; finish it with AppendDocumentEnd.
func AppendDocumentElementStart(dst []byte, key string) (int, []byte) {
	return AppendDocumentStart(AppendHeader(dst, TypeEmbeddedDocument, key))
}

// AppendArrayElementStart appends the header of an array element and
// reserves its length; add elements with keys ArrayKey(0), ArrayKey(1), ...
// and finish it with AppendDocumentEnd.
func AppendArrayElementStart(dst []byte, key string) (int, []byte) {
	return AppendDocumentStart(AppendHeader(dst, TypeArray, key))
}

func appendInt32(dst []byte, v int32) []byte {
	return binary.LittleEndian.AppendUint32(dst, uint32(v))
}

func appendInt64(dst []byte, v int64) []byte {
	return binary.LittleEndian.AppendUint64(dst, uint64(v))
}

func appendCString(dst []byte, s string) []byte {
	dst = append(dst, s...)
	return append(dst, 0)
}

// AppendDouble appends a double value.
func AppendDouble(dst []byte, f float64) []byte {
	return binary.LittleEndian.AppendUint64(dst, math.Float64bits(f))
}

// AppendDoubleElement appends a double element.
func AppendDoubleElement(dst []byte, key string, f float64) []byte {
	return AppendDouble(AppendHeader(dst, TypeDouble, key), f)
}

// AppendString appends a string value: its int32 length (NUL included), its
// bytes and a NUL.
func AppendString(dst []byte, s string) []byte {
	dst = appendInt32(dst, int32(len(s)+1))
	return appendCString(dst, s)
}

// AppendStringElement appends a string element.
func AppendStringElement(dst []byte, key, s string) []byte {
	return AppendString(AppendHeader(dst, TypeString, key), s)
}

// AppendDocument appends doc, which must already be an encoded document.
func AppendDocument(dst []byte, doc []byte) []byte {
	return append(dst, doc...)
}

// AppendDocumentElement appends an embedded-document element whose value is
// the encoded document doc.
func AppendDocumentElement(dst []byte, key string, doc []byte) []byte {
	return append(AppendHeader(dst, TypeEmbeddedDocument, key), doc...)
}

// AppendArray appends arr, which must already be an encoded array.
func AppendArray(dst []byte, arr []byte) []byte {
	return append(dst, arr...)
}

// AppendArrayElement appends an array element whose value is the encoded
// array arr.
func AppendArrayElement(dst []byte, key string, arr []byte) []byte {
	return append(AppendHeader(dst, TypeArray, key), arr...)
}

// AppendBinary appends binary data of the given subtype. For the old
// subtype 2 it writes the extra inner length that subtype requires.
func AppendBinary(dst []byte, subtype byte, data []byte) []byte {
	if subtype == BinaryBinaryOld {
		dst = appendInt32(dst, int32(len(data)+4))
		dst = append(dst, subtype)
		dst = appendInt32(dst, int32(len(data)))
		return append(dst, data...)
	}
	dst = appendInt32(dst, int32(len(data)))
	dst = append(dst, subtype)
	return append(dst, data...)
}

// AppendBinaryElement appends a binary element.
func AppendBinaryElement(dst []byte, key string, subtype byte, data []byte) []byte {
	return AppendBinary(AppendHeader(dst, TypeBinary, key), subtype, data)
}

// AppendUndefined appends the (empty) undefined value: it returns dst.
func AppendUndefined(dst []byte) []byte { return dst }

// AppendUndefinedElement appends an undefined element.
func AppendUndefinedElement(dst []byte, key string) []byte {
	return AppendHeader(dst, TypeUndefined, key)
}

// AppendObjectID appends an ObjectID value.
func AppendObjectID(dst []byte, oid ObjectID) []byte {
	return append(dst, oid[:]...)
}

// AppendObjectIDElement appends an ObjectID element.
func AppendObjectIDElement(dst []byte, key string, oid ObjectID) []byte {
	return append(AppendHeader(dst, TypeObjectID, key), oid[:]...)
}

// AppendBoolean appends a boolean value: one byte, 1 or 0.
func AppendBoolean(dst []byte, b bool) []byte {
	if b {
		return append(dst, 1)
	}
	return append(dst, 0)
}

// AppendBooleanElement appends a boolean element.
func AppendBooleanElement(dst []byte, key string, b bool) []byte {
	return AppendBoolean(AppendHeader(dst, TypeBoolean, key), b)
}

// AppendDateTime appends a UTC datetime in milliseconds since the epoch.
func AppendDateTime(dst []byte, ms int64) []byte {
	return appendInt64(dst, ms)
}

// AppendDateTimeElement appends a UTC datetime element.
func AppendDateTimeElement(dst []byte, key string, ms int64) []byte {
	return appendInt64(AppendHeader(dst, TypeDateTime, key), ms)
}

// AppendNull appends the (empty) null value: it returns dst.
func AppendNull(dst []byte) []byte { return dst }

// AppendNullElement appends a null element.
func AppendNullElement(dst []byte, key string) []byte {
	return AppendHeader(dst, TypeNull, key)
}

// AppendRegex appends a regular expression: pattern and options as C strings.
func AppendRegex(dst []byte, pattern, options string) []byte {
	return appendCString(appendCString(dst, pattern), options)
}

// AppendRegexElement appends a regular-expression element.
func AppendRegexElement(dst []byte, key, pattern, options string) []byte {
	return AppendRegex(AppendHeader(dst, TypeRegex, key), pattern, options)
}

// AppendDBPointer appends a DBPointer: a namespace string and an ObjectID.
func AppendDBPointer(dst []byte, ns string, oid ObjectID) []byte {
	return append(AppendString(dst, ns), oid[:]...)
}

// AppendDBPointerElement appends a DBPointer element.
func AppendDBPointerElement(dst []byte, key, ns string, oid ObjectID) []byte {
	return AppendDBPointer(AppendHeader(dst, TypeDBPointer, key), ns, oid)
}

// AppendJavaScript appends JavaScript code, encoded like a string.
func AppendJavaScript(dst []byte, code string) []byte {
	return AppendString(dst, code)
}

// AppendJavaScriptElement appends a JavaScript element.
func AppendJavaScriptElement(dst []byte, key, code string) []byte {
	return AppendString(AppendHeader(dst, TypeJavaScript, key), code)
}

// AppendSymbol appends a symbol, encoded like a string.
func AppendSymbol(dst []byte, s string) []byte {
	return AppendString(dst, s)
}

// AppendSymbolElement appends a symbol element.
func AppendSymbolElement(dst []byte, key, s string) []byte {
	return AppendString(AppendHeader(dst, TypeSymbol, key), s)
}

// AppendCodeWithScope appends code with scope: an int32 total length, the
// code as a string, and scope, which must be an encoded document.
func AppendCodeWithScope(dst []byte, code string, scope []byte) []byte {
	dst = appendInt32(dst, int32(4+4+len(code)+1+len(scope)))
	dst = AppendString(dst, code)
	return append(dst, scope...)
}

// AppendCodeWithScopeElement appends a code-with-scope element.
func AppendCodeWithScopeElement(dst []byte, key, code string, scope []byte) []byte {
	return AppendCodeWithScope(AppendHeader(dst, TypeCodeWithScope, key), code, scope)
}

// AppendInt32 appends a 32-bit integer.
func AppendInt32(dst []byte, i int32) []byte {
	return appendInt32(dst, i)
}

// AppendInt32Element appends a 32-bit integer element.
func AppendInt32Element(dst []byte, key string, i int32) []byte {
	return appendInt32(AppendHeader(dst, TypeInt32, key), i)
}

// AppendTimestamp appends a timestamp: the increment i in the low four
// bytes, then the seconds t.
func AppendTimestamp(dst []byte, t, i uint32) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, i)
	return binary.LittleEndian.AppendUint32(dst, t)
}

// AppendTimestampElement appends a timestamp element.
func AppendTimestampElement(dst []byte, key string, t, i uint32) []byte {
	return AppendTimestamp(AppendHeader(dst, TypeTimestamp, key), t, i)
}

// AppendInt64 appends a 64-bit integer.
func AppendInt64(dst []byte, i int64) []byte {
	return appendInt64(dst, i)
}

// AppendInt64Element appends a 64-bit integer element.
func AppendInt64Element(dst []byte, key string, i int64) []byte {
	return appendInt64(AppendHeader(dst, TypeInt64, key), i)
}

// AppendDecimal128 appends a 128-bit decimal: the low 64 bits, then the high.
func AppendDecimal128(dst []byte, d Decimal128) []byte {
	dst = binary.LittleEndian.AppendUint64(dst, d.l)
	return binary.LittleEndian.AppendUint64(dst, d.h)
}

// AppendDecimal128Element appends a 128-bit decimal element.
func AppendDecimal128Element(dst []byte, key string, d Decimal128) []byte {
	return AppendDecimal128(AppendHeader(dst, TypeDecimal128, key), d)
}

// AppendMaxKey appends the (empty) max key value: it returns dst.
func AppendMaxKey(dst []byte) []byte { return dst }

// AppendMaxKeyElement appends a max key element.
func AppendMaxKeyElement(dst []byte, key string) []byte {
	return AppendHeader(dst, TypeMaxKey, key)
}

// AppendMinKey appends the (empty) min key value: it returns dst.
func AppendMinKey(dst []byte) []byte { return dst }

// AppendMinKeyElement appends a min key element.
func AppendMinKeyElement(dst []byte, key string) []byte {
	return AppendHeader(dst, TypeMinKey, key)
}
