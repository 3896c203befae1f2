package connstring_test

import (
	"fmt"

	"github.com/torque-go/torque/connstring"
)

func ExampleParse() {
	cs, err := connstring.Parse("mongodb://app:s3cret@db1.example.com,db2.example.com:27018/shop?replicaSet=rs0&maxPoolSize=0&fsync=true")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, h := range cs.Hosts {
		fmt.Println(h.Addr())
	}
	fmt.Println(cs.Database, cs.ReplicaSet, *cs.MaxPoolSize)
	fmt.Println(cs.Warnings)
	fmt.Println(cs.Redacted())
	// Output:
	// db1.example.com:27017
	// db2.example.com:27018
	// shop rs0 0
	// [connstring: option fsync at byte 93: unknown option ignored]
	// mongodb://app:xxxxx@db1.example.com,db2.example.com:27018/shop?maxPoolSize=0&replicaSet=rs0
}
