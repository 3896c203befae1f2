package bson_test

import (
	"fmt"

	"github.com/torque-go/torque/bson"
)

func ExampleObjectIDFromHex() {
	id, err := bson.ObjectIDFromHex("5f000000e0c917e9c4714161")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(id.Hex())
	fmt.Println(id.Timestamp())
	_, err = bson.ObjectIDFromHex("not hex")
	fmt.Println(err)
	// Output:
	// 5f000000e0c917e9c4714161
	// 2020-07-04 04:05:20 +0000 UTC
	// bson: ObjectID hex must be 24 characters, got 7
}
