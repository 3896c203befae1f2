package bson_test

import (
	"fmt"
	"time"

	"github.com/torque-go/torque/bson"
)

type Person struct {
	ID     bson.ObjectID  `bson:"_id,omitzero"`
	Name   string         `bson:"name"`
	Born   time.Time      `bson:"born"`
	Emails []string       `bson:"emails,omitempty"`
	Extra  map[string]any `bson:",inline"`
}

func ExampleMarshal() {
	p := Person{Name: "Ada", Born: time.Date(1815, 12, 10, 0, 0, 0, 0, time.UTC)}
	data, err := bson.Marshal(&p)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(bson.Raw(data))
	// Output: {"name":"Ada","born":{"$date":{"$numberLong":"-4861728000000"}}}
}

func ExampleUnmarshal() {
	data, _ := bson.Marshal(bson.D{{"name", "Grace"}, {"emails", bson.A{"g@navy.mil"}}, {"rank", "admiral"}})
	var p Person
	if err := bson.Unmarshal(data, &p); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Name, p.Emails, p.Extra)

	var d bson.D // any document, in order
	_ = bson.Unmarshal(data, &d)
	fmt.Println(d[2].Key, d[2].Value)
	// Output:
	// Grace [g@navy.mil] map[rank:admiral]
	// rank admiral
}

func ExampleDecoder() {
	data, _ := bson.Marshal(bson.D{{"a", bson.D{{"b", int32(1)}}}})
	var v any
	if err := (bson.Decoder{DefaultDocumentM: true}).Unmarshal(data, &v); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%#v\n", v)
	// Output: bson.M{"a":bson.M{"b":1}}
}

func ExampleUnmarshal_errors() {
	data, _ := bson.Marshal(bson.D{{"name", int32(7)}})
	var p Person
	fmt.Println(bson.Unmarshal(data, &p))
	// Output: bson: at byte 10 in "name": cannot decode 32-bit integer into Go value of type string
}
