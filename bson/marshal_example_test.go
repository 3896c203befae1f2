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
	data, err := bson.Marshal(bson.D{bson.KV("name", "Grace"), bson.KV("emails", bson.A{"g@navy.mil"}), bson.KV("rank", "admiral")})
	if err != nil {
		fmt.Println(err)
		return
	}
	var p Person
	if err := bson.Unmarshal(data, &p); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Name, p.Emails, p.Extra)

	var d bson.D // any document, in order
	if err := bson.Unmarshal(data, &d); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d[2].Key, d[2].Value)
	// Output:
	// Grace [g@navy.mil] map[rank:admiral]
	// rank admiral
}

func ExampleDecoder() {
	data, err := bson.Marshal(bson.D{bson.KV("a", bson.D{bson.KV("b", int32(1))})})
	if err != nil {
		fmt.Println(err)
		return
	}
	var v any
	if err := (bson.Decoder{DefaultDocumentM: true}).Unmarshal(data, &v); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%#v\n", v)
	// Output: bson.M{"a":bson.M{"b":1}}
}

func ExampleUnmarshal_errors() {
	data, err := bson.Marshal(bson.D{bson.KV("name", int32(7))})
	if err != nil {
		fmt.Println(err)
		return
	}
	var p Person
	fmt.Println(bson.Unmarshal(data, &p))
	// Output: bson: at byte 10 in "name": cannot decode 32-bit integer into Go value of type string
}
