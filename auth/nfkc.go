package auth

import "sort"

// NFKC normalisation (Unicode Standard Annex #15) for SASLprep, on the
// Unicode 3.2 data of nfkc_tables.go and nfkd_tables.go. The three steps are the textbook
// ones: decompose every code point fully (compatibility mappings, Hangul by
// arithmetic), put each run of combining marks in canonical order, then
// recompose canonical pairs that are primary composites.

// Hangul syllable arithmetic (Unicode 3.2, section 3.12).
const (
	hangulSBase  = 0xAC00
	hangulLBase  = 0x1100
	hangulVBase  = 0x1161
	hangulTBase  = 0x11A7
	hangulLCount = 19
	hangulVCount = 21
	hangulTCount = 28
	hangulNCount = hangulVCount * hangulTCount
	hangulSCount = hangulLCount * hangulNCount
)

type runeRange struct{ lo, hi rune }

type taggedRange struct {
	lo, hi rune
	tag    uint8
}

type cccRange struct {
	lo, hi rune
	ccc    uint8
}

// inRanges reports whether r lies in one of the sorted, disjoint ranges.
func inRanges(t []runeRange, r rune) bool {
	i := sort.Search(len(t), func(h int) bool { return t[h].hi >= r })
	return i < len(t) && t[i].lo <= r
}

// prohibitedTag returns the table that prohibits r, if any.
func prohibitedTag(r rune) (uint8, bool) {
	t := tables().prohibited
	i := sort.Search(len(t), func(h int) bool { return t[h].hi >= r })
	if i < len(t) && t[i].lo <= r {
		return t[i].tag, true
	}
	return 0, false
}

// combiningClass returns the canonical combining class of r.
func combiningClass(r rune) uint8 {
	if r < 0x300 {
		return 0
	}
	t := tables().ccc
	i := sort.Search(len(t), func(h int) bool { return t[h].hi >= r })
	if i < len(t) && t[i].lo <= r {
		return t[i].ccc
	}
	return 0
}

// appendNFKD appends the full compatibility decomposition of r to dst.
func appendNFKD(dst []rune, r rune) []rune {
	if r < 0xA0 {
		return append(dst, r)
	}
	if s := r - hangulSBase; s >= 0 && s < hangulSCount {
		dst = append(dst, hangulLBase+s/hangulNCount, hangulVBase+(s%hangulNCount)/hangulTCount)
		if t := s % hangulTCount; t != 0 {
			dst = append(dst, hangulTBase+t)
		}
		return dst
	}
	t := tables()
	k := t.nfkdKeys
	i := sort.Search(len(k), func(h int) bool { return k[h] >= r })
	if i == len(k) || k[i] != r {
		return append(dst, r)
	}
	start := 0
	if i > 0 {
		start = int(t.nfkdEnds[i-1])
	}
	for _, d := range nfkdData[start:t.nfkdEnds[i]] {
		dst = append(dst, d)
	}
	return dst
}

// canonicalOrder sorts every run of non-starters by combining class, stably
// (an insertion sort: runs are a handful of marks long).
func canonicalOrder(s []rune) {
	for i := 1; i < len(s); i++ {
		c := combiningClass(s[i])
		if c == 0 {
			continue
		}
		j := i
		for j > 0 {
			p := combiningClass(s[j-1])
			if p == 0 || p <= c {
				break
			}
			s[j], s[j-1] = s[j-1], s[j]
			j--
		}
	}
}

// minComposeSecond is below the second code point of every composable
// pair (TestComposeTableFastPath checks it against the table).
const minComposeSecond = 0x300

// composePair returns the primary composite of a followed by b, if any.
func composePair(a, b rune) (rune, bool) {
	if b < minComposeSecond {
		return 0, false
	}
	if l := a - hangulLBase; l >= 0 && l < hangulLCount {
		if v := b - hangulVBase; v >= 0 && v < hangulVCount {
			return hangulSBase + (l*hangulVCount+v)*hangulTCount, true
		}
		return 0, false
	}
	if s := a - hangulSBase; s >= 0 && s < hangulSCount && s%hangulTCount == 0 {
		if t := b - hangulTBase; t > 0 && t < hangulTCount {
			return a + t, true
		}
		return 0, false
	}
	t := tables().compose
	i := sort.Search(len(t), func(h int) bool { return t[h].first > a || t[h].first == a && t[h].second >= b })
	if i < len(t) && t[i].first == a && t[i].second == b {
		return t[i].c, true
	}
	return 0, false
}

// compose applies canonical composition to a decomposed, canonically ordered
// string in place and returns the shortened slice. A mark composes with the
// last starter unless a mark of the same or higher class sits between them
// ("blocked"); the first code point composes with nothing if it is itself
// a non-starter.
func compose(s []rune) []rune {
	if len(s) == 0 {
		return s
	}
	starterPos, starter := 0, s[0]
	lastClass := int(combiningClass(starter))
	if lastClass != 0 {
		lastClass = 256 // nothing before the first starter composes
	}
	out := 1
	for _, r := range s[1:] {
		class := int(combiningClass(r))
		if c, ok := composePair(starter, r); ok && (lastClass < class || lastClass == 0) {
			s[starterPos], starter = c, c
			continue
		}
		if class == 0 {
			starterPos, starter = out, r
		}
		lastClass = class
		s[out] = r
		out++
	}
	return s[:out]
}

// nfkc returns the NFKC form of s (which it may reuse as scratch space).
func nfkc(s []rune) []rune {
	out := make([]rune, 0, len(s)+len(s)/2)
	for _, r := range s {
		out = appendNFKD(out, r)
	}
	canonicalOrder(out)
	return compose(out)
}
