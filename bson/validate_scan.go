package bson

import (
	"encoding/binary"
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

var scanKinds = [256]uint8{
	TypeDouble: scanFixed, TypeString: scanString, TypeEmbeddedDocument: scanDocument,
	TypeArray: scanDocument, TypeBinary: scanBinary, TypeUndefined: scanFixed,
	TypeObjectID: scanFixed, TypeBoolean: scanBoolean, TypeDateTime: scanFixed,
	TypeNull: scanFixed, TypeRegex: scanOther, TypeDBPointer: scanOther,
	TypeJavaScript: scanString, TypeSymbol: scanString, TypeCodeWithScope: scanOther,
	TypeInt32: scanFixed, TypeTimestamp: scanFixed, TypeInt64: scanFixed,
	TypeDecimal128: scanFixed, TypeMinKey: scanFixed, TypeMaxKey: scanFixed,
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
		j := i + 1
		var high byte
		for ; j < end && doc[j] != 0; j++ {
			high |= doc[j]
		}
		if j == end || (utf && high >= utf8.RuneSelf && !utf8.Valid(doc[i+1:j])) {
			return false
		}
		v, n := j+1, 0
		left := end - v
		switch scanKinds[t] {
		case scanFixed:
			n = int(frameFixed[t])
			if n > left {
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
			if n, msg = frameValue(Type(t), doc[v:end]); msg != "" {
				return false
			}
			if validateValue(Type(t), doc[v:v+n], 0, depth, utf) != nil {
				return false
			}
		default:
			return false
		}
		i = v + n
	}
	return true
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
