package bson_test

import (
	"fmt"

	"github.com/torque-go/torque/bson"
)

// A Vector field is written as binary subtype 9, which vector search
// indexes read, and read back with the specification's checks.
func ExampleVector() {
	type item struct {
		Name      string
		Embedding bson.Vector
	}
	doc, _ := bson.Marshal(item{"a", bson.NewVector([]float32{0.5, -1})})
	fmt.Println(bson.Raw(doc))

	var out item
	_ = bson.Unmarshal(doc, &out)
	vals, ok := out.Embedding.Float32OK()
	fmt.Println(vals, ok)

	_, err := bson.NewPackedBitVector([]byte{0xFF}, 7)
	fmt.Println(err)
	// Output:
	// {"name":"a","embedding":{"$binary":{"base64":"JwAAAAA/AACAvw==","subType":"09"}}}
	// [0.5 -1] true
	// bson: the 7 padding bits of a packed-bit vector must be zero
}
