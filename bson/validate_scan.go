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
		// The key: its first sixteen bytes inline (most keys end there).
		// The words may reach past the current document's terminator (a
		// NUL, so the first NUL found is at or before it), not past doc.
		j, high := i+1, uint64(0)
		if j+16 > len(doc) {
			j, high = scanKey(doc, j, end)
		} else if w := binary.LittleEndian.Uint64(doc[j:]); (w-lsb)&^w&msb != 0 {
			b := bits.TrailingZeros64((w-lsb)&^w&msb) &^ 7 // the first NUL, in bits
			j, high = j+b>>3, w&(1<<b-1)
		} else if w2 := binary.LittleEndian.Uint64(doc[j+8:]); (w2-lsb)&^w2&msb != 0 {
			b := bits.TrailingZeros64((w2-lsb)&^w2&msb) &^ 7
			j, high = j+8+b>>3, w|w2&(1<<b-1)
		} else {
			j, high = scanKey(doc, j+16, end)
			high |= w | w2
		}
		if j == end || (utf && high&msb != 0 && !utf8.Valid(doc[i+1:j])) {
			return false
		}
		v := j + 1
		left := end - v
		n, sub := 0, 0
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
			if s < 1 || s > left-4 || doc[v+3+s] != 0 {
				return false
			}
			if n = 4 + s; utf {
				// Strings of 8 to 16 bytes: two overlapping words inline.
				c := doc[v+4 : v+3+s]
				if len(c) < 8 || len(c) > 16 {
					if !validUTF8(c) {
						return false
					}
				} else if (binary.LittleEndian.Uint64(c)|binary.LittleEndian.Uint64(c[len(c)-8:]))&msb != 0 && !utf8.Valid(c) {
					return false
				}
			}
		case scanDocument:
			if left < 5 {
				return false
			}
			n = int(int32(binary.LittleEndian.Uint32(doc[v:])))
			if n < 5 || n > left || doc[v+n-1] != 0 {
				return false
			}
			sub = v // entered below
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
			if Type(t) == TypeCodeWithScope {
				if n = scanCodeWithScope(doc[v:end], utf); n < 0 {
					return false
				}
				sub = v + n // the scope, entered below
				n = int(int32(binary.LittleEndian.Uint32(doc[v:])))
			} else if n = scanOtherValue(Type(t), doc[v:end], utf); n < 0 {
				return false
			}
		default:
			return false
		}
		if sub == 0 {
			i = v + n
			continue
		}
		// Enter the document at sub, which ends at v+n.
		if depth++; depth > MaxNestingDepth {
			return false
		}
		if sp == scanStackDepth {
			// The stack is full: this branch gets a frame of its own.
			if !scanElements(doc[sub:v+n], depth, utf) {
				return false
			}
			depth--
			i = v + n
			continue
		}
		ends[sp] = int32(end)
		sp++
		i, end = sub+4, v+n-1
	}
}

// scanCodeWithScope frames code with scope at the start of src and checks
// its code; it returns the offset of its scope, or -1.
func scanCodeWithScope(src []byte, utf bool) int {
	if _, msg := frameCodeWithScope(src); msg != "" {
		return -1
	}
	s := int(int32(binary.LittleEndian.Uint32(src[4:])))
	if utf && !validUTF8(src[8:8+s-1]) {
		return -1
	}
	return 8 + s
}

// scanOtherValue frames and checks a regex or dbPointer at the start of
// src and returns its size, or -1.
func scanOtherValue(t Type, src []byte, utf bool) int {
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
	if msg != "" || validateValue(t, src[:n], 0, 0, utf) != nil {
		return -1
	}
	return n
}

// validUTF8 is utf8.Valid with the ASCII case inline: the bytes ORed
// together thirty-two, then eight at a time (the last eight overlapping),
// and utf8.Valid only when a byte is not ASCII.
func validUTF8(b []byte) bool {
	n := len(b)
	if n < 8 {
		var high byte
		for _, c := range b {
			high |= c
		}
		return high < utf8.RuneSelf || utf8.Valid(b)
	}
	high := binary.LittleEndian.Uint64(b[n-8:])
	i := 0
	for ; i+32 <= n; i += 32 {
		high |= binary.LittleEndian.Uint64(b[i:]) | binary.LittleEndian.Uint64(b[i+8:]) |
			binary.LittleEndian.Uint64(b[i+16:]) | binary.LittleEndian.Uint64(b[i+24:])
	}
	for ; i+8 <= n; i += 8 {
		high |= binary.LittleEndian.Uint64(b[i:])
	}
	return high&msb == 0 || utf8.Valid(b)
}
