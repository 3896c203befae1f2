package bson_test

import (
	"fmt"

	"github.com/torque-go/torque/bson"
)

// Extended JSON to BSON and back, in both output formats.
func ExampleExtJSONToRaw() {
	doc, err := bson.ExtJSONToRaw([]byte(`{
		"_id": {"$oid": "57e193d7a9cc81b4027498b5"},
		"n": 42,
		"big": {"$numberLong": "42"},
		"pi": 3.14,
		"when": {"$date": "2012-12-24T12:15:30.501Z"},
		"tags": ["a", "b"]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(doc.Lookup("n").Type == bson.TypeInt32, doc.Lookup("big").Type == bson.TypeInt64)

	canonical, err := bson.AppendExtJSON(nil, doc, true)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(canonical))
	fmt.Println(doc) // Raw.String is relaxed Extended JSON
	// Output:
	// true true
	// {"_id":{"$oid":"57e193d7a9cc81b4027498b5"},"n":{"$numberInt":"42"},"big":{"$numberLong":"42"},"pi":{"$numberDouble":"3.14"},"when":{"$date":{"$numberLong":"1356351330501"}},"tags":["a","b"]}
	// {"_id":{"$oid":"57e193d7a9cc81b4027498b5"},"n":42,"big":42,"pi":3.14,"when":{"$date":"2012-12-24T12:15:30.501Z"},"tags":["a","b"]}
}

// Errors say what is wrong and where: the byte offset in the JSON and the
// key path.
func ExampleExtJSONToRaw_error() {
	_, err := bson.ExtJSONToRaw([]byte(`{"a": [{"$numberInt": "x"}]}`))
	fmt.Println(err)
	// Output:
	// bson: extended JSON at byte 7 in "a.0": $numberInt: "x" is not a 32-bit decimal integer
}
