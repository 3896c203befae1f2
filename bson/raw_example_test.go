package bson_test

import (
	"fmt"

	"github.com/torque-go/torque/bson"
)

// Build a document with the append API, then read it back lazily.
func Example_appendAndLookup() {
	start, buf := bson.AppendDocumentStart(nil)
	buf = bson.AppendStringElement(buf, "name", "torque")
	buf = bson.AppendInt32Element(buf, "stars", 5)
	sub, buf := bson.AppendDocumentElementStart(buf, "meta")
	arr, buf := bson.AppendArrayElementStart(buf, "tags")
	for i, tag := range []string{"mongodb", "driver"} {
		buf = bson.AppendStringElement(buf, bson.ArrayKey(i), tag)
	}
	buf, err := bson.AppendDocumentEnd(buf, arr)
	if err == nil {
		buf, err = bson.AppendDocumentEnd(buf, sub)
	}
	var doc []byte
	if err == nil {
		doc, err = bson.AppendDocumentEnd(buf, start)
	}
	if err != nil {
		fmt.Println(err)
		return
	}

	raw := bson.Raw(doc)
	if err := raw.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	name, _ := raw.Lookup("name").StringValue()
	stars, _ := raw.Lookup("stars").AsInt64()
	tag, _ := raw.Lookup("meta", "tags", "1").StringValue()
	fmt.Println(len(doc), "bytes:", name, stars, tag)
	for key, v := range raw.All() {
		fmt.Println(key, v.Type)
	}
	_, err = raw.LookupErr("meta", "owner")
	fmt.Println(err)
	// Output:
	// 84 bytes: torque 5 driver
	// name string
	// stars 32-bit integer
	// meta embedded document
	// bson: element not found
}
