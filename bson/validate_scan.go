package bson

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

// This file is the fast path of Validate and ValidateStructure: one walk
// over a document that only answers yes or no. The walk is a loop, not a
// recursion: entering a nested document pushes the end of the enclosing
// one on a small stack, so a tree of small documents costs no calls.
//
// It runs in two parts. scanRun is a loop without calls (a call in a Go
// loop makes the compiler keep every variable in memory) that checks the
// common elements: an ASCII key (read a word at a time), a fixed-size
// value (its size from a table, without a switch), ASCII strings and
// code, documents and arrays, binary data, regular expressions. Every
// other element (a dbPointer, a key or string that is not ASCII, an
// element in the last 17 bytes of the input), and every element it finds
// a problem with, it leaves to scanSlow, which checks one element with the
// framing functions and utf8.Valid and hands the walk back. When the walk
// answers no, validate.go walks again to say what is wrong and where, so
// the two must agree (the tests and fuzz tests check).
//
// The loop is written for the machine code it compiles to (see
// BENCHMARKS.md, "Validation speed"): few variables live across it, so
// that none is spilled; branches rather than loads where a size is known
// (the next element's start is one chain of dependent loads); no jump
// table (an indirect jump mispredicted more than the few conditional
// branches that replace it).

// The kinds of value scanRun tells apart: scanKinds maps each type byte to
// one. A fixed-size value's size comes from scanSizes first; the other
// kinds get a case of their own.
const (
	scanOther    = iota // dbPointer, unknown types: left to scanSlow
	scanText            // string, JavaScript code, symbol: ASCII (Validate)
	scanDocument        // document, array: entered
	scanBoolean         // a byte, 0 or 1 (Validate)
	scanBinary          // binary: the inner length of subtype 2
	scanRegex           // regex: two C strings, ASCII (Validate)
	scanScope           // code with scope: its parts, and its scope entered
	scanFixed           // the fixed-size types
)

// scanKinds holds the kind of each type byte.
var scanKinds = [256]uint8{
	TypeNull: scanFixed, TypeUndefined: scanFixed, TypeMinKey: scanFixed, TypeMaxKey: scanFixed,
	TypeInt32: scanFixed, TypeDouble: scanFixed, TypeDateTime: scanFixed, TypeTimestamp: scanFixed,
	TypeInt64: scanFixed, TypeObjectID: scanFixed, TypeDecimal128: scanFixed,
	TypeBoolean: scanBoolean,
	TypeString:  scanText, TypeJavaScript: scanText, TypeSymbol: scanText,
	TypeEmbeddedDocument: scanDocument, TypeArray: scanDocument,
	TypeBinary: scanBinary, TypeRegex: scanRegex, TypeCodeWithScope: scanScope,
}

// scanSizes holds the size of the values of the fixed-size types, -1 for
// the other type bytes, for ValidateStructure (index 0) and Validate
// (index 1), under which a boolean is not of fixed size but scanBoolean.
var scanSizes = func() (sizes [2][256]int8) {
	for t, k := range scanKinds {
		sizes[0][t], sizes[1][t] = -1, -1
		if k == scanFixed {
			sizes[0][t] = int8(frameFixed[t])
			sizes[1][t] = sizes[0][t]
		}
	}
	sizes[0][TypeBoolean] = 1
	return sizes
}()

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// scanRaw reports whether r is exactly one sound document; with utf, keys
// and strings must also be UTF-8 and booleans 0 or 1 (Validate's check),
// without it only the structure counts (ValidateStructure's).
func scanRaw(r []byte, utf bool) bool {
	if len(r) < 5 || int(int32(binary.LittleEndian.Uint32(r))) != len(r) || r[len(r)-1] != 0 {
		return false
	}
	return scanElements(r, 1, utf)
}

// scanStackDepth is how many open documents the walk keeps on its stack; a
// tree nested deeper than that costs one call of scanElements per
// scanStackDepth levels (MaxNestingDepth still bounds the total).
const scanStackDepth = 24

// scanState is where the walk is: the element at i, in the document whose
// terminator is at end, inside the documents whose terminators are
// ends[:sp], nested base+sp deep.
type scanState struct {
	i, end, sp, base int
	ends             [scanStackDepth]int32
}

// scanElements reports whether the elements of doc, a document at nesting
// depth depth whose length prefix and terminator are already checked, are
// sound, and so are those of every document nested in it.
func scanElements(doc []byte, depth int, utf bool) bool {
	if depth > MaxNestingDepth {
		return false
	}
	st := scanState{i: 4, end: len(doc) - 1, base: depth}
	for !scanRun(doc, &st, utf) {
		if !scanSlow(doc, &st, utf) {
			return false
		}
	}
	return true
}

// scanRun walks the elements from st, and reports true when it has
// finished the document. It stops with false, st at the element, at an
// element it leaves to scanSlow. With utf, keys and strings must be ASCII
// and booleans 0 or 1 (Validate); without, only the structure counts.
func scanRun(doc []byte, st *scanState, utf bool) bool {
	// The place in registers, the stack in st: few enough variables that
	// the compiler need not spill them. (doc's capacity cut to its length
	// spares one.)
	doc = doc[:len(doc):len(doc)]
	i, end, sp := st.i, st.end, st.sp
	sizes := &scanSizes[0]
	if utf {
		sizes = &scanSizes[1]
	}
loop:
	for {
		if i >= end { // i == end: the current document is done
			if sp == 0 {
				return true
			}
			sp--
			i, end = end+1, int(st.ends[sp])
			st.sp, st.end = sp, end
			continue
		}
		// Where to stop, written to st as it goes (stores wait for
		// nothing): the exits need no registers, and the cases below
		// have them all.
		st.i = i
		// The element's type and the first sixteen bytes of its key, which
		// must be in doc. (Written so, the compiler drops the bounds
		// checks of e.)
		if i < 0 || i >= len(doc)-16 {
			break
		}
		e := (*[17]byte)(doc[i : i+17])
		// The key, a word at a time: in each word the bytes that are NUL or
		// not ASCII are flagged; the lowest flag is exact (a subtraction
		// borrows only from a NUL), and its byte is a NUL, not a byte
		// >= 0x80, when the word has a 0 there (no load of the byte, whose
		// address would wait for the key's length). The words may reach
		// past the current document, not past doc. The key cannot end past
		// the document's own NUL at end, so the value starts at most at
		// end+1, and the value's checks below refuse that.
		var v int // the value, after the key's NUL
		w := binary.LittleEndian.Uint64(e[1:9])
		if m := (w - lsb | w) & msb; m != 0 {
			if w&m&-m != 0 {
				break
			}
			v = i + 2 + bits.TrailingZeros64(m)>>3
		} else {
			w = binary.LittleEndian.Uint64(e[9:17])
			m = (w - lsb | w) & msb
			if m == 0 { // a key of sixteen bytes or more: the next words
				if v = scanCString(doc, i+17); v < 0 || v >= end || doc[v] != 0 {
					break
				}
				v++
			} else if w&m&-m != 0 {
				break
			} else {
				v = i + 10 + bits.TrailingZeros64(m)>>3
			}
		}
		// The value. A fixed size first, from a table: a branch, so that
		// the next element's start waits for no load of a length.
		if n := int(sizes[e[0]]); n >= 0 {
			if v+n > end {
				break
			}
			i = v + n
			continue
		}
		switch scanKinds[e[0]] {
		case scanBoolean:
			if v >= end || utf && doc[v] > 1 {
				break loop
			}
			i = v + 1
		case scanText: // (scanEnds needs eight bytes from the contents)
			if v+12 > len(doc) {
				break loop
			}
			l := int(int32(binary.LittleEndian.Uint32(doc[v : v+4])))
			if l < 1 || l > end-v-4 || doc[v+3+l] != 0 {
				break loop
			}
			if utf { // ASCII (see scanEnds)
				high := scanEnds(doc, v+4, v+3+l)
				if l > 17 {
					high |= orWords(doc[v+12 : v+3+l])
				}
				if high&msb != 0 {
					break loop
				}
			}
			i = v + 4 + l
		case scanBinary:
			if v+9 > len(doc) {
				break loop
			}
			l := int(int32(binary.LittleEndian.Uint32(doc[v : v+4])))
			if l < 0 || l > end-v-5 || doc[v+4] == BinaryBinaryOld && (l < 4 || int(int32(binary.LittleEndian.Uint32(doc[v+5:v+9]))) != l-4) {
				break loop
			}
			i = v + 5 + l
		case scanRegex: // the pattern, then the options
			p := scanCString(doc, v)
			if p < 0 || p >= end || doc[p] != 0 {
				break loop
			}
			if p = scanCString(doc, p+1); p < 0 || p >= end || doc[p] != 0 {
				break loop
			}
			i = p + 1
		case scanDocument:
			if v+4 > len(doc) {
				break loop
			}
			l := int(int32(binary.LittleEndian.Uint32(doc[v : v+4])))
			if l < 5 || l > end-v || doc[v+l-1] != 0 || !st.room(sp) {
				break loop
			}
			st.ends[sp] = int32(end)
			sp++
			i, end = v+4, v+l-1
			st.sp, st.end = sp, end
		case scanScope: // its code, then its scope entered
			if v+16 > len(doc) {
				break loop
			}
			l := int(int32(binary.LittleEndian.Uint32(doc[v : v+4])))
			if l < 14 || l > end-v || doc[v+l-1] != 0 {
				break loop
			}
			s := scanScopeCode(doc, v, l)
			if s < 0 || !st.room(sp) {
				break loop
			}
			if utf { // the code ASCII, as a string's contents above
				high := scanEnds(doc, v+8, v+7+s)
				if s > 17 {
					high |= orWords(doc[v+16 : v+7+s])
				}
				if high&msb != 0 {
					break loop
				}
			}
			st.ends[sp] = int32(end)
			sp++
			i, end = v+12+s, v+l-1
			st.sp, st.end = sp, end
		default: // dbPointer, unknown types
			break loop
		}
	}
	return false
}

// room reports whether a document may be entered with sp documents on
// the stack: the stack has room, and the nesting depth allows it.
func (st *scanState) room(sp int) bool {
	return sp < scanStackDepth && st.base+sp < MaxNestingDepth
}

// scanCString returns the offset of the first byte from doc[p] that is NUL
// or not ASCII, reading words up to the end of doc, or -1 when the last
// words of doc hold none.
func scanCString(doc []byte, p int) int {
	for ; p+8 <= len(doc); p += 8 {
		w := binary.LittleEndian.Uint64(doc[p : p+8])
		if m := (w - lsb | w) & msb; m != 0 {
			return p + bits.TrailingZeros64(m)>>3
		}
	}
	return -1
}

// scanScopeCode checks the parts of the code with scope of size n (at
// least 14) at doc[v:]: the code, a string, then the scope, a document,
// must fill it exactly. It returns the code's length prefix, or -1. Small
// enough to be inlined.
func scanScopeCode(doc []byte, v, n int) int {
	s := int(int32(binary.LittleEndian.Uint32(doc[v+4 : v+8])))
	if s < 1 || s > n-13 || doc[v+7+s] != 0 || int(int32(binary.LittleEndian.Uint32(doc[v+8+s:v+12+s]))) != n-8-s {
		return -1
	}
	return s
}

// scanEnds returns the first and last words of doc[a:b], a string's
// contents, ORed together and masked to the contents: the bytes to test
// for ASCII when the contents are at most sixteen bytes, the ends of the
// contents otherwise, whose middle orWords reads. Doc must hold eight
// bytes from a, and b must be at least 8 (a length prefix, a key and a
// type byte come before). Small enough to be inlined.
func scanEnds(doc []byte, a, b int) uint64 {
	m := uint(b - a)
	// The first word's first m bytes (all of it from m = 8), and the last
	// word when m > 8 (it overlaps the first below 16).
	return binary.LittleEndian.Uint64(doc[a:a+8])&(1<<(m*8)-1) |
		binary.LittleEndian.Uint64(doc[b-8:b])&uint64(int64(8-m)>>63)
}

// orWords returns the words of s ORed together but the last eight bytes,
// which the caller reads: 32 bytes at a time, then eight (the last words
// may overlap those eight bytes).
func orWords(s []byte) uint64 {
	var high uint64
	for ; len(s) > 32; s = s[32:] {
		high |= binary.LittleEndian.Uint64(s[:8]) | binary.LittleEndian.Uint64(s[8:16]) |
			binary.LittleEndian.Uint64(s[16:24]) | binary.LittleEndian.Uint64(s[24:32])
	}
	for ; len(s) > 8; s = s[8:] {
		high |= binary.LittleEndian.Uint64(s[:8])
	}
	return high
}

// scanSlow checks the element at st.i with the framing functions and moves
// st past it, or into it when it holds a document. It reports whether the
// element is sound.
func scanSlow(doc []byte, st *scanState, utf bool) bool {
	i := st.i
	k, n, msg := frameElement(doc[i:st.end])
	if msg != "" || (utf && !utf8.Valid(doc[i+1:i+1+k])) {
		return false
	}
	t, v, next := Type(doc[i]), i+k+2, i+n
	sub := 0 // the start of the document to enter
	switch t {
	case TypeEmbeddedDocument, TypeArray:
		sub = v
	case TypeCodeWithScope:
		s := int(int32(binary.LittleEndian.Uint32(doc[v+4:])))
		if utf && !validUTF8(doc[v+8:v+8+s-1]) {
			return false
		}
		sub = v + 8 + s
	default:
		if utf && validateValue(t, doc[v:next], 0, 0, true) != nil {
			return false
		}
		st.i = next
		return true
	}
	if st.base+st.sp == MaxNestingDepth {
		return false
	}
	if st.sp == scanStackDepth {
		// The stack is full: this branch gets a walk of its own.
		if !scanElements(doc[sub:next], st.base+st.sp+1, utf) {
			return false
		}
		st.i = next
		return true
	}
	st.ends[st.sp] = int32(st.end)
	st.sp++
	st.i, st.end = sub+4, next-1
	return true
}

// validUTF8 is utf8.Valid with the ASCII case first: the bytes ORed
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
