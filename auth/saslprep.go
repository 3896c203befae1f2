package auth

import (
	"fmt"
	"unicode/utf8"
)

//go:generate python3 internal/gen/saslprep_tables.py

// SASLprep prepares s with the SASLprep profile of stringprep (RFC 4013,
// RFC 3454), for a stored string:
//
//  1. map: non-ASCII spaces (table C.1.2) become U+0020 and the characters of
//     table B.1 are removed (C.1.2 is applied first: U+200B is in both);
//  2. normalise with NFKC (Unicode 3.2);
//  3. prohibit the characters of tables C.1.2, C.2.1, C.2.2 and C.3 to C.9;
//  4. check bidirectional text: a string with a character of table D.1
//     (right-to-left) has none of table D.2 (left-to-right) and starts and
//     ends with a D.1 character;
//  5. prohibit code points unassigned in Unicode 3.2 (table A.1).
//
// Printable ASCII, the common case, is returned as it is without allocating.
// Errors name the step, the table and the character's position in the
// prepared string, never the character: s is usually a password.
func SASLprep(s string) (string, error) {
	if isPrintableASCII(s) {
		return s, nil
	}
	runes, err := saslprepMap(s)
	if err != nil {
		return "", err
	}
	runes = nfkc(runes)
	if err := saslprepCheck(runes); err != nil {
		return "", err
	}
	return string(runes), nil
}

// SASLprepError says why SASLprep refused a string.
type SASLprepError struct {
	Pos    int    // index of the offending character (or byte, for bad UTF-8)
	Reason string // e.g. "prohibited character (RFC 3454 table C.2.1)"
}

func (e *SASLprepError) Error() string {
	return fmt.Sprintf("saslprep: %s at position %d", e.Reason, e.Pos)
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7E {
			return false
		}
	}
	return true
}

// saslprepMap decodes s and applies the mapping step.
func saslprepMap(s string) ([]rune, error) {
	out := make([]rune, 0, len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 {
			return nil, &SASLprepError{Pos: i, Reason: "invalid UTF-8 (byte offset)"}
		}
		i += n
		switch {
		case r < 0xA0: // neither table has anything below U+00A0
			out = append(out, r)
		case inRanges(tableC12[:], r):
			out = append(out, ' ')
		case inRanges(tableB1[:], r):
			// mapped to nothing
		default:
			out = append(out, r)
		}
	}
	return out, nil
}

// saslprepCheck applies the prohibition, bidi and unassigned checks to the
// normalised string.
func saslprepCheck(s []rune) error {
	hasRandAL, hasL := false, false
	for i, r := range s {
		if r < 0x80 && r >= 0x20 && r != 0x7F { // printable ASCII: allowed, L only for letters
			hasL = hasL || (r|0x20 >= 'a' && r|0x20 <= 'z')
			continue
		}
		if tag, ok := prohibitedTag(r); ok {
			what := "prohibited character"
			if tag == tagA1 {
				what = "unassigned code point"
			}
			return &SASLprepError{Pos: i, Reason: what + " (RFC 3454 table " + tagNames[tag] + ")"}
		}
		if inRanges(tables().d1, r) {
			hasRandAL = true
		} else if inRanges(tables().d2, r) {
			hasL = true
		}
	}
	if !hasRandAL {
		return nil
	}
	if hasL {
		return &SASLprepError{Pos: 0, Reason: "bidi: right-to-left text (RFC 3454 table D.1) mixed with left-to-right (table D.2)"}
	}
	if !inRanges(tables().d1, s[0]) {
		return &SASLprepError{Pos: 0, Reason: "bidi: right-to-left text must start with a right-to-left character"}
	}
	if last := len(s) - 1; !inRanges(tables().d1, s[last]) {
		return &SASLprepError{Pos: last, Reason: "bidi: right-to-left text must end with a right-to-left character"}
	}
	return nil
}
