package bson

import (
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

func mustDec(t *testing.T, s string) Decimal128 {
	t.Helper()
	d, err := ParseDecimal128(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDecimal128BigInt(t *testing.T) {
	for _, c := range []struct {
		in   string
		coef string
		exp  int
	}{
		{"1.50", "150", -2},
		{"-12345", "-12345", 0},
		{"0", "0", 0},
		{"-0.00", "0", -2},
		{"1E+6144", "1000000000000000000000000000000000", 6111}, // stored clamped
		{"9.999999999999999999999999999999999E+6144", "9999999999999999999999999999999999", 6111},
		{"1E-6176", "1", -6176},
	} {
		coef, exp, err := mustDec(t, c.in).BigInt()
		if err != nil || coef.String() != c.coef || exp != c.exp {
			t.Errorf("%s.BigInt() = %v, %d, %v; want %s, %d", c.in, coef, exp, err, c.coef, c.exp)
			continue
		}
		back, err := Decimal128FromBigInt(coef, exp)
		if err != nil || back.String() != mustDec(t, c.in).String() && c.in != "-0.00" {
			t.Errorf("Decimal128FromBigInt(%s, %d) = %v, %v", coef, exp, back, err)
		}
	}
	for _, s := range []string{"NaN", "Infinity", "-Infinity"} {
		if _, _, err := mustDec(t, s).BigInt(); err == nil {
			t.Errorf("%s.BigInt() gave no error", s)
		}
	}
}

func TestDecimal128FromBigInt(t *testing.T) {
	ten := func(n int) *big.Int { return pow10(n) }
	for _, c := range []struct {
		coef *big.Int
		exp  int
		want string // "" for an error, whose message contains errWant
		errW string
	}{
		{ten(35), 0, "1.000000000000000000000000000000000E+35", ""},        // trailing zeros dropped
		{new(big.Int).Add(ten(34), big.NewInt(1)), 0, "", "34"},            // 35 significant digits
		{big.NewInt(1), 6140, "1.00000000000000000000000000000E+6140", ""}, // clamped: 29 zeros added
		{big.NewInt(1), 6200, "", "overflow"},
		{big.NewInt(1), -6177, "", "underflow"},
		{big.NewInt(10), -6177, "1E-6176", ""},
		{big.NewInt(-7), -1, "-0.7", ""},
		{big.NewInt(0), 99999, "0E+6111", ""}, // a zero's exponent clamps
	} {
		d, err := Decimal128FromBigInt(c.coef, c.exp)
		if c.want == "" {
			if err == nil || !strings.Contains(err.Error(), c.errW) {
				t.Errorf("(%v, %d): %v, %v; want an error about %q", c.coef, c.exp, d, err, c.errW)
			}
			if _, ok := ParseDecimal128FromBigInt(c.coef, c.exp); ok {
				t.Errorf("ParseDecimal128FromBigInt(%v, %d) is ok", c.coef, c.exp)
			}
			continue
		}
		if err != nil || d.String() != c.want {
			t.Errorf("(%v, %d) = %v, %v; want %s", c.coef, c.exp, d, err, c.want)
		}
	}
}

func TestDecimal128BigFloat(t *testing.T) {
	f, err := mustDec(t, "1.5").BigFloat(0)
	if err != nil || f.Acc() != big.Exact || f.String() != "1.5" {
		t.Errorf("1.5: %v %v %v", f, f.Acc(), err)
	}
	if f, _ := mustDec(t, "0.1").BigFloat(53); f.Acc() == big.Exact {
		t.Error("0.1 in binary is exact?")
	} else if x, _ := f.Float64(); x != 0.1 {
		t.Errorf("0.1 at 53 bits is %v", x)
	}
	if f, _ := mustDec(t, "-Infinity").BigFloat(0); !f.IsInf() || !f.Signbit() {
		t.Errorf("-Infinity: %v", f)
	}
	if f, _ := mustDec(t, "-0").BigFloat(0); f.Sign() != 0 || !f.Signbit() {
		t.Errorf("-0: %v", f)
	}
	if _, err := mustDec(t, "NaN").BigFloat(0); err == nil {
		t.Error("NaN gave no error")
	}

	// Any Decimal128 survives BigFloat(0) and back, by value.
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		coef := new(big.Int).SetUint64(rng.Uint64())
		coef.Lsh(coef, 64).Or(coef, new(big.Int).SetUint64(rng.Uint64())).Mod(coef, pow10(34))
		exp := rng.IntN(6111+6176+1) - 6176
		d, err := Decimal128FromBigInt(coef, exp)
		if err != nil {
			t.Fatal(err)
		}
		f, err := d.BigFloat(0)
		if err != nil {
			t.Fatal(err)
		}
		back, acc, err := Decimal128FromBigFloat(f)
		if err != nil || !decEqual(back, d) {
			t.Fatalf("%v -> %v -> %v (%v), %v", d, f, back, acc, err)
		}
	}
}

// decEqual reports whether the finite a and b have the same value.
func decEqual(a, b Decimal128) bool {
	ca, ea, _ := a.BigInt()
	cb, eb, _ := b.BigInt()
	lo := min(ea, eb)
	ca.Mul(ca, pow10(ea-lo))
	cb.Mul(cb, pow10(eb-lo))
	return ca.Cmp(cb) == 0
}

func TestDecimal128FromBigFloat(t *testing.T) {
	const anyAcc = big.Accuracy(99)
	ratFloat := func(num string, exp int) *big.Float { // num × 10^exp, exactly enough
		n, _ := new(big.Int).SetString(num, 10)
		r := new(big.Rat).SetInt(n)
		if exp < 0 {
			r.SetFrac(n, pow10(-exp))
		} else {
			r.SetInt(n.Mul(n, pow10(exp)))
		}
		return new(big.Float).SetPrec(200).SetRat(r)
	}
	for _, c := range []struct {
		f    *big.Float
		want string
		acc  big.Accuracy
	}{
		{big.NewFloat(1.25), "1.25", big.Exact}, // the shortest exact form
		{big.NewFloat(0.1), "0.1000000000000000055511151231257827", big.Below},
		{ratFloat("12345", -6180), "1E-6176", big.Below}, // subnormal, rounded
		{ratFloat("6", -6177), "1E-6176", big.Above},     // above half the smallest
		{ratFloat("123", -6176), "1.23E-6174", anyAcc},   // subnormal (binary is not exact)
		{new(big.Float).SetInf(true), "-Infinity", big.Exact},
		{ratFloat("99999999999999999999999999999999994", 6110), "9.999999999999999999999999999999999E+6144", big.Below},
	} {
		d, acc, err := Decimal128FromBigFloat(c.f)
		if err != nil || (acc != c.acc && c.acc != anyAcc) || d.String() != c.want {
			t.Errorf("%v: %v %v %v; want %s %v", c.f.Text('g', 20), d, acc, err, c.want, c.acc)
		}
	}
	huge := new(big.Float).SetMantExp(big.NewFloat(1), 1<<30)
	for _, f := range []*big.Float{ratFloat("5", -6177), ratFloat("1", -7000), ratFloat("1", 6145), huge,
		new(big.Float).SetMantExp(big.NewFloat(1), -(1 << 30))} {
		if d, _, err := Decimal128FromBigFloat(f); err == nil || !strings.Contains(err.Error(), "outside the Decimal128 range") {
			t.Errorf("%v: %v, %v; want an out-of-range error", f.Text('p', 0), d, err)
		}
	}
	if d, _, err := Decimal128FromBigFloat(new(big.Float).Neg(new(big.Float))); err != nil || d.String() != "-0" {
		t.Errorf("-0: %v %v", d, err)
	}
}
