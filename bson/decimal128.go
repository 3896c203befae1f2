package bson

import (
	"errors"
	"math"
	"math/bits"
	"strconv"
)

// Decimal128 is an IEEE 754-2008 128-bit decimal floating-point number in
// the binary integer decimal (BID) encoding MongoDB uses: a sign, a 14-bit
// exponent biased by 6176 and a coefficient of up to 34 decimal digits.
// It is a value object: the package converts it to and from strings
// exactly (the BSON Decimal128 specification) and does no arithmetic.
type Decimal128 struct {
	h, l uint64
}

const (
	dec128ExpBias   = 6176
	dec128MinExp    = -6176 // smallest exponent of a finite value
	dec128MaxExp    = 6111  // largest exponent of a finite value
	dec128MaxDigits = 34    // digits in the coefficient

	dec128SignBit = uint64(1) << 63
	dec128Inf     = uint64(0x78) << 56
	dec128NaN     = uint64(0x7C) << 56
)

// dec128MaxCoef is 10^34-1, the largest coefficient, as high and low words.
var dec128MaxCoefHi, dec128MaxCoefLo = func() (uint64, uint64) {
	var hi, lo uint64 = 0, 1
	for range dec128MaxDigits {
		hi, lo = mul10(hi, lo)
	}
	if lo == 0 {
		hi--
	}
	return hi, lo - 1
}()

// NewDecimal128 returns the Decimal128 with high bits h and low bits l.
func NewDecimal128(h, l uint64) Decimal128 { return Decimal128{h: h, l: l} }

// GetBytes returns the high and low 64 bits of d.
func (d Decimal128) GetBytes() (h, l uint64) { return d.h, d.l }

// IsNaN reports whether d is a NaN (of any sign, quiet or signalling).
func (d Decimal128) IsNaN() bool { return d.h>>58&0x1F == 0x1F }

// IsInf reports whether d is +Infinity (sign > 0), -Infinity (sign < 0), or
// either (sign == 0).
func (d Decimal128) IsInf(sign int) bool {
	if d.h>>58&0x1F != 0x1E {
		return false
	}
	neg := d.h&dec128SignBit != 0
	return sign == 0 || (sign > 0) == !neg
}

// finite splits a finite d into sign, coefficient (hi, lo) and unbiased
// exponent. Coefficients beyond 10^34-1, and the second (non-canonical)
// encoding form, stand for zero, as IEEE 754-2008 says.
func (d Decimal128) finite() (neg bool, hi, lo uint64, exp int) {
	neg = d.h&dec128SignBit != 0
	if d.h>>61&3 == 3 {
		return neg, 0, 0, int(d.h>>47&0x3FFF) - dec128ExpBias
	}
	hi, lo = d.h&(1<<49-1), d.l
	if hi > dec128MaxCoefHi || (hi == dec128MaxCoefHi && lo > dec128MaxCoefLo) {
		hi, lo = 0, 0
	}
	return neg, hi, lo, int(d.h>>49&0x3FFF) - dec128ExpBias
}

// String returns d in the specification's string form: "Infinity",
// "-Infinity", "NaN", plain notation ("-12.50") when the exponent is at
// most 0 and the adjusted exponent at least -6, else scientific notation
// ("1.2E+3", "5E-10").
func (d Decimal128) String() string {
	var buf [48]byte
	return string(d.appendString(buf[:0]))
}

func (d Decimal128) appendString(dst []byte) []byte {
	if d.IsNaN() {
		return append(dst, "NaN"...)
	}
	if d.IsInf(0) {
		if d.h&dec128SignBit != 0 {
			dst = append(dst, '-')
		}
		return append(dst, "Infinity"...)
	}
	neg, hi, lo, exp := d.finite()
	var dbuf [40]byte
	digits := coefDigits(dbuf[:], hi, lo)
	if neg {
		dst = append(dst, '-')
	}
	adjusted := exp + len(digits) - 1
	if exp > 0 || adjusted < -6 {
		dst = append(dst, digits[0])
		if len(digits) > 1 {
			dst = append(dst, '.')
			dst = append(dst, digits[1:]...)
		}
		dst = append(dst, 'E')
		if adjusted >= 0 {
			dst = append(dst, '+')
		}
		return strconv.AppendInt(dst, int64(adjusted), 10)
	}
	if exp == 0 {
		return append(dst, digits...)
	}
	point := len(digits) + exp // digits before the decimal point
	if point <= 0 {
		dst = append(dst, '0', '.')
		for ; point < 0; point++ {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	}
	dst = append(dst, digits[:point]...)
	dst = append(dst, '.')
	return append(dst, digits[point:]...)
}

// coefDigits writes the decimal digits of the coefficient (hi, lo) at the
// end of buf, without leading zeros ("0" for zero), and returns them.
func coefDigits(buf []byte, hi, lo uint64) []byte {
	i := len(buf)
	for {
		// Divide the 128-bit coefficient by 10^9 and write nine digits.
		var r uint64
		hi, r = hi/1e9, hi%1e9
		lo, r = bits.Div64(r, lo, 1e9)
		for range 9 {
			i--
			buf[i] = byte('0' + r%10)
			r /= 10
			if hi == 0 && lo == 0 && r == 0 {
				break
			}
		}
		if hi == 0 && lo == 0 {
			return buf[i:]
		}
	}
}

// mul10 returns (hi, lo) * 10; the caller keeps it below 2^128.
func mul10(hi, lo uint64) (uint64, uint64) {
	carry, lo := bits.Mul64(lo, 10)
	return hi*10 + carry, lo
}

// ParseDecimal128 parses s by the specification's grammar: an optional
// sign, digits with an optional decimal point, an optional exponent
// ("1.5E-3"), or one of "Infinity", "Inf", "NaN" in any case. Values that
// need more than 34 digits, or an exponent outside [-6176, 6111], are
// rounded or clamped when that is exact and refused otherwise.
func ParseDecimal128(s string) (Decimal128, error) {
	body, neg := s, false
	if len(body) > 0 && (body[0] == '+' || body[0] == '-') {
		neg, body = body[0] == '-', body[1:]
	}
	var sign uint64
	if neg {
		sign = dec128SignBit
	}
	switch {
	case equalFoldASCII(body, "infinity"), equalFoldASCII(body, "inf"):
		return Decimal128{h: sign | dec128Inf}, nil
	case equalFoldASCII(body, "nan"):
		return Decimal128{h: sign | dec128NaN}, nil
	}
	digits, exp, err := splitDecimal(body)
	if err != nil {
		return Decimal128{}, errors.New("bson: invalid Decimal128 " + quoteShort(s) + ": " + err.Error())
	}
	d, err := encodeDecimal(digits, exp)
	if err != nil {
		return Decimal128{}, errors.New("bson: Decimal128 " + quoteShort(s) + ": " + err.Error())
	}
	d.h |= sign
	return d, nil
}

// splitDecimal parses the unsigned body of a finite numeric string into its
// significant digits (leading zeros removed, "" for zero) and the exponent
// that applies to them as an integer. The exponent saturates far outside
// the representable range so that absurd inputs cannot overflow an int.
func splitDecimal(body string) (digits string, exp int, err error) {
	var mantissa [80]byte // the significant digits kept
	n, sawDigit, sawPoint, inexact := 0, false, false, false
	i := 0
	for ; i < len(body); i++ {
		c := body[i]
		if c == '.' && !sawPoint {
			sawPoint = true
			continue
		}
		if c < '0' || c > '9' {
			break
		}
		sawDigit = true
		if sawPoint {
			exp--
		}
		switch {
		case c == '0' && n == 0: // a leading zero
		case n < len(mantissa):
			mantissa[n] = c
			n++
		case c == '0': // a zero beyond the buffer: drop it, keep the value
			exp++
		default: // a non-zero digit beyond the buffer: cannot round exactly
			inexact = true
		}
	}
	if !sawDigit {
		return "", 0, errors.New("no digits")
	}
	if inexact {
		return "", 0, errors.New("inexact rounding: more than 34 significant digits")
	}
	if i < len(body) {
		e, err := parseExponent(body[i:])
		if err != nil {
			return "", 0, err
		}
		exp += e
	}
	return string(mantissa[:n]), exp, nil
}

// parseExponent parses "E", an optional sign and digits, saturating at a
// magnitude of 10^9 (far outside the range, which only a zero may have,
// clamped). An exponent whose magnitude does not fit an int64 is an error,
// as in the official driver: "0E-61400000000000000004" is not a number.
func parseExponent(s string) (int, error) {
	if s[0] != 'e' && s[0] != 'E' {
		return 0, errors.New("unexpected character " + strconv.QuoteRune(rune(s[0])))
	}
	s = s[1:]
	neg := false
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		neg, s = s[0] == '-', s[1:]
	}
	if len(s) == 0 {
		return 0, errors.New("exponent has no digits")
	}
	e, wide := 0, uint64(0) // e saturates; wide finds an exponent beyond int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, errors.New("unexpected character " + strconv.QuoteRune(rune(c)) + " in exponent")
		}
		if wide > (math.MaxInt64-uint64(c-'0'))/10 {
			return 0, errors.New("exponent " + s + " out of range")
		}
		wide = wide*10 + uint64(c-'0')
		if e < 1e9 {
			e = e*10 + int(c-'0')
		}
	}
	if neg {
		e = -e
	}
	return e, nil
}

// encodeDecimal packs significant digits and an exponent, rounding away
// trailing zeros (exact) or clamping (adding zeros) until both fit.
func encodeDecimal(digits string, exp int) (Decimal128, error) {
	if digits == "" { // zero: clamp the exponent, the value stays exact
		exp = max(dec128MinExp, min(exp, dec128MaxExp))
		return Decimal128{h: uint64(exp+dec128ExpBias) << 49}, nil
	}
	// Too many digits, or an exponent too small: drop trailing zeros.
	for len(digits) > dec128MaxDigits || exp < dec128MinExp {
		if digits[len(digits)-1] != '0' {
			if len(digits) > dec128MaxDigits {
				return Decimal128{}, errors.New("inexact rounding: more than 34 significant digits")
			}
			return Decimal128{}, errors.New("underflow: exponent below -6176")
		}
		digits = digits[:len(digits)-1]
		exp++
	}
	var hi, lo uint64
	for i := 0; i < len(digits); i++ {
		hi, lo = mul10(hi, lo)
		var carry uint64
		lo, carry = bits.Add64(lo, uint64(digits[i]-'0'), 0)
		hi += carry
	}
	// An exponent too large: add zeros to the coefficient (clamping).
	for n := len(digits); exp > dec128MaxExp; n++ {
		if n >= dec128MaxDigits {
			return Decimal128{}, errors.New("overflow: exponent above 6111")
		}
		hi, lo = mul10(hi, lo)
		exp--
	}
	return Decimal128{h: uint64(exp+dec128ExpBias)<<49 | hi, l: lo}, nil
}

// MarshalText returns the string form; it makes Decimal128 work with
// encoding/json as a JSON string.
func (d Decimal128) MarshalText() ([]byte, error) {
	return d.appendString(nil), nil
}

// UnmarshalText parses the string form.
func (d *Decimal128) UnmarshalText(b []byte) error {
	v, err := ParseDecimal128(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// equalFoldASCII reports whether s equals the lower-case ASCII word lower,
// ignoring case.
func equalFoldASCII(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// quoteShort quotes s for an error message, cut to 64 bytes.
func quoteShort(s string) string {
	if len(s) > 64 {
		return strconv.Quote(s[:64]) + "..."
	}
	return strconv.Quote(s)
}
