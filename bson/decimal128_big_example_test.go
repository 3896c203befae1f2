package bson_test

import (
	"fmt"
	"math/big"

	"github.com/torque-go/torque/bson"
)

// A Decimal128 converts exactly to a big.Int coefficient and a decimal
// exponent, and back; to and from big.Float it rounds, and says so.
func ExampleDecimal128_BigInt() {
	d, _ := bson.ParseDecimal128("-12.50")
	coef, exp, _ := d.BigInt()
	fmt.Println(coef, exp)

	back, _ := bson.Decimal128FromBigInt(coef, exp)
	fmt.Println(back)

	_, err := bson.Decimal128FromBigInt(big.NewInt(1), 7000)
	fmt.Println(err)

	f, _ := d.BigFloat(0)
	fmt.Println(f, f.Acc())

	tenth, acc, _ := bson.Decimal128FromBigFloat(big.NewFloat(0.1))
	fmt.Println(tenth, acc)
	// Output:
	// -1250 -2
	// -12.50
	// bson: 1E7000 is not a Decimal128: overflow: exponent above 6111
	// -12.5 Exact
	// 0.1000000000000000055511151231257827 Below
}
