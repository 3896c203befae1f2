package bson_test

import (
	"errors"
	"fmt"

	"github.com/torque-go/torque/bson"
)

// money stands for a type of a package you do not own: it has no BSON
// methods, and you cannot add them.
type money struct {
	cents int64
}

// A Registry gives such a type a BSON form: here a Decimal128.
func ExampleRegisterCodec() {
	reg := bson.NewRegistry()
	bson.RegisterCodec(reg, bson.Codec[money]{
		Encode: func(dst []byte, m money) (bson.Type, []byte, error) {
			d, err := bson.ParseDecimal128(fmt.Sprintf("%d.%02d", m.cents/100, m.cents%100))
			return bson.TypeDecimal128, bson.AppendDecimal128(dst, d), err
		},
		Decode: func(v bson.RawValue, m *money) error {
			d, ok := v.Decimal128()
			if !ok {
				return errors.New("not a decimal")
			}
			coef, exp, err := d.BigInt()
			if err != nil || exp != -2 || !coef.IsInt64() {
				return fmt.Errorf("%s is not an amount in cents", d)
			}
			m.cents = coef.Int64()
			return nil
		},
	})
	type order struct {
		Item  string
		Price money
	}
	doc, _ := bson.Encoder{Registry: reg}.Marshal(order{"tea", money{1250}})
	fmt.Println(bson.Raw(doc))

	var out order
	err := bson.Decoder{Registry: reg}.Unmarshal(doc, &out)
	fmt.Println(out.Price.cents, err)
	// Output:
	// {"item":"tea","price":{"$numberDecimal":"12.50"}}
	// 1250 <nil>
}
