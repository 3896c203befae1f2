package bson

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

// This file is the fast path of Validate and ValidateStructure: one walk
// over a document that only answers yes or no. The walk is a loop, not a
// recursion: entering a nested document pushes the end of the enclosing
// one on a small stack held in the frame, so a tree of small documents
// costs no calls. The common types (numbers, strings, documents, arrays)
// are handled inline, and keys and strings are checked for ASCII eight
// bytes at a time before utf8.Valid sees them. When it answers no,
// validate.go walks again to say what is wrong and where, so the two must
// agree (the fuzz tests check).

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

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// scanKey finds the NUL that ends the key starting at doc[j], eight bytes
// at a time, and ORs the key's bytes into high (a byte >= 0x80 there means
// the key is not ASCII). It returns end when no NUL comes before end.
func scanKey(doc []byte, j, end int) (int, uint64) {
	var high uint64
	for j+8 <= end {
		w := binary.LittleEndian.Uint64(doc[j:])
		// The lowest byte flagged here is the first zero byte of w.
		if z := (w - lsb) &^ w & msb; z != 0 {
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

// scanStackDepth is how many open documents the walk of scanElements keeps
// in its frame; a tree nested deeper than that costs one call per
// scanStackDepth levels (MaxNestingDepth still bounds the total).
const scanStackDepth = 24

// scanElements reports whether the elements of doc, a document at nesting
// depth depth whose length prefix and terminator are already checked, are
// sound, and so are those of every document nested in it.
func scanElements(doc []byte, depth int, utf bool) bool {
	if depth > MaxNestingDepth {
		return false
	}
	var ends [scanStackDepth]int32 // the terminators of the enclosing documents
	sp := 0
	end := len(doc) - 1 // the terminator of the current document; no element may reach it
	for i := 4; ; {
		if i >= end { // i == end: the current document is done
			if sp == 0 {
				return true
			}
			sp--
			depth--
			i, end = end+1, int(ends[sp])
			continue
		}
		t := doc[i]
		// The key: its first eight bytes inline (most keys end there).
		j, high := i+1, uint64(0)
		if j+8 <= end {
			w := binary.LittleEndian.Uint64(doc[j:])
			if z := (w - lsb) &^ w & msb; z != 0 {
				b := bits.TrailingZeros64(z) &^ 7 // the first NUL, in bits
				j, high = j+b>>3, w&(1<<b-1)
			} else {
				j, high = scanKey(doc, j+8, end)
				high |= w
			}
		} else {
			j, high = scanKey(doc, j, end)
		}
		if j == end || (utf && high&msb != 0 && !utf8.Valid(doc[i+1:j])) {
			return false
		}
		v := j + 1
		left := end - v
		var n int
		switch k := scanKinds[t]; k.kind {
		case scanFixed:
			if n = int(k.size); n > left {
				return false
			}
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
			if n < 5 || n > left || doc[v+n-1] != 0 {
				return false
			}
			if sp == scanStackDepth {
				// The stack is full: the rest of this branch gets a frame
				// of its own.
				if !scanElements(doc[v:v+n], depth+1, utf) {
					return false
				}
				break
			}
			if depth++; depth > MaxNestingDepth {
				return false
			}
			ends[sp] = int32(end)
			sp++
			i, end = v+4, v+n-1
			continue
		case scanBoolean:
			if left < 1 || (utf && doc[v] > 1) {
				return false
			}
			n = 1
		case scanBinary:
			var msg string
			if n, msg = frameBinary(doc[v:end]); msg != "" {
				return false
			}
		case scanOther:
			if n = scanOtherValue(Type(t), doc[v:end], depth, utf); n < 0 {
				return false
			}
		default:
			return false
		}
		i = v + n
	}
}

// scanOtherValue frames and checks a regex, dbPointer or code with scope
// at the start of src and returns its size, or -1; the scope of code with
// scope is scanned like any document.
func scanOtherValue(t Type, src []byte, depth int, utf bool) int {
	if t == TypeRegex {
		p := bytes.IndexByte(src, 0)
		if p < 0 {
			return -1
		}
		o := bytes.IndexByte(src[p+1:], 0)
		if o < 0 || (utf && !(validUTF8(src[:p]) && validUTF8(src[p+1:p+1+o]))) {
			return -1
		}
		return p + 1 + o + 1
	}
	n, msg := frameValue(t, src)
	if msg != "" {
		return -1
	}
	val := src[:n]
	if t != TypeCodeWithScope {
		if validateValue(t, val, 0, depth, utf) != nil {
			return -1
		}
		return n
	}
	s, _ := frameString(val[4:])
	if (utf && !validUTF8(val[8:4+s-1])) || !scanElements(val[4+s:], depth+1, utf) {
		return -1
	}
	return n
}

// validUTF8 is utf8.Valid with the ASCII case inline: sixteen, then eight
// bytes at a time, then the tail, and utf8.Valid only when a byte is not
// ASCII.
func validUTF8(b []byte) bool {
	for len(b) >= 16 {
		if (binary.LittleEndian.Uint64(b)|binary.LittleEndian.Uint64(b[8:]))&msb != 0 {
			return utf8.Valid(b)
		}
		b = b[16:]
	}
	if len(b) >= 8 {
		if binary.LittleEndian.Uint64(b)&msb != 0 {
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
