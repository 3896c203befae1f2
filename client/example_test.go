package client_test

import (
	"context"
	"fmt"
	"time"

	"github.com/torque-go/torque/bson"
	"github.com/torque-go/torque/client"
	"github.com/torque-go/torque/mongotest"
)

// The tutorial flow: connect, insert, find, update, count, disconnect. It
// runs against mongotest, the in-process test server; point Connect at a
// real server for the same conversation.
func Example() {
	srv, err := mongotest.Start(mongotest.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	c, err := client.Connect(ctx, srv.URI())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Disconnect(ctx)

	type person struct {
		ID   int    `bson:"_id"`
		Name string `bson:"name"`
	}
	people := c.Database("app").Collection("people")
	if _, err := people.InsertMany(ctx, []any{person{1, "Ada"}, person{2, "Grace"}}); err != nil {
		fmt.Println(err)
		return
	}
	res, err := people.UpdateOne(ctx, bson.D{bson.KV("_id", 2)}, bson.D{bson.KV("$set", bson.D{bson.KV("name", "Grace Hopper")})})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("modified:", res.ModifiedCount)

	var p person
	if err := people.FindOne(ctx, bson.D{bson.KV("_id", 2)}).Decode(&p); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("found:", p.Name)

	cur, err := people.Find(ctx, bson.D{})
	if err != nil {
		fmt.Println(err)
		return
	}
	var all []person
	if err := cur.All(ctx, &all); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("all:", len(all))

	_, err = people.ReplaceOne(ctx, bson.D{bson.KV("_id", 1)}, bson.D{bson.KV("$set", 1)})
	fmt.Println(err)
	// Output:
	// modified: 1
	// found: Grace Hopper
	// all: 2
	// client: replacement document must not contain update operators, found "$set": use UpdateOne to update
}
