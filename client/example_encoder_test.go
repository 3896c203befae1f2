package client_test

import (
	"context"
	"fmt"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

// Direction is an application's own type for a sort order.
type Direction string

// The client's Encoder, with a Registry holding a codec for Direction,
// encodes every value of the user's: here the sort, besides the
// documents. Against mongotest, the in-process test server.
func ExampleOptions_encoder() {
	reg := bson.NewRegistry()
	bson.RegisterCodec(reg, bson.Codec[Direction]{
		Encode: func(dst []byte, d Direction) (bson.Type, []byte, error) {
			n := int32(1)
			if d == "descending" {
				n = -1
			}
			return bson.TypeInt32, bson.AppendInt32(dst, n), nil
		},
	})
	srv, err := mongotest.Start(mongotest.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.Connect(ctx, srv.URI(), client.Options{Encoder: bson.Encoder{Registry: reg}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Disconnect(ctx)
	coll := c.Database("app").Collection("people")
	if _, err := coll.InsertMany(ctx, []any{bson.D{bson.KV("name", "Ada")}, bson.D{bson.KV("name", "Grace")}}); err != nil {
		fmt.Println(err)
		return
	}
	cur, err := coll.Find(ctx, bson.D{}, client.FindOptions{Sort: bson.D{bson.KV("name", Direction("descending"))}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for cur.Next(ctx) {
		fmt.Println(cur.Current.Lookup("name"))
	}
	if err := cur.Err(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// "Grace"
	// "Ada"
}

// NewCursorFromDocuments makes a Cursor without a server, for the tests
// of code that reads one.
func ExampleNewCursorFromDocuments() {
	cur, err := client.NewCursorFromDocuments([]any{bson.D{bson.KV("n", 1)}, bson.D{bson.KV("n", 2)}}, nil, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	var docs []struct{ N int }
	if err := cur.All(context.Background(), &docs); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(docs)
	// Output: [{1} {2}]
}
