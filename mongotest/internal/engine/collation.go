package engine

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/torque-go/torque/bson"
)

// Collation is a compiled collation option: how strings compare. A nil
// *Collation is MongoDB's simple collation (binary comparison of UTF-8).
//
// It approximates ICU's root collation, which is what MongoDB uses for
// the locales ParseCollation accepts: every string becomes a sort key of
// levels (base letters; accents; case; with alternate "shifted", the
// ignored punctuation; at strength 5 the code points) that compares
// byte-wise. Letters compare case-insensitively by their lower case,
// accents come from the canonical decompositions of Latin letters
// (collation_table.go) and combining marks, and the ranks are
// whitespace < punctuation < symbols < digits < letters (other scripts by
// code point). ICU's full tables (contractions, expansions beyond "ß",
// the order of letters such as "æ" and "ø") are not modeled.
type Collation struct {
	Locale          string
	Strength        int    // 1 to 5
	CaseLevel       bool   // a case level even below strength 3
	CaseFirst       string // "off", "upper" or "lower"
	NumericOrdering bool   // digit runs compare as numbers
	Alternate       string // "non-ignorable" or "shifted"
	MaxVariable     string // "punct" or "space": what "shifted" ignores
	Normalization   bool   // accepted; decompositions are always applied
	Backwards       bool   // accents compare from the end (French)
}

// collationLocales are the locales whose collation is ICU's root
// collation for Latin text (with their regions): the ones mongotest
// models. Others (sv, es, da, tr, fr_CA ...) tailor the order.
var collationLocales = map[string]bool{"en": true, "de": true, "fr": true, "it": true, "nl": true, "pt": true, "id": true, "ms": true}

// ParseCollation reads a collation option. It returns nil for the simple
// locale; an unknown field, a bad value or a missing locale is mongod's
// error, a locale outside collationLocales is refused by name.
func ParseCollation(v any) (*Collation, error) {
	d, ok := canon(v).(bson.D)
	if !ok {
		return nil, errorf(CodeTypeMismatch, "BSON field 'collation' is the wrong type '%s', expected type 'object'", typeOf(v))
	}
	locale, ok := lookupString(d, "locale")
	if !ok {
		return nil, errorf(40414, "BSON field 'locale' is missing but a required field")
	}
	if locale == "simple" {
		if len(d) > 1 {
			return nil, errorf(CodeBadValue, "If \"locale\" is set to \"simple\", then no other fields may be specified")
		}
		return nil, nil
	}
	c := &Collation{Locale: locale, Strength: 3, CaseFirst: "off", Alternate: "non-ignorable", MaxVariable: "punct"}
	for _, e := range d {
		if err := c.set(e); err != nil {
			return nil, err
		}
	}
	lang, region, _ := strings.Cut(locale, "_")
	if !collationLocales[lang] || locale == "fr_CA" || strings.ContainsAny(region, "@_") {
		return nil, unsupported("collation locale " + locale + " (mongotest models ICU's root order only)")
	}
	return c, nil
}

func lookupString(d bson.D, key string) (string, bool) {
	for _, e := range d {
		if e.Key == key {
			s, ok := e.Value.(string)
			return s, ok
		}
	}
	return "", false
}

// set reads one field of a collation document.
func (c *Collation) set(e bson.E) error {
	bad := func(want string) error {
		return errorf(CodeBadValue, "Field '%s' must be %s. Got: %v", e.Key, want, e.Value)
	}
	str, isStr := e.Value.(string)
	b, isBool := e.Value.(bool)
	switch e.Key {
	case "locale", "version":
		if !isStr {
			return bad("a string")
		}
	case "strength":
		n, ok := toFloat(e.Value)
		if !ok || n != float64(int(n)) || n < 1 || n > 5 {
			return bad("an integer 1 through 5")
		}
		c.Strength = int(n)
	case "caseFirst", "alternate", "maxVariable":
		allowed := map[string][]string{"caseFirst": {"upper", "lower", "off"}, "alternate": {"non-ignorable", "shifted"}, "maxVariable": {"punct", "space"}}[e.Key]
		if !isStr || !slices.Contains(allowed, str) {
			return bad("one of " + strings.Join(allowed, ", "))
		}
		*map[string]*string{"caseFirst": &c.CaseFirst, "alternate": &c.Alternate, "maxVariable": &c.MaxVariable}[e.Key] = str
	case "caseLevel", "numericOrdering", "normalization", "backwards":
		if !isBool {
			return bad("a boolean")
		}
		*map[string]*bool{"caseLevel": &c.CaseLevel, "numericOrdering": &c.NumericOrdering, "normalization": &c.Normalization, "backwards": &c.Backwards}[e.Key] = b
	default:
		return errorf(40415, "BSON field 'collation.%s' is an unknown field.", e.Key)
	}
	return nil
}

// Doc is the collation as mongod reports it (listIndexes, listCollections):
// every field, with ICU's version.
func (c *Collation) Doc() bson.D {
	return bson.D{
		{Key: "locale", Value: c.Locale}, {Key: "caseLevel", Value: c.CaseLevel},
		{Key: "caseFirst", Value: c.CaseFirst}, {Key: "strength", Value: int32(c.Strength)},
		{Key: "numericOrdering", Value: c.NumericOrdering}, {Key: "alternate", Value: c.Alternate},
		{Key: "maxVariable", Value: c.MaxVariable}, {Key: "normalization", Value: c.Normalization},
		{Key: "backwards", Value: c.Backwards}, {Key: "version", Value: "57.1"},
	}
}

// String is the collation's document in a readable form.
func (c *Collation) String() string {
	if c == nil {
		return "simple"
	}
	return fmt.Sprint(c.Doc())
}

// CompareStrings orders two strings by the collation (binary when c is nil).
func (c *Collation) CompareStrings(a, b string) int {
	if c == nil {
		return strings.Compare(a, b)
	}
	return strings.Compare(c.Key(a), c.Key(b))
}

// Weight classes of the primary level, in ICU's root order.
const (
	classSpace  = 1 << 21
	classPunct  = 2 << 21
	classSymbol = 3 << 21
	classDigit  = 4 << 21
	classLetter = 5 << 21
	weightNone  = 1 // a letter with no accent (secondary), lower case (tertiary)
)

// Key returns the sort key of s: strings compare under the collation as
// their keys compare byte-wise, and are equal exactly when their keys are.
func (c *Collation) Key(s string) string {
	var primary, secondary, caseBits, quaternary []uint32
	runes := decompose(s)
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		if unicode.Is(unicode.Mn, r) {
			// An accent weighs on its letter's secondary weight.
			if n := len(secondary); n > 0 && secondary[n-1] == weightNone {
				secondary[n-1] = uint32(r)
			} else {
				secondary = append(secondary, uint32(r))
			}
			continue
		}
		if c.shifted(r) {
			quaternary = append(quaternary, primaryOf(r))
			continue
		}
		if c.NumericOrdering && unicode.IsDigit(r) {
			n := digitRun(runes[i:])
			primary = append(primary, numericWeights(runes[i:i+n])...)
			secondary, caseBits, quaternary = append(secondary, weightNone), append(caseBits, weightNone), append(quaternary, 1<<24)
			i += n - 1
			continue
		}
		for _, p := range expand(r) {
			primary = append(primary, primaryOf(p))
			secondary = append(secondary, weightNone)
			caseBits = append(caseBits, c.caseWeight(r, p))
			quaternary = append(quaternary, 1<<24)
		}
	}
	if c.Backwards {
		slices.Reverse(secondary)
	}
	levels := [][]uint32{primary}
	if c.CaseLevel {
		levels = append(levels, caseBits)
	}
	if c.Strength >= 2 {
		levels = append(levels, secondary)
	}
	if c.Strength >= 3 {
		levels = append(levels, caseBits)
	}
	if c.Strength >= 4 && c.Alternate == "shifted" {
		levels = append(levels, quaternary)
	}
	if c.Strength == 5 {
		levels = append(levels, runesToWeights(runes))
	}
	return encodeLevels(levels)
}

// decompose applies the canonical decompositions of Latin letters.
func decompose(s string) []rune {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if d, ok := decompositions[r]; ok {
			out = append(out, []rune(d)...)
			continue
		}
		out = append(out, r)
	}
	return out
}

// shifted reports whether alternate "shifted" ignores r below level 4.
func (c *Collation) shifted(r rune) bool {
	if c.Alternate != "shifted" {
		return false
	}
	return unicode.IsSpace(r) || c.MaxVariable == "punct" && unicode.IsPunct(r)
}

// expand is the letters r weighs as: "ß" as "ss", others as themselves.
func expand(r rune) []rune {
	if r == 'ß' || r == 'ẞ' {
		return []rune{r, r}
	}
	return []rune{r}
}

// primaryOf is r's base weight: its class, then its lower case.
func primaryOf(r rune) uint32 {
	switch {
	case r == 'ß' || r == 'ẞ':
		return classLetter + 's'
	case unicode.IsLetter(r):
		return classLetter + uint32(unicode.ToLower(r))
	case unicode.IsDigit(r):
		return classDigit + uint32(r)
	case unicode.IsSpace(r):
		return classSpace + uint32(r)
	case unicode.IsPunct(r):
		return classPunct + uint32(r)
	}
	return classSymbol + uint32(r)
}

// caseWeight is the tertiary weight of letter p of rune r: lower case
// first unless caseFirst is "upper"; "ß" differs from "ss" here.
func (c *Collation) caseWeight(r, p rune) uint32 {
	upper := unicode.IsUpper(r) || unicode.IsTitle(r)
	w := uint32(weightNone)
	if upper != (c.CaseFirst == "upper") {
		w = 2
	}
	if p == 'ß' || p == 'ẞ' {
		w += 2
	}
	return w
}

// digitRun is the length of the run of digits that starts runes.
func digitRun(runes []rune) int {
	n := 0
	for n < len(runes) && unicode.IsDigit(runes[n]) {
		n++
	}
	return n
}

// numericWeights weighs a run of digits as a number: its length without
// leading zeros, then its digits.
func numericWeights(digits []rune) []uint32 {
	for len(digits) > 1 && digits[0] == '0' {
		digits = digits[1:]
	}
	w := []uint32{classDigit + uint32(len(digits))}
	for _, d := range digits {
		w = append(w, classDigit+uint32(d))
	}
	return w
}

func runesToWeights(runes []rune) []uint32 {
	w := make([]uint32, len(runes))
	for i, r := range runes {
		w[i] = uint32(r) + 1
	}
	return w
}

// encodeLevels joins the levels' weights (all non-zero) with zero
// separators, big-endian, so that keys compare level by level.
func encodeLevels(levels [][]uint32) string {
	var b []byte
	for i, l := range levels {
		if i > 0 {
			b = binary.BigEndian.AppendUint32(b, 0)
		}
		for _, w := range l {
			b = binary.BigEndian.AppendUint32(b, w)
		}
	}
	return string(b)
}

// collationVar is where Vars carries a command's collation to the
// filters, sorts and expressions compiled with them, as mongod's
// ExpressionContext carries both: no expression can name it ($$ names
// start with a letter).
const collationVar = "\x00collation"

// WithCollation returns a copy of v that carries c (nil: simple).
func (v Vars) WithCollation(c *Collation) Vars {
	out := make(Vars, len(v)+1)
	for k, x := range v {
		out[k] = x
	}
	if c == nil {
		delete(out, collationVar)
	} else {
		out[collationVar] = c
	}
	return out
}

// Collation is the collation v carries, nil for simple.
func (v Vars) Collation() *Collation {
	c, _ := v[collationVar].(*Collation)
	return c
}
