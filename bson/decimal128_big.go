package bson

import (
	"errors"
	"math/big"
	"strconv"
	"strings"
)

// This file converts Decimal128 to and from math/big: exactly to and from
// big.Int with a decimal exponent, and with rounding (reported as a
// big.Accuracy, as math/big does) to and from big.Float.

// dec128FloatPrec is the precision of BigFloat(0): 114 bits, enough that
// two Decimal128 values of 34 digits never become the same big.Float, so
// Decimal128FromBigFloat gives back the Decimal128 BigFloat(0) came from.
const dec128FloatPrec = 114

var errDec128NotFinite = errors.New("bson: Decimal128 NaN has no numeric value")

// BigInt returns d as coef × 10^exp, exactly: the coefficient and exponent
// it is stored with ("1.50" is 150 and -2). NaN and the infinities are
// errors. A negative zero gives a coef of 0 (big.Int has no -0).
func (d Decimal128) BigInt() (coef *big.Int, exp int, err error) {
	if d.IsNaN() {
		return nil, 0, errDec128NotFinite
	}
	if d.IsInf(0) {
		return nil, 0, errors.New("bson: Decimal128 " + d.String() + " is not finite")
	}
	neg, hi, lo, exp := d.finite()
	coef = new(big.Int).SetUint64(hi)
	coef.Lsh(coef, 64).Or(coef, new(big.Int).SetUint64(lo))
	if neg {
		coef.Neg(coef)
	}
	return coef, exp, nil
}

// Decimal128FromBigInt returns coef × 10^exp as a Decimal128, exactly:
// trailing zeros of coef are dropped, or zeros added to it, when the
// coefficient or the exponent would not fit otherwise. A value that would
// need more than 34 significant digits, or an exponent outside
// [-6176, 6111] after that, is an error that says which.
func Decimal128FromBigInt(coef *big.Int, exp int) (Decimal128, error) {
	digits := new(big.Int).Abs(coef).String()
	if digits == "0" {
		digits = ""
	}
	d, err := encodeDecimal(digits, exp)
	if err != nil {
		return Decimal128{}, errors.New("bson: " + shortDigits(digits) + "E" + strconv.Itoa(exp) + " is not a Decimal128: " + err.Error())
	}
	if coef.Sign() < 0 {
		d.h |= dec128SignBit
	}
	return d, nil
}

// ParseDecimal128FromBigInt is Decimal128FromBigInt with the official Go
// driver's signature: ok is false where that returns an error.
func ParseDecimal128FromBigInt(coef *big.Int, exp int) (Decimal128, bool) {
	d, err := Decimal128FromBigInt(coef, exp)
	return d, err == nil
}

// shortDigits shortens a long digit string for an error message.
func shortDigits(s string) string {
	if s == "" {
		return "0"
	}
	if len(s) > 40 {
		return s[:20] + "..." + s[len(s)-10:] + " (" + strconv.Itoa(len(s)) + " digits) "
	}
	return s
}

// BigFloat returns d as a big.Float of precision prec bits (0 means 114,
// enough to tell any two Decimal128 values apart), rounded to nearest
// even: the result's Acc method says whether it is exact (1.5 is, 0.1 is
// not) and which way it was rounded. The infinities and the zeros keep
// their sign. NaN is an error: big.Float has none.
func (d Decimal128) BigFloat(prec uint) (*big.Float, error) {
	if prec == 0 {
		prec = dec128FloatPrec
	}
	f := new(big.Float).SetPrec(prec)
	switch {
	case d.IsNaN():
		return nil, errDec128NotFinite
	case d.IsInf(0):
		return f.SetInf(d.IsInf(-1)), nil
	}
	coef, exp, _ := d.BigInt()
	if exp >= 0 {
		f.SetInt(coef.Mul(coef, pow10(exp)))
	} else { // coef / 10^-exp, both exact, the quotient rounded once
		ten := pow10(-exp)
		x := new(big.Float).SetPrec(uint(max(coef.BitLen(), 1))).SetInt(coef)
		y := new(big.Float).SetPrec(uint(ten.BitLen())).SetInt(ten)
		f.Quo(x, y)
	}
	if f.Sign() == 0 && d.h&dec128SignBit != 0 {
		f.Neg(f)
	}
	return f, nil
}

// pow10 returns 10^n for n >= 0.
func pow10(n int) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

// Decimal128FromBigFloat returns the Decimal128 nearest to f (34
// significant digits, ties to even, fewer for the smallest values; an
// exact value in its shortest form: 1.25 is 125E-2), and
// whether it is exact (big.Exact) or below or above f, as math/big
// reports rounding. A value with at most 34 significant decimal digits
// (0.5, 1.25, any float64 of at most 34 digits) converts exactly. The
// infinities and zeros keep their sign. A finite f beyond the largest
// Decimal128 (about 1E+6145), or nonzero and no more than half the
// smallest (1E-6176), is an error: it has no nearest finite Decimal128.
func Decimal128FromBigFloat(f *big.Float) (Decimal128, big.Accuracy, error) {
	var sign uint64
	if f.Signbit() {
		sign = dec128SignBit
	}
	switch {
	case f.IsInf():
		return Decimal128{h: sign | dec128Inf}, big.Exact, nil
	case f.Sign() == 0:
		return Decimal128{h: sign | uint64(dec128ExpBias)<<49}, big.Exact, nil
	}
	// 2^20420 > 10^6147 and 2^-20520 < 10^-6177: outside, no decimal
	// expansion (which could be huge) is needed to refuse f.
	if e2 := f.MantExp(nil); e2 > 20420 || e2 < -20520 {
		return Decimal128{}, big.Exact, outOfRange(f)
	}
	digits, exp := exactDecimal(f)
	// Keep at most 34 digits, and none below the last place 1E-6176.
	keep := min(dec128MaxDigits, len(digits), len(digits)+exp-dec128MinExp)
	if keep < 0 {
		return Decimal128{}, big.Exact, outOfRange(f)
	}
	kept, up, exact := roundDigits(digits, keep)
	exp += len(digits) - keep
	if kept == "" {
		return Decimal128{}, big.Exact, outOfRange(f) // rounds to zero
	}
	d, err := encodeDecimal(kept, exp)
	if err != nil {
		return Decimal128{}, big.Exact, outOfRange(f)
	}
	d.h |= sign
	acc := big.Exact
	if !exact {
		acc = big.Below // the magnitude was rounded down, or up:
		if up != (sign != 0) {
			acc = big.Above
		}
	}
	return d, acc, nil
}

// exactDecimal returns |f| (finite, nonzero) as digits × 10^exp, exactly:
// f = m × 2^e is m × 5^-e × 10^e when e < 0.
func exactDecimal(f *big.Float) (digits string, exp int) {
	prec := int(f.MinPrec())
	e2 := f.MantExp(nil)
	m, _ := new(big.Float).SetMantExp(new(big.Float).Abs(f), prec-e2).Int(nil) // |f| = m × 2^(e2-prec)
	if e := e2 - prec; e >= 0 {
		m.Lsh(m, uint(e))
	} else {
		m.Mul(m, new(big.Int).Exp(big.NewInt(5), big.NewInt(int64(-e)), nil))
		exp = e
	}
	return m.String(), exp
}

// roundDigits rounds the decimal digits to their first keep digits, to
// nearest, ties to even. up says the magnitude was rounded up, exact that
// nothing was lost. A carry can make kept one digit longer ("999" to
// "1000"); its last digit is then 0, which encodeDecimal drops.
func roundDigits(digits string, keep int) (kept string, up, exact bool) {
	kept, rest := digits[:keep], digits[keep:]
	exact = strings.Trim(rest, "0") == ""
	if exact {
		return kept, false, true
	}
	switch {
	case rest[0] > '5', rest[0] == '5' && strings.Trim(rest[1:], "0") != "":
		up = true
	case rest[0] == '5': // a tie: to the even neighbour
		up = keep > 0 && (kept[keep-1]-'0')%2 == 1
	}
	if !up {
		return strings.TrimLeft(kept, "0"), false, false
	}
	b := []byte("0" + kept)
	i := len(b) - 1
	for b[i] == '9' {
		b[i] = '0'
		i--
	}
	b[i]++
	return strings.TrimLeft(string(b), "0"), true, false
}

// outOfRange is the error of a big.Float that has no nearest Decimal128.
func outOfRange(f *big.Float) error {
	text := f.Text('p', 0) // cheap for any exponent
	if e2 := f.MantExp(nil); e2 > -2000 && e2 < 2000 {
		text = f.Text('g', 10)
	}
	return errors.New("bson: big.Float " + text + " is outside the Decimal128 range (1E-6176 to 9.999999999999999999999999999999999E+6144)")
}
