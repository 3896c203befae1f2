package bson

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

// This file is the fast path of Validate and ValidateStructure: one walk
// over a document that only answers yes or no, with the common types
// (numbers, strings, documents, arrays) handled inline and ASCII checked
// eight bytes at a time. When it answers no, validate.go walks again to say
// what is wrong and where, so the two must agree (the fuzz tests check).

// The scan kinds of the type bytes; scanInvalid (0) for unknown types.
const (
	scanInvalid = iota
	scanFixed   // fixed size (frameFixed), booleans excepted; 0 for null and the like
	scanBoolean
	scanString // string, JavaScript code, symbol
	scanDocument
	scanBinary
	scanOther // regex, dbPointer, code with scope
)

// scanKinds holds the scan kind of each type byte and, for scanFixed, the
// size of its values (one table, one load per element).
var scanKinds = [256]struct{ kind, size uint8 }{
	TypeDouble: {scanFixed, 8}, TypeString: {scanString, 0}, TypeEmbeddedDocument: {scanDocument, 0},
	TypeArray: {scanDocument, 0}, TypeBinary: {scanBinary, 0}, TypeUndefined: {scanFixed, 0},
	TypeObjectID: {scanFixed, 12}, TypeBoolean: {scanBoolean, 1}, TypeDateTime: {scanFixed, 8},
	TypeNull: {scanFixed, 0}, TypeRegex: {scanOther, 0}, TypeDBPointer: {scanOther, 0},
	TypeJavaScript: {scanString, 0}, TypeSymbol: {scanString, 0}, TypeCodeWithScope: {scanOther, 0},
	TypeInt32: {scanFixed, 4}, TypeTimestamp: {scanFixed, 8}, TypeInt64: {scanFixed, 8},
	TypeDecimal128: {scanFixed, 16}, TypeMinKey: {scanFixed, 0}, TypeMaxKey: {scanFixed, 0},
}

// scanKey finds the NUL that ends the key starting at doc[j], eight bytes
// at a time, and ORs the key's bytes into high (a byte >= 0x80 there means
// the key is not ASCII). It returns end when no NUL comes before end.
func scanKey(doc []byte, j, end int) (int, uint64) {
	var high uint64
	for j+8 <= end {
		w := binary.LittleEndian.Uint64(doc[j:])
		// The lowest byte flagged here is the first zero byte of w.
		if z := (w - 0x0101010101010101) &^ w & 0x8080808080808080; z != 0 {
			n := bits.TrailingZeros64(z) >> 3
			return j + n, high | w&(1<<(n*8)-1)
		}
		high |= w
		j += 8
	}
	for ; j < end && doc[j] != 0; j++ {
		high |= uint64(doc[j])
	}
	return j, high
}

// scanRaw reports whether r is exactly one sound document; with utf, keys
// and strings must also be UTF-8 and booleans 0 or 1 (Validate's check),
// without it only the structure counts (ValidateStructure's).
func scanRaw(r []byte, utf bool) bool {
	if len(r) < 5 || int(int32(binary.LittleEndian.Uint32(r))) != len(r) || r[len(r)-1] != 0 {
		return false
	}
	return scanElements(r, 1, utf)
}

// scanElements reports whether the elements of doc, whose length prefix
// and terminator are already checked, are sound.
func scanElements(doc []byte, depth int, utf bool) bool {
	if depth > MaxNestingDepth {
		return false
	}
	end := len(doc) - 1 // the terminator; no element may reach it
	for i := 4; i < end; {
		t := doc[i]
		j, high := scanKey(doc, i+1, end)
		if j == end || (utf && high&0x8080808080808080 != 0 && !utf8.Valid(doc[i+1:j])) {
			return false
		}
		v, n := j+1, 0
		left := end - v
		switch k := scanKinds[t]; k.kind {
		case scanFixed:
			if n = int(k.size); n > left {
				return false
			}
		case scanBoolean:
			if left < 1 || (utf && doc[v] > 1) {
				return false
			}
			n = 1
		case scanString:
			if left < 5 {
				return false
			}
			s := int(int32(binary.LittleEndian.Uint32(doc[v:])))
			if s < 1 || s > left-4 || doc[v+3+s] != 0 || (utf && !validUTF8(doc[v+4:v+3+s])) {
				return false
			}
			n = 4 + s
		case scanDocument:
			if left < 5 {
				return false
			}
			n = int(int32(binary.LittleEndian.Uint32(doc[v:])))
			if n < 5 || n > left || doc[v+n-1] != 0 || !scanElements(doc[v:v+n], depth+1, utf) {
				return false
			}
		case scanBinary:
			var msg string
			if n, msg = frameBinary(doc[v:end]); msg != "" {
				return false
			}
		case scanOther:
			var msg string
			if n, msg = frameValue(Type(t), doc[v:end]); msg != "" || !scanOtherValue(Type(t), doc[v:v+n], depth, utf) {
				return false
			}
		default:
			return false
		}
		i = v + n
	}
	return true
}

// scanOtherValue checks the contents of a framed regex, dbPointer or code
// with scope; the scope of code with scope is scanned like any document.
func scanOtherValue(t Type, val []byte, depth int, utf bool) bool {
	if t != TypeCodeWithScope {
		return validateValue(t, val, 0, depth, utf) == nil
	}
	s, _ := frameString(val[4:])
	return (!utf || validUTF8(val[8:4+s-1])) && scanElements(val[4+s:], depth+1, utf)
}

// validUTF8 is utf8.Valid with the ASCII case inline: eight bytes at a
// time, then the tail, and utf8.Valid only when a byte is not ASCII.
func validUTF8(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b)&0x8080808080808080 != 0 {
			return utf8.Valid(b)
		}
		b = b[8:]
	}
	var high byte
	for _, c := range b {
		high |= c
	}
	return high < utf8.RuneSelf || utf8.Valid(b)
}
