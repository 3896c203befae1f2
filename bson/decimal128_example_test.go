package bson_test

import (
	"fmt"

	"github.com/torque-go/torque/bson"
)

// Decimal128 values convert to and from strings exactly; the string keeps
// the exponent (trailing zeros) the value was written with.
func ExampleParseDecimal128() {
	for _, s := range []string{"12.50", "-0.0000001", "1E+3", "inf", "1.2.3"} {
		d, err := bson.ParseDecimal128(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		h, l := d.GetBytes()
		fmt.Printf("%s -> %s (%016x %016x)\n", s, d, h, l)
	}
	// Output:
	// 12.50 -> 12.50 (303c000000000000 00000000000004e2)
	// -0.0000001 -> -1E-7 (b032000000000000 0000000000000001)
	// 1E+3 -> 1E+3 (3046000000000000 0000000000000001)
	// inf -> Infinity (7800000000000000 0000000000000000)
	// bson: invalid Decimal128 "1.2.3": unexpected character '.'
}
