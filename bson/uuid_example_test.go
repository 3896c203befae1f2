package bson_test

import (
	"fmt"

	"github.com/torque-go/torque/bson"
)

// A UUID travels as binary subtype 4.
func ExampleUUID_Binary() {
	u, err := bson.ParseUUID("73ffd264-44b3-4c69-90e8-e7d1dfc035d4")
	if err != nil {
		fmt.Println(err)
		return
	}
	start, doc := bson.AppendDocumentStart(nil)
	b := u.Binary()
	doc = bson.AppendBinaryElement(doc, "_id", b.Subtype, b.Data)
	doc, err = bson.AppendDocumentEnd(doc, start)
	if err != nil {
		fmt.Println(err)
		return
	}

	bin, ok := bson.Raw(doc).Lookup("_id").Binary()
	if !ok {
		fmt.Println("no binary _id")
		return
	}
	back, err := bin.UUID()
	fmt.Println(bin.Subtype, back, err)
	// Output:
	// 4 73ffd264-44b3-4c69-90e8-e7d1dfc035d4 <nil>
}
