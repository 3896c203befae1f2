package auth

import "sync"

// unicodeTables are the big SASLprep tables of the generated *_tables.go,
// unpacked: sorted slices that lookups search. They are stored packed
// (varint deltas in string constants, a third of their size as Go arrays)
// so that a program that never prepares a non-ASCII string carries about
// 35 KB less, and unpacked once, on first use (about 60 KB of heap).
type unicodeTables struct {
	prohibited []taggedRange
	d1, d2     []runeRange
	ccc        []cccRange
	nfkdKeys   []rune
	nfkdEnds   []uint16 // nfkdKeys[i] decomposes to nfkdData[nfkdEnds[i-1]:nfkdEnds[i]]
	compose    []composite
}

// composite is a primary composite: first followed by second composes to c.
type composite struct{ first, second, c rune }

// tables returns the unpacked tables.
var tables = sync.OnceValue(func() *unicodeTables {
	t := &unicodeTables{d1: unpackRanges(tableD1Packed), d2: unpackRanges(tableD2Packed)}
	for _, r := range unpackTagged(prohibitedPacked) {
		t.prohibited = append(t.prohibited, taggedRange{r.lo, r.hi, r.tag})
	}
	for _, r := range unpackTagged(cccPacked) {
		t.ccc = append(t.ccc, cccRange{r.lo, r.hi, r.tag})
	}
	t.nfkdKeys, t.nfkdEnds = unpackNFKD(nfkdPacked)
	t.compose = unpackCompose(composePacked)
	return t
})

// uvarint reads an unsigned varint (encoding/binary's format) at s[*i]
// and advances *i. The packed tables are generated, so a malformed one is
// a bug that the package's tests catch.
func uvarint(s string, i *int) rune {
	var v rune
	for shift := 0; ; shift += 7 {
		b := s[*i]
		*i++
		v |= rune(b&0x7F) << shift
		if b < 0x80 {
			return v
		}
	}
}

// unpackRanges reads ranges packed as uvarint(lo - end of the previous
// range), uvarint(hi - lo).
func unpackRanges(s string) []runeRange {
	var out []runeRange
	end := rune(0)
	for i := 0; i < len(s); {
		lo := end + uvarint(s, &i)
		hi := lo + uvarint(s, &i)
		out = append(out, runeRange{lo, hi})
		end = hi + 1
	}
	return out
}

// unpackTagged reads ranges packed like unpackRanges' with a tag byte
// after each.
func unpackTagged(s string) []taggedRange {
	var out []taggedRange
	end := rune(0)
	for i := 0; i < len(s); {
		lo := end + uvarint(s, &i)
		hi := lo + uvarint(s, &i)
		out = append(out, taggedRange{lo, hi, s[i]})
		i++
		end = hi + 1
	}
	return out
}

// unpackNFKD reads the decomposition keys, each uvarint(key - previous
// key) and the byte length of its decomposition in nfkdData.
func unpackNFKD(s string) (keys []rune, ends []uint16) {
	key, end := rune(0), uint16(0)
	for i := 0; i < len(s); {
		key += uvarint(s, &i)
		end += uint16(s[i])
		i++
		keys, ends = append(keys, key), append(ends, end)
	}
	return keys, ends
}

// unpackCompose reads the composites, each uvarint(first - previous
// first), uvarint(second), uvarint(composite).
func unpackCompose(s string) []composite {
	var out []composite
	first := rune(0)
	for i := 0; i < len(s); {
		first += uvarint(s, &i)
		second := uvarint(s, &i)
		out = append(out, composite{first, second, uvarint(s, &i)})
	}
	return out
}
