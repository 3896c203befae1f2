package auth

import (
	"bufio"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestSASLprepRFC4013Examples(t *testing.T) {
	// RFC 4013, section 3.
	tests := []struct {
		in, want string
		errPart  string
	}{
		{in: "I\u00ADX", want: "IX"},     // SOFT HYPHEN mapped to nothing
		{in: "user", want: "user"},       // no transformation
		{in: "USER", want: "USER"},       // case preserved
		{in: "\u00AA", want: "a"},        // output is NFKC
		{in: "\u2168", want: "IX"},       // output is NFKC
		{in: "\u0007", errPart: "C.2.1"}, // prohibited character
		{in: "\u0627\u0031", errPart: "bidi"},
	}
	for _, tc := range tests {
		got, err := SASLprep(tc.in)
		if tc.errPart != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errPart) {
				t.Errorf("SASLprep(%+q) = %+q, %v; want error mentioning %q", tc.in, got, err, tc.errPart)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("SASLprep(%+q) = %+q, %v; want %+q", tc.in, got, err, tc.want)
		}
	}
}

func TestSASLprepMoreCases(t *testing.T) {
	tests := []struct {
		name, in, want, errPart string
	}{
		{name: "non-ASCII space to space", in: "a\u00A0b\u3000c", want: "a b c"},
		{name: "zero width space maps to space (C.1.2 first)", in: "a\u200Bb", want: "a b"},
		{name: "variation selector removed", in: "x\uFE0Fy", want: "xy"},
		{name: "ligature", in: "\uFB01", want: "fi"},
		{name: "fullwidth", in: "\uFF21\uFF42", want: "Ab"},
		{name: "composition", in: "e\u0301", want: "\u00E9"},
		{name: "reordered marks compose", in: "a\u0323\u0302", want: "\u1EAD"},
		{name: "hangul jamo compose", in: "\u1100\u1161\u11A8", want: "\uAC01"},
		{name: "hangul syllable stays", in: "\uAC01", want: "\uAC01"},
		{name: "angstrom sign", in: "\u212B", want: "\u00C5"},
		{name: "empty", in: "", want: ""},
		{name: "rtl ok", in: "\u0627\u0628", want: "\u0627\u0628"},
		{name: "rtl with digits inside ok", in: "\u0627\u0031\u0628", want: "\u0627\u0031\u0628"},
		{name: "C.2.1 DEL", in: "ab\u007F", errPart: "C.2.1"},
		{name: "C.2.2", in: "\u0085", errPart: "C.2.2"},
		{name: "C.3 private use", in: "a\uE000", errPart: "C.3"},
		{name: "C.4 non-character", in: "\uFFFE", errPart: "C.4"},
		{name: "C.5 surrogate via bad UTF-8", in: "\xed\xa0\x80", errPart: "UTF-8"},
		{name: "C.6 inappropriate for plain text", in: "\uFFFD", errPart: "C.6"},
		{name: "C.7 ideographic description", in: "\u2FF0", errPart: "C.7"},
		{name: "C.8 display property", in: "\u200E", errPart: "C.8"},
		{name: "C.9 tagging", in: "\U000E0001", errPart: "C.9"},
		{name: "A.1 unassigned", in: "\u0221", errPart: "A.1"},
		{name: "bidi mixed", in: "\u0627a\u0628", errPart: "mixed"},
		{name: "bidi must end rtl", in: "\u0627\u0031", errPart: "end"},
		{name: "bidi must start rtl", in: "\u0031\u0627", errPart: "start"},
		{name: "invalid UTF-8", in: "ab\xff", errPart: "UTF-8"},
	}
	for _, tc := range tests {
		got, err := SASLprep(tc.in)
		if tc.errPart != "" {
			var pe *SASLprepError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.errPart) {
				t.Errorf("%s: got %+q, %v; want *SASLprepError mentioning %q", tc.name, got, err, tc.errPart)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: SASLprep(%+q) = %+q, %v; want %+q", tc.name, tc.in, got, err, tc.want)
		}
	}
}

func TestSASLprepErrorHidesInput(t *testing.T) {
	_, err := SASLprep("secret\u0007pass")
	if err == nil {
		t.Fatal("want an error")
	}
	if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "pass") || strings.ContainsRune(err.Error(), 7) {
		t.Fatalf("error %q shows the input", err)
	}
}

func TestSASLprepASCIIFastPathAllocs(t *testing.T) {
	s := "correct horse battery staple"
	if n := testing.AllocsPerRun(100, func() { _, _ = SASLprep(s) }); n != 0 {
		t.Fatalf("ASCII SASLprep allocates %v times; want 0", n)
	}
}

// TestNFKCReference checks nfkc against Python's Unicode 3.2 NFKC for every
// code point whose NFKC form is not itself, and a set of sequences that
// exercise canonical reordering, blocking and Hangul composition.
func TestNFKCReference(t *testing.T) {
	f, err := os.Open("testdata/nfkc.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		in, want, ok := strings.Cut(line, ";")
		if !ok {
			t.Fatalf("bad line %q", line)
		}
		got := string(nfkc(parseHexRunes(t, in)))
		if w := string(parseHexRunes(t, want)); got != w {
			t.Errorf("nfkc(%s) = %X; want %s", in, []rune(got), want)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 4000 {
		t.Fatalf("only %d reference cases read", n)
	}
}

func TestNFKCIdentityOnUnchangedCodePoints(t *testing.T) {
	// A sample of code points that NFKC leaves alone must stay alone.
	for _, r := range []rune{'a', 0xE9, 0x3042, 0x4E00, 0xAC00, 0xD7A3, 0x10400, 0x0627} {
		if got := nfkc([]rune{r}); len(got) != 1 || got[0] != r {
			t.Errorf("nfkc(%U) = %U", r, got)
		}
	}
}

func parseHexRunes(t *testing.T, s string) []rune {
	t.Helper()
	var out []rune
	for _, f := range strings.Fields(s) {
		v, err := strconv.ParseUint(f, 16, 32)
		if err != nil {
			t.Fatalf("bad hex %q", f)
		}
		out = append(out, rune(v))
	}
	return out
}

func BenchmarkSASLprep(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"ASCII", "correct horse battery staple"},
		{"Latin", "Passwört-mit-Ümläuten\u00A0und\u00ADmehr"},
		{"Hangul", "\u1100\u1161\u11A8\uAC00\uD55C\uAE00"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.in)))
			for i := 0; i < b.N; i++ {
				if _, err := SASLprep(bc.in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestComposeTableFastPath(t *testing.T) {
	for _, e := range tables().compose {
		if e.second < minComposeSecond {
			t.Fatalf("composePacked has second code point %U below minComposeSecond", e.second)
		}
	}
	if hangulVBase < minComposeSecond || hangulTBase < minComposeSecond {
		t.Fatal("Hangul jamo below minComposeSecond")
	}
	// ASCII letters are left-to-right (D.2) and nothing else in printable
	// ASCII is in D.1, D.2 or a prohibited table: the fast path in
	// saslprepCheck relies on it.
	for r := rune(0x20); r < 0x7F; r++ {
		isLetter := r|0x20 >= 'a' && r|0x20 <= 'z'
		_, prohibited := prohibitedTag(r)
		if prohibited || inRanges(tables().d1, r) || inRanges(tables().d2, r) != isLetter {
			t.Fatalf("%U: tables disagree with the ASCII fast path", r)
		}
	}
	for r := rune(0); r < 0xA0; r++ {
		if inRanges(tableC12[:], r) || inRanges(tableB1[:], r) {
			t.Fatalf("%U is mapped but below the mapping fast path", r)
		}
	}
}

// The unpacked tables are what the lookups' binary searches need: sorted,
// disjoint ranges and keys (testdata/nfkc.txt checks their content).
func TestUnpackedTablesSorted(t *testing.T) {
	tb := tables()
	for name, rs := range map[string][]runeRange{"D.1": tb.d1, "D.2": tb.d2} {
		for i := 1; i < len(rs); i++ {
			if rs[i].lo > rs[i].hi || rs[i].lo <= rs[i-1].hi {
				t.Fatalf("table %s: range %d (%U-%U) after %U", name, i, rs[i].lo, rs[i].hi, rs[i-1].hi)
			}
		}
	}
	for i := 1; i < len(tb.prohibited); i++ {
		if p, r := tb.prohibited[i-1], tb.prohibited[i]; r.lo > r.hi || r.lo <= p.hi || int(r.tag) >= len(tagNames) {
			t.Fatalf("prohibited range %d: %+v after %+v", i, r, p)
		}
	}
	for i := 1; i < len(tb.ccc); i++ {
		if p, r := tb.ccc[i-1], tb.ccc[i]; r.lo > r.hi || r.lo <= p.hi || r.ccc == 0 {
			t.Fatalf("ccc range %d: %+v after %+v", i, r, p)
		}
	}
	for i := 1; i < len(tb.nfkdKeys); i++ {
		if tb.nfkdKeys[i] <= tb.nfkdKeys[i-1] || tb.nfkdEnds[i] <= tb.nfkdEnds[i-1] {
			t.Fatalf("nfkd key %d: %U after %U", i, tb.nfkdKeys[i], tb.nfkdKeys[i-1])
		}
	}
	if n := len(tb.nfkdEnds); n == 0 || int(tb.nfkdEnds[n-1]) != len(nfkdData) {
		t.Fatalf("the decompositions end at %d of nfkdData's %d bytes", tb.nfkdEnds[n-1], len(nfkdData))
	}
	for i := 1; i < len(tb.compose); i++ {
		if p, c := tb.compose[i-1], tb.compose[i]; c.first < p.first || c.first == p.first && c.second <= p.second {
			t.Fatalf("composite %d: %+v after %+v", i, c, p)
		}
	}
}
