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
// common elements: an ASCII key shorter than sixteen bytes, a value whose
// type byte's scanClass gives its size without a switch, ASCII strings
// (read eight bytes at a time), documents and arrays, binary data. Every
// other element, and every element it finds a problem with, it leaves to
// scanSlow, which checks one element with the framing functions and
// utf8.Valid and hands the walk back. When the walk answers no,
// validate.go walks again to say what is wrong and where, so the two must
// agree (the fuzz tests check).

// The further work a type needs after its size is checked (scanClass's
// extra); the rest of the types need none.
const (
	scanText      = 1 + iota // string, JavaScript code, symbol: ASCII or UTF-8 (Validate only)
	scanDocument             // document, array: entered
	scanBinary               // binary: the inner length of subtype 2
	scanScope                // code with scope: its parts, and its scope entered
	scanScopeText            // the same, and its code ASCII or UTF-8 (Validate)
	scanOther                // regex, dbPointer: left to scanSlow
)

// A scanClass says how scanRun checks the values of one type byte, packed
// in a word so that one load and a few shifts replace a switch:
//
//	byte 0: size, the value's size, plus the length for prefixed types
//	byte 1: min, the least length a prefixed type may have
//	byte 2: last, ANDed with the value's last byte must give 0: 0xff for
//	        values that end with a NUL, 0xfe for booleans under Validate
//	byte 4: extra, the further work (scanText, ...), 0 for none
//	byte 5: 0xff for the types whose value starts with an int32 length
type scanClass uint64

func (c scanClass) size() int    { return int(uint8(c)) }
func (c scanClass) min() int     { return int(uint8(c >> 8)) }
func (c scanClass) last() byte   { return uint8(c >> 16) }
func (c scanClass) extra() uint8 { return uint8(c >> 32) }

// prefixed reports whether the type's values start with an int32 length.
func (c scanClass) prefixed() bool { return c>>40 != 0 }

func newScanClass(size, min, last, extra uint8, prefixed bool) scanClass {
	c := scanClass(size) | scanClass(min)<<8 | scanClass(last)<<16 | scanClass(extra)<<32
	if prefixed {
		c |= 0xff << 40
	}
	return c
}

// scanClasses holds the scanClass of each type byte, for ValidateStructure
// (index 0) and for Validate (index 1), which also reads strings and
// checks booleans.
var scanClasses = func() (c [2][256]scanClass) {
	for utf := range c {
		tab := &c[utf]
		for i := range tab {
			tab[i] = newScanClass(0, 0, 0, scanOther, false) // unknown: scanSlow says so
		}
		for _, t := range []Type{TypeDouble, TypeDateTime, TypeTimestamp, TypeInt64} {
			tab[t] = newScanClass(8, 0, 0, 0, false)
		}
		tab[TypeInt32] = newScanClass(4, 0, 0, 0, false)
		tab[TypeObjectID] = newScanClass(12, 0, 0, 0, false)
		tab[TypeDecimal128] = newScanClass(16, 0, 0, 0, false)
		tab[TypeBoolean] = newScanClass(1, 0, 0xfe*uint8(utf), 0, false)
		for _, t := range []Type{TypeUndefined, TypeNull, TypeMinKey, TypeMaxKey} {
			tab[t] = newScanClass(0, 0, 0, 0, false)
		}
		for _, t := range []Type{TypeString, TypeJavaScript, TypeSymbol} {
			tab[t] = newScanClass(4, 1, 0xff, scanText*uint8(utf), true)
		}
		tab[TypeEmbeddedDocument] = newScanClass(0, 5, 0xff, scanDocument, true)
		tab[TypeArray] = tab[TypeEmbeddedDocument]
		tab[TypeBinary] = newScanClass(5, 0, 0, scanBinary, true)
		tab[TypeCodeWithScope] = newScanClass(0, 14, 0xff, scanScope+uint8(utf), true)
		tab[TypeRegex] = newScanClass(0, 0, 0, scanOther, false)
		tab[TypeDBPointer] = tab[TypeRegex]
	}
	return c
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
// terminator is at end, nested depth deep, inside the documents whose
// terminators are ends[:sp].
type scanState struct {
	i, end, sp, depth int
	ends              [scanStackDepth]int32
}

// scanElements reports whether the elements of doc, a document at nesting
// depth depth whose length prefix and terminator are already checked, are
// sound, and so are those of every document nested in it.
func scanElements(doc []byte, depth int, utf bool) bool {
	if depth > MaxNestingDepth {
		return false
	}
	u := 0
	if utf {
		u = 1
	}
	st := scanState{i: 4, end: len(doc) - 1, depth: depth}
	for !scanRun(doc, &st, u) {
		if !scanSlow(doc, &st, utf) {
			return false
		}
	}
	return true
}

// scanRun walks the elements from st, and reports true when it has
// finished the document. It stops with false, st at the element, at an
// element it leaves to scanSlow. u is 1 for Validate, 0 for
// ValidateStructure (the index in scanClasses).
func scanRun(doc []byte, st *scanState, u int) bool {
	// Everything in registers but the stack: the loop leaves it all to
	// st when it stops. (doc's capacity cut to its length spares one.)
	doc = doc[:len(doc):len(doc)]
	tab := &scanClasses[u&1]
	i, end, sp, depth, ends := st.i, st.end, st.sp, st.depth, st.ends
loop:
	for {
		if i >= end { // i == end: the current document is done
			if sp == 0 {
				return true
			}
			sp--
			depth--
			i, end = end+1, int(ends[sp])
			continue
		}
		// The element's type and the first sixteen bytes of its key, which
		// must be in doc. (Reading through e lets the compiler drop the
		// bounds checks.)
		if i+17 > len(doc) {
			break
		}
		e := (*[17]byte)(doc[i : i+17])
		c := tab[e[0]]
		// The key, a word at a time (see scanKey16); the common key is
		// ASCII, and its NUL is the first byte flagged.
		k := scanKey16(e)
		v := i + 1 + int(k) // the key's NUL, then the value
		// A key of sixteen bytes or more: the next words.
		if k == 16 {
			for k = 8; k == 8 && v+8 <= len(doc); v += int(k) {
				w := binary.LittleEndian.Uint64(doc[v : v+8])
				k = uint(bits.TrailingZeros64((w-lsb|w)&msb)) >> 3
			}
		}
		if v >= end || doc[v] != 0 {
			break
		}
		v++
		// The value's size. A branch, not arithmetic: the size of a
		// fixed-size value must not wait for the load of a length.
		l, n := 0, c.size()
		if c.prefixed() {
			if v+4 > len(doc) {
				break
			}
			l = int(int32(binary.LittleEndian.Uint32(doc[v : v+4])))
			if l < c.min() {
				break
			}
			n += l
		}
		if n > end-v || doc[v+n-1]&c.last() != 0 {
			break
		}
		x := c.extra()
		if x == 0 {
			i = v + n
			continue
		}
		sub := 0 // the start of a document to enter
		switch x {
		case scanText: // (scanASCII needs eight bytes from the contents)
			if v+12 > len(doc) || !scanASCII(doc, v+4, v+n-1) {
				break loop
			}
			i = v + n
			continue
		case scanDocument:
			sub = v
		case scanBinary:
			if doc[v+4] == BinaryBinaryOld && (l < 4 || int(int32(binary.LittleEndian.Uint32(doc[v+5:v+9]))) != l-4) {
				break loop
			}
			i = v + n
			continue
		case scanScope, scanScopeText:
			s := scanScopeCode(doc, v, n)
			if s < 0 || (x == scanScopeText && (v+16 > len(doc) || !scanASCII(doc, v+8, v+7+s))) {
				break loop
			}
			sub = v + 8 + s
		default:
			break loop
		}
		// Enter the document at sub, which ends at v+n.
		if sp == scanStackDepth || depth == MaxNestingDepth {
			break
		}
		ends[sp] = int32(end)
		sp++
		depth++
		i, end = sub+4, v+n-1
	}
	st.i, st.end, st.sp, st.depth, st.ends = i, end, sp, depth, ends
	return false
}

// scanKey16 returns the offset in the key that starts at e[1] of its first
// byte that is NUL or not ASCII, 16 when none of e[1:17] is. It reads two
// words without a branch (they may reach past the current document, not
// past doc). In each word the bytes that are NUL or not ASCII are flagged;
// the lowest flag is exact (a subtraction borrows only from a NUL). Small
// enough to be inlined.
func scanKey16(e *[17]byte) uint {
	w1 := binary.LittleEndian.Uint64(e[1:9])
	w2 := binary.LittleEndian.Uint64(e[9:17])
	k := uint(bits.TrailingZeros64((w1-lsb|w1)&msb)) >> 3
	if k2 := uint(bits.TrailingZeros64((w2-lsb|w2)&msb)) >> 3; k == 8 {
		k += k2
	}
	return k
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

// scanASCII reports whether doc[a:b], a string's contents, is ASCII. It
// reads words: the first and last whole and masked (doc must hold eight
// bytes from a, and b is at least 8: a length prefix, a key and a type
// byte come before), the words between in a loop. Small enough to be
// inlined.
func scanASCII(doc []byte, a, b int) bool {
	m := uint(b - a)
	// The first word's first m bytes (all of it from m = 8), and the last
	// word when m > 8 (it overlaps the first below 16).
	high := binary.LittleEndian.Uint64(doc[a:a+8])&(1<<(m*8)-1) |
		binary.LittleEndian.Uint64(doc[b-8:b])&uint64(int64(8-m)>>63)
	for a += 8; a < b-8; a += 8 {
		high |= binary.LittleEndian.Uint64(doc[a : a+8])
	}
	return high&msb == 0
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
	if st.depth == MaxNestingDepth {
		return false
	}
	if st.sp == scanStackDepth {
		// The stack is full: this branch gets a walk of its own.
		if !scanElements(doc[sub:next], st.depth+1, utf) {
			return false
		}
		st.i = next
		return true
	}
	st.ends[st.sp] = int32(st.end)
	st.sp++
	st.depth++
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
