package bson

import (
	"encoding/binary"
	"strings"
	"testing"
)

// scanAgrees fails t unless the fast scan and the walk that explains its
// errors agree on doc, with and without the UTF-8 check.
func scanAgrees(t *testing.T, what string, doc []byte) {
	t.Helper()
	for _, utf := range []bool{true, false} {
		slow := slowValidate(doc, utf)
		if fast := scanRaw(doc, utf); fast != (slow == nil) {
			t.Fatalf("%s, utf %v: fast scan says %v, slow walk says %v", what, utf, fast, slow)
		}
	}
}

// TestScanKeysInline checks the keys the scan reads a word at a time in
// its loop: every length up to 40, a non-ASCII byte (valid or not) at
// every position, and the key as the last element or followed by others,
// so that the words it reads fall before, across and past the end.
func TestScanKeysInline(t *testing.T) {
	for n := range 41 {
		for hi := -1; hi < n; hi++ {
			for _, bad := range []string{"\xff", "\xc3\xa9"} {
				key := strings.Repeat("k", n)
				if hi >= 0 {
					key = key[:hi] + bad + key[hi+1:]
				}
				last := coreDoc(AppendInt32Element(nil, key, 1))
				mid := coreDoc(AppendNullElement(nil, key), AppendInt32Element(nil, "z", 2))
				scanAgrees(t, "last key "+strings.ToValidUTF8(key, "?"), last)
				scanAgrees(t, "key "+strings.ToValidUTF8(key, "?"), mid)
				if wantOK := bad != "\xff" || hi < 0; (last.Validate() == nil) != wantOK {
					t.Fatalf("key %q: Validate = %v, want ok %v", key, last.Validate(), wantOK)
				}
				if err := last.ValidateStructure(); err != nil {
					t.Fatalf("key %q: ValidateStructure = %v", key, err)
				}
			}
		}
	}
}

// scanNested nests documents depth levels deep, the container at level i
// chosen by kind(i): 0 a document, 1 an array, 2 a code with scope.
func scanNested(depth int, kind func(int) int) Raw {
	d := coreDoc(AppendStringElement(nil, "s", "x"))
	for i := depth - 1; i >= 1; i-- {
		switch kind(i) {
		case 1:
			d = coreDoc(AppendArrayElement(nil, "0", d))
		case 2:
			d = coreDoc(AppendCodeWithScopeElement(nil, "c", "code", d))
		default:
			d = coreDoc(AppendDocumentElement(nil, "a", d), AppendInt32Element(nil, "after", int32(i)))
		}
	}
	return d
}

// TestScanNestingStack checks the depth count of the scan's explicit
// stack around its size and at MaxNestingDepth, with documents, arrays
// and code with scope mixed, and an element after each nested document so
// that popping the stack must resume the enclosing one where it was.
func TestScanNestingStack(t *testing.T) {
	kinds := map[string]func(int) int{
		"documents": func(int) int { return 0 },
		"mixed":     func(i int) int { return i % 3 },
		"scopes":    func(int) int { return 2 },
	}
	depths := []int{1, 2, scanStackDepth - 1, scanStackDepth, scanStackDepth + 1, scanStackDepth + 2,
		2 * scanStackDepth, 2*scanStackDepth + 1, MaxNestingDepth - 1, MaxNestingDepth, MaxNestingDepth + 1, 3 * MaxNestingDepth}
	for name, kind := range kinds {
		for _, depth := range depths {
			d := scanNested(depth, kind)
			if name == "documents" {
				// Two deep branches side by side: after the first, the
				// count must be back where it was.
				branch := scanNested(depth-1, kind)
				d = coreDoc(AppendDocumentElement(nil, "x", branch), AppendDocumentElement(nil, "y", branch))
			}
			scanAgrees(t, name, d)
			if err := d.Validate(); (err == nil) != (depth <= MaxNestingDepth) {
				t.Errorf("%s nested %d deep: Validate = %v", name, depth, err)
			}
			if err := d.ValidateStructure(); (err == nil) != (depth <= MaxNestingDepth) {
				t.Errorf("%s nested %d deep: ValidateStructure = %v", name, depth, err)
			}
			// Unmarshal scans nested values from the depth where they sit,
			// which moves the levels where the stack fills.
			for start := 1; start <= scanStackDepth+2; start++ {
				slow := validateDocument(d, 0, start, true)
				if fast := scanElements(d, start, true); fast != (slow == nil) {
					t.Fatalf("%s nested %d deep from depth %d: fast scan says %v, slow walk says %v",
						name, depth, start, fast, slow)
				}
			}
		}
	}
}

// TestScanMutations changes every byte of nested documents to a few
// values and cuts them at every length: the scan must agree with the walk
// on each result.
func TestScanMutations(t *testing.T) {
	docs := []Raw{
		scanNested(scanStackDepth+3, func(i int) int { return i % 3 }),
		coreDoc(AppendRegexElement(nil, "r", "a", "i"), AppendDBPointerElement(nil, "p", "n", ObjectID{}),
			AppendBinaryElement(nil, "b", BinaryBinaryOld, []byte("abc")), AppendBooleanElement(nil, "t", true),
			AppendStringElement(nil, "a-key-of-twenty-bytes", "a string of more than sixteen bytes")),
	}
	for _, doc := range docs {
		scanAgrees(t, "unchanged", doc)
		for i := range doc {
			for _, b := range []byte{0, 1, 2, 4, 5, 0x7f, 0x80, 0xff, doc[i] + 1, doc[i] - 1} {
				m := append(Raw(nil), doc...)
				m[i] = b
				scanAgrees(t, "mutated", m)
			}
			scanAgrees(t, "cut", doc[:i])
		}
	}
}

// TestScanStrings checks the ASCII checks of string values (inline for 8
// to 16 bytes, validUTF8 otherwise): every length up to 80, a non-ASCII
// byte (valid or not) at every position, the string last or not.
func TestScanStrings(t *testing.T) {
	for n := range 81 {
		for hi := -1; hi < n; hi++ {
			for _, bad := range []string{"\xff", "\xc3\xa9"} {
				s := strings.Repeat("s", n)
				if hi >= 0 {
					s = s[:hi] + bad + s[hi+1:]
				}
				wantOK := bad != "\xff" || hi < 0
				if got := validUTF8([]byte(s)); got != wantOK {
					t.Fatalf("validUTF8(%q) = %v", s, got)
				}
				last := coreDoc(AppendStringElement(nil, "k", s))
				mid := coreDoc(AppendStringElement(nil, "k", s), AppendInt32Element(nil, "z", 2))
				scanAgrees(t, "last string", last)
				scanAgrees(t, "string", mid)
				if (mid.Validate() == nil) != wantOK {
					t.Fatalf("string %q: Validate = %v, want ok %v", s, mid.Validate(), wantOK)
				}
			}
		}
	}
}

// TestScanASCII checks the masks of scanEnds and the words of orWords, as
// scanRun puts them together: a string of every length up to 80 between
// bytes that are not ASCII (which the first and last words read over),
// ASCII or with one byte >= 0x80 at each position.
func TestScanASCII(t *testing.T) {
	for n := range 81 {
		for hi := -1; hi < n; hi++ {
			s := []byte(strings.Repeat("\xff", 8) + strings.Repeat("s", n) + strings.Repeat("\xff", 8))
			if hi >= 0 {
				s[8+hi] = 0x80
			}
			high := scanEnds(s, 8, 8+n)
			if n > 16 {
				high |= orWords(s[16 : 8+n])
			}
			if got := high&msb == 0; got != (hi < 0) {
				t.Fatalf("%d bytes, byte %d not ASCII: ASCII = %v", n, hi, got)
			}
		}
	}
}

// TestScanRunFast checks that the common elements stay in scanRun's loop
// (leaving them to scanSlow would still be right, only slower, so the
// other tests would not see it): keys of every length up to 40 and
// strings up to 40 bytes (and one of 100), next to bytes that are not
// ASCII, numbers, booleans, documents, arrays, binary data (subtype 2
// too), code with scope and regular expressions. A long element after
// each keeps it away from the end of the document (scanSlow reads elements
// that start in its last 17 bytes).
func TestScanRunFast(t *testing.T) {
	var elements [][]byte
	for n := range 41 {
		key := strings.Repeat("k", n)
		elements = append(elements,
			AppendInt32Element(nil, key, -1), AppendDoubleElement(nil, key, -1.5),
			AppendStringElement(nil, "s", strings.Repeat("s", n)),
			AppendStringElement(nil, "\x7f", "\x7f"+strings.Repeat("s", n)))
	}
	inner := coreDoc(AppendBooleanElement(nil, "t", true), AppendInt64Element(nil, "i", -1))
	elements = append(elements,
		AppendBooleanElement(nil, "f", false), AppendNullElement(nil, "n"),
		AppendObjectIDElement(nil, "o", ObjectID{0xff}), AppendDecimal128Element(nil, "d", Decimal128{}),
		AppendDocumentElement(nil, "doc", inner), AppendArrayElement(nil, "arr", inner),
		AppendBinaryElement(nil, "b", 0, []byte{0xff, 0xfe}), AppendBinaryElement(nil, "b2", BinaryBinaryOld, []byte("abc")),
		AppendCodeWithScopeElement(nil, "c", "function() {}", inner),
		AppendCodeWithScopeElement(nil, "c", strings.Repeat("x", 40), inner),
		AppendRegexElement(nil, "r", "^ab+c$", "i"), AppendRegexElement(nil, "r", strings.Repeat("p", 20), ""),
		AppendStringElement(nil, "s", strings.Repeat("s", 100)))
	tail := AppendStringElement(nil, "tail", strings.Repeat("t", 40))
	for _, el := range elements {
		doc := coreDoc(el, tail)
		for _, u := range []bool{false, true} {
			st := scanState{i: 4, end: len(doc) - 1, base: 1}
			if !scanRun(doc, &st, u) {
				t.Errorf("utf %v: scanRun left %x to scanSlow (stopped at byte %d)", u, el, st.i)
			}
		}
	}
}

// FuzzScanElements checks the fast scan against the slow walk on fuzzed
// elements placed where scanRun reads them: as the body of a document
// nested in a larger one and followed by a long element (scanRun leaves
// elements in the last 17 bytes of the input to scanSlow, which is where
// a small fuzzed document would have all of them), at the top level, and
// behind each of the type bytes, so that the fuzzer need not find one.
func FuzzScanElements(f *testing.F) {
	for _, s := range coreFuzzSeeds(f) {
		if len(s) >= 5 {
			f.Add(s[4 : len(s)-1]) // a document's elements
		}
	}
	f.Add([]byte(scanNested(scanStackDepth+2, func(i int) int { return i % 3 })[4:]))
	f.Add(AppendStringElement(nil, "a-key-of-twenty-bytes", strings.Repeat("s", 40)))
	f.Add(AppendCodeWithScopeElement(nil, "c", strings.Repeat("x", 30), coreDoc(AppendBooleanElement(nil, "t", true))))
	tail := AppendStringElement(nil, "tail", strings.Repeat("t", 40))
	f.Fuzz(func(t *testing.T, body []byte) {
		inner := append(binary.LittleEndian.AppendUint32(nil, uint32(len(body)+5)), body...)
		inner = append(inner, 0)
		scanAgrees(t, "top level", inner)
		scanAgrees(t, "nested", coreDoc(AppendDocumentElement(nil, "d", inner), tail))
		for _, typ := range []Type{TypeString, TypeEmbeddedDocument, TypeBinary, TypeRegex, TypeCodeWithScope, TypeBoolean} {
			scanAgrees(t, typ.String(), coreDoc(append([]byte{byte(typ), 'k', 0}, body...), tail))
		}
	})
}
